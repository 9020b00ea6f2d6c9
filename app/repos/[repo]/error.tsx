"use client";

import { ErrorPanel } from "@/components/error-panel";

export default function RepoError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorPanel what="This repository's findings could not be loaded" error={error} reset={reset} />;
}
