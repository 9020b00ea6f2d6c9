"use client";

import { ErrorPanel } from "@/components/error-panel";

export default function PackageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorPanel what="This package's tags could not be loaded" error={error} reset={reset} />;
}
