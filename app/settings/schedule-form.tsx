"use client";

import { useOrgHref } from "@/components/org-link";
import { useEffect, useMemo, useState } from "react";
import { SCHEDULE_OFF, nextRuns, validateCron } from "@/lib/server/schedule/cron";

export interface ScheduleView {
  /** whose schedule: each org of the deployment has its own */
  org: string;
  schedule: string;
  source: string;
  envSchedule: string | null;
  timeZone: string;
  nextRuns: string[];
  armed: boolean;
}

const SOURCE_TEXT: Record<string, string> = {
  settings: "set on this page",
  env: "from CACHEGUARD_SCHEDULE",
  default: "the default (every day at 03:00)",
};

function fmt(iso: string, timeZone: string): string {
  return new Date(iso).toLocaleString("en-GB", { timeZone, weekday: "short", year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

/** The scan schedule: a cron expression checked as you type (croner), its next five runs, save. */
export function ScheduleForm({ initial }: { initial: ScheduleView }) {
  const orgHref = useOrgHref();
  const [saved, setSaved] = useState(initial);
  const [draft, setDraft] = useState(initial.schedule);
  const [status, setStatus] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // typing before hydration would be lost (React keeps its own state): read-only until then
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);

  const preview = useMemo(() => {
    const v = draft.trim();
    if (v === "" || v.toLowerCase() === SCHEDULE_OFF) return { ok: true as const, runs: [] as string[] };
    const c = validateCron(v);
    return c.ok ? { ok: true as const, runs: nextRuns(c.expression, 5).map((d) => d.toISOString()) } : { ok: false as const, error: c.error };
  }, [draft]);

  async function save(value: string) {
    setBusy(true);
    setStatus(null);
    try {
      const res = await fetch(orgHref("/api/settings"), { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ schedule: value }) });
      const body = (await res.json().catch(() => ({}))) as Partial<ScheduleView> & { error?: string };
      if (!res.ok) {
        setStatus({ kind: "error", text: body.error ?? `Could not save (HTTP ${res.status}).` });
        return;
      }
      const next = body as ScheduleView;
      setSaved(next);
      setDraft(next.schedule);
      setStatus({ kind: "ok", text: next.schedule === SCHEDULE_OFF ? "Scheduled scans are off." : `Saved. Next scan ${next.nextRuns[0] ? fmt(next.nextRuns[0], next.timeZone) : "never"}.` });
    } catch {
      setStatus({ kind: "error", text: "Could not reach the server." });
    } finally {
      setBusy(false);
    }
  }

  const runs = draft.trim() === saved.schedule ? saved.nextRuns : preview.ok ? preview.runs : [];
  return (
    <section aria-labelledby="schedule-h" className="rounded-lg border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900">
      <h2 id="schedule-h" className="font-semibold">Scheduled scans of {saved.org}</h2>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        Now <code>{saved.schedule}</code>, {SOURCE_TEXT[saved.source] ?? saved.source}. Times are in {saved.timeZone}, the server&apos;s time zone.
        {saved.armed ? null : " This server process is not running the scheduler, so the schedule applies from its next start."}
      </p>
      <form
        className="mt-4 flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (preview.ok) void save(draft);
        }}
      >
        <label className="flex flex-col gap-1 text-sm">
          <span>Cron expression (minute hour day month weekday), or <code>off</code></span>
          <input
            name="schedule"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            readOnly={!hydrated}
            aria-invalid={!preview.ok}
            aria-describedby="schedule-help"
            spellCheck={false}
            className="h-9 w-72 rounded-md border border-zinc-300 bg-white px-2 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-950"
          />
        </label>
        <button type="submit" disabled={busy || !preview.ok} className="h-9 rounded-md bg-zinc-900 px-4 text-sm font-medium text-white disabled:opacity-50 dark:bg-zinc-100 dark:text-zinc-900">
          {busy ? "Saving…" : "Save"}
        </button>
        {saved.source === "settings" ? (
          <button type="button" disabled={busy} onClick={() => void save("")} className="h-9 rounded-md border border-zinc-300 px-3 text-sm dark:border-zinc-700">
            Reset to {saved.envSchedule ? "CACHEGUARD_SCHEDULE" : "default"}
          </button>
        ) : null}
      </form>
      <div id="schedule-help" className="mt-2 text-sm">
        {preview.ok ? null : <p role="alert" className="text-red-700 dark:text-red-400">{preview.error}</p>}
        {status ? <p role={status.kind === "error" ? "alert" : "status"} className={status.kind === "error" ? "text-red-700 dark:text-red-400" : "text-emerald-700 dark:text-emerald-400"}>{status.text}</p> : null}
      </div>
      <h3 className="mt-5 text-sm font-medium">Next five runs</h3>
      {runs.length > 0 ? (
        <ol aria-label="Next five runs" className="mt-1 list-decimal pl-6 text-sm tabular-nums">
          {runs.map((r) => (
            <li key={r}><time dateTime={r}>{fmt(r, saved.timeZone)}</time></li>
          ))}
        </ol>
      ) : (
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{draft.trim().toLowerCase() === SCHEDULE_OFF ? "None: scheduled scans are off." : "None."}</p>
      )}
    </section>
  );
}
