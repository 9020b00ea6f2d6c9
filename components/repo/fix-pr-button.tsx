"use client";

import { useOrgHref } from "@/components/org-link";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { FixPrBadge } from "./fix-pr-badge";

export interface FixPrLink { number: number; url: string; state: string; branch: string }

interface Answer { pullRequest?: FixPrLink; created?: boolean; skipped?: Array<{ id: number; reason: string }>; error?: string }

async function openPr(url: string, findingId: number | undefined): Promise<Answer & { pullRequest: FixPrLink }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(findingId !== undefined ? { findingId } : {}),
  });
  const body = (await res.json().catch(() => ({}))) as Answer;
  if (!res.ok || !body.pullRequest) throw new Error(body.error ?? `The pull request could not be opened (HTTP ${res.status}).`);
  return body as Answer & { pullRequest: FixPrLink };
}

/**
 * "Open fix PR" (one finding) or "Fix all in this repo": opens or updates the pull request through
 * POST /api/repos/NAME/fix-pr, then shows its link and state; GitHub's refusals (the workflow scope)
 * are shown where the button is.
 */
export function FixPrButton({ repo, findingId, label, updateLabel, existing }: {
  repo: string; findingId?: number; label: string; updateLabel: string; existing?: FixPrLink | null;
}) {
  const router = useRouter();
  const orgHref = useOrgHref();
  const m = useMutation({ mutationFn: () => openPr(orgHref(`/api/repos/${encodeURIComponent(repo)}/fix-pr`), findingId), onSuccess: () => router.refresh() });
  const pr = m.data?.pullRequest ?? existing ?? null;
  const updating = pr?.state === "open";
  return (
    <div className="flex flex-col gap-1" data-testid={findingId !== undefined ? "fix-pr" : "fix-all-pr"}>
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          onClick={() => m.mutate()}
          disabled={m.isPending}
          className="h-8 rounded-md bg-emerald-700 px-3 text-sm font-medium text-white hover:bg-emerald-600 disabled:opacity-60"
        >
          {m.isPending ? "Opening…" : updating ? updateLabel : label}
        </button>
        {pr && (
          <span className="flex items-center gap-2 text-sm">
            <a href={pr.url} target="_blank" rel="noreferrer" className="font-medium text-sky-700 underline dark:text-sky-300">
              PR #{pr.number}
            </a>
            <FixPrBadge state={pr.state} />
          </span>
        )}
      </div>
      {m.isSuccess && (
        <p role="status" className="text-xs text-zinc-600 dark:text-zinc-400">
          {m.data.created ? "Opened" : "Updated"} pull request #{m.data.pullRequest.number} on <code>{m.data.pullRequest.branch}</code>
          {m.data.skipped && m.data.skipped.length > 0 ? `; ${m.data.skipped.length} finding${m.data.skipped.length === 1 ? "" : "s"} left out (named in its description)` : ""}.
        </p>
      )}
      {m.isError && (
        <p role="alert" className="max-w-prose rounded-md border border-red-300 bg-red-50 px-3 py-2 text-xs text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
          {m.error.message}
        </p>
      )}
    </div>
  );
}
