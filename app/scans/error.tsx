"use client";

import { ErrorPanel } from "@/components/error-panel";

export default function ScansError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorPanel what="The scan history could not be loaded" error={error} reset={reset} />;
}
