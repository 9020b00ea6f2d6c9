"use client";

import { useOrgHref } from "@/components/org-link";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { ScanRow } from "@/lib/server/queries/scans";
import { ScanProgress } from "./scan-progress";

/** Starts a scan (POST /api/scans) and shows its progress; a scan already running is shown instead. */
export function RescanButton({ active }: { active: ScanRow | null }) {
  const queryClient = useQueryClient();
  const orgHref = useOrgHref();
  const [scanId, setScanId] = useState<number | null>(active?.id ?? null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function start() {
    setBusy(true);
    setMessage(null);
    try {
      const res = await fetch(orgHref("/api/scans"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ trigger: "manual" }) });
      const body = (await res.json()) as { scanId?: number | null; error?: string };
      if (res.status === 202 && body.scanId) {
        await queryClient.invalidateQueries({ queryKey: ["scans"] });
        setScanId(body.scanId);
      } else if (res.status === 409) {
        setMessage(body.error ?? "A scan is already running.");
        if (body.scanId) setScanId(body.scanId);
      } else {
        setMessage(body.error ?? `The scan could not start (HTTP ${res.status}).`);
      }
    } catch (e) {
      setMessage(`The scan could not start: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="flex w-full flex-col gap-2">
      <button
        type="button"
        onClick={start}
        disabled={busy}
        className="h-8 self-start rounded-md bg-sky-600 px-3 text-sm font-medium text-white hover:bg-sky-500 disabled:opacity-60"
      >
        {busy ? "Starting…" : "Rescan now"}
      </button>
      <div className="min-h-[2.75rem]">
        {scanId !== null && <ScanProgress key={scanId} scanId={scanId} initial={active?.id === scanId ? active : undefined} />}
        {message && (
          <p role="status" className="text-xs text-amber-700 dark:text-amber-300">
            {message}
          </p>
        )}
      </div>
    </div>
  );
}
