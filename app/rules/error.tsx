"use client";

import { ErrorPanel } from "@/components/error-panel";

export default function RulesError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorPanel what="The rule documentation could not be loaded" error={error} reset={reset} />;
}
