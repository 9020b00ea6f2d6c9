"use client";

import { useOrgHref } from "@/components/org-link";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";

async function call(url: string, method: "POST" | "DELETE", body?: { reason: string; expiresAt: string }): Promise<void> {
  const res = await fetch(url, {
    method,
    ...(body ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) {
    const answer = (await res.json().catch(() => ({}))) as { error?: string };
    throw new Error(answer.error ?? `HTTP ${res.status}`);
  }
}

function inDays(n: number): string {
  return new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * "Accept risk": a reason and an expiry date (90 days by default, a year at most). The finding leaves
 * the counts and shows under "Suppressed" until the date passes, then it is open again.
 */
export function AcceptRiskForm({ findingId }: { findingId: number }) {
  const id = useId();
  const router = useRouter();
  const orgHref = useOrgHref();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [expiresAt, setExpiresAt] = useState(inDays(90));
  const m = useMutation({ mutationFn: () => call(orgHref(`/api/findings/${findingId}/accept`), "POST", { reason, expiresAt }), onSuccess: () => router.refresh() });
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} className="h-8 rounded-md border border-zinc-300 px-3 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800">
        Accept risk…
      </button>
    );
  }
  return (
    <form
      aria-label="Accept risk"
      className="flex flex-wrap items-end gap-2 rounded-md border border-zinc-200 p-2 text-sm dark:border-zinc-700"
      onSubmit={(e) => {
        e.preventDefault();
        m.mutate();
      }}
    >
      <label htmlFor={`${id}-reason`} className="flex flex-col gap-1">
        <span className="text-xs text-zinc-600 dark:text-zinc-400">Why is this acceptable?</span>
        <input id={`${id}-reason`} required minLength={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} className="h-8 w-72 rounded-md border border-zinc-300 px-2 dark:border-zinc-700 dark:bg-zinc-900" />
      </label>
      <label htmlFor={`${id}-until`} className="flex flex-col gap-1">
        <span className="text-xs text-zinc-600 dark:text-zinc-400">Until</span>
        <input id={`${id}-until`} type="date" required min={inDays(1)} max={inDays(366)} value={expiresAt} onChange={(e) => setExpiresAt(e.target.value)} className="h-8 rounded-md border border-zinc-300 px-2 dark:border-zinc-700 dark:bg-zinc-900" />
      </label>
      <button type="submit" disabled={m.isPending} className="h-8 rounded-md bg-zinc-800 px-3 text-white hover:bg-zinc-700 disabled:opacity-60 dark:bg-zinc-200 dark:text-zinc-900">
        {m.isPending ? "Saving…" : "Accept risk"}
      </button>
      <button type="button" onClick={() => setOpen(false)} className="h-8 px-2 text-zinc-600 dark:text-zinc-300">Cancel</button>
      {m.isError && <p role="alert" className="w-full text-xs text-red-700 dark:text-red-300">{m.error.message}</p>}
    </form>
  );
}

/** Take an accepted risk back: the finding is open and counted again. */
export function RevokeRiskButton({ findingId }: { findingId: number }) {
  const router = useRouter();
  const orgHref = useOrgHref();
  const m = useMutation({ mutationFn: () => call(orgHref(`/api/findings/${findingId}/accept`), "DELETE"), onSuccess: () => router.refresh() });
  return (
    <span className="inline-flex items-center gap-2">
      <button type="button" onClick={() => m.mutate()} disabled={m.isPending} className="text-xs text-sky-700 underline dark:text-sky-300">
        Revoke
      </button>
      {m.isError && <span role="alert" className="text-xs text-red-700">{m.error.message}</span>}
    </span>
  );
}
