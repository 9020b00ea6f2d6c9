"use client";

import { ErrorPanel } from "@/components/error-panel";

export default function ReportError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorPanel what="The org report could not be loaded" error={error} reset={reset} />;
}
