"use client";

import { ErrorPanel } from "@/components/error-panel";

export default function PackagesError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorPanel what="The GHCR packages could not be loaded" error={error} reset={reset} />;
}
