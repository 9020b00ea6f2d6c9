"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { ScanStatusBadge } from "@/components/badges";
import { formatDuration } from "@/components/format";
import type { ScanRow } from "@/lib/server/queries/scans";
import { isActive, useScan } from "./use-scan";

/** A scan's progress bar (repos done of total). Refreshes the page's server data when the scan ends. */
export function ScanProgress({ scanId, initial, compact }: { scanId: number; initial?: ScanRow; compact?: boolean }) {
  const router = useRouter();
  const { data: scan, error } = useScan(scanId, initial);
  const wasActive = useRef(isActive(initial) || !initial);
  useEffect(() => {
    if (!scan) return;
    if (isActive(scan)) wasActive.current = true;
    else if (wasActive.current) {
      wasActive.current = false;
      router.refresh();
    }
  }, [scan, router]);

  if (error) return <p role="alert" className="text-sm text-red-600 dark:text-red-400">Could not read scan #{scanId}: {error.message}</p>;
  const total = scan?.reposTotal ?? 0;
  const done = scan?.reposDone ?? 0;
  const finished = scan !== undefined && !isActive(scan);
  const pct = finished ? 100 : total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
  const label = finished
    ? `Scan #${scanId} ${scan.status}`
    : `Scan #${scanId} ${scan?.phase ? `(${scan.phase}) ` : ""}${total ? `${done} of ${total} repos` : "starting"}`;
  return (
    <div className="w-full" data-testid="scan-progress" data-status={scan?.status ?? "queued"}>
      <div className="mb-1 flex h-5 items-center justify-between gap-2 text-xs text-zinc-600 dark:text-zinc-400">
        <span id={`scan-${scanId}-label`} className="truncate">{label}</span>
        {scan && (finished ? <ScanStatusBadge status={scan.status} /> : !compact && <span className="tabular-nums">{pct}%</span>)}
      </div>
      <div
        role="progressbar"
        aria-labelledby={`scan-${scanId}-label`}
        aria-valuemin={0}
        aria-valuemax={total || 1}
        aria-valuenow={finished ? total || 1 : done}
        aria-valuetext={label}
        className="h-2 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
      >
        <div
          className={finished && scan.status !== "succeeded" ? "h-full bg-amber-500 transition-[width]" : "h-full bg-sky-500 transition-[width]"}
          style={{ width: `${pct}%` }}
        />
      </div>
      {finished && !compact && (
        <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
          {scan.newCount} new, {scan.resolvedCount} resolved, {formatDuration(scan.durationMs)}
          {scan.error ? ` — ${scan.error}` : ""}
        </p>
      )}
    </div>
  );
}
