"use client";

import { useEffect } from "react";

/** What an error boundary shows: what failed, the reason when there is one, and a retry. */
export function ErrorPanel({ what, error, reset }: { what: string; error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.warn(`[cacheguard] ${what}`, error);
  }, [what, error]);
  // Production builds hide server error messages behind a digest; say where to look then.
  const detail = error.digest
    ? `The server logged the cause (error id ${error.digest}).`
    : error.message;
  return (
    <section role="alert" className="rounded-lg border border-red-300 bg-red-50 p-6 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
      <h1 className="text-lg font-semibold">{what}</h1>
      <p className="mt-2 text-sm">{detail}</p>
      <p className="mt-2 text-sm">Check that the database is reachable and a scan has run, then try again.</p>
      <button type="button" onClick={reset} className="mt-4 h-8 rounded-md bg-red-700 px-3 text-sm font-medium text-white hover:bg-red-600">
        Try again
      </button>
    </section>
  );
}
