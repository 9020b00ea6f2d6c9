"use client";

import { useEffect, useId, useState } from "react";
import { NO_TEAM } from "@/lib/server/queries/finding-options";
import type { FindingFacets } from "@/lib/server/queries/findings";

export interface FilterState {
  rule: string | null;
  severity: "error" | "warning" | "note" | null;
  repo: string | null;
  team: string | null;
  status: "open" | "new" | "suppressed" | "resolved" | "all";
  q: string | null;
}

const selectClass =
  "h-9 w-full rounded-md border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900";

export function FindingsFilters({
  state,
  facets,
  onChange,
  onClear,
  what = "findings",
}: {
  state: FilterState;
  facets: FindingFacets;
  onChange: (patch: Partial<FilterState>) => void;
  onClear: () => void;
  /** what the table lists: "findings" or "problems" (the labels say which) */
  what?: "findings" | "problems";
}) {
  const id = useId();
  const [text, setText] = useState(state.q ?? "");
  // Follow the URL when it changes elsewhere (back button, "clear filters").
  useEffect(() => setText(state.q ?? ""), [state.q]);
  useEffect(() => {
    if (text === (state.q ?? "")) return;
    const t = setTimeout(() => onChange({ q: text.trim() ? text : null }), 300);
    return () => clearTimeout(t);
  }, [text, state.q, onChange]);

  const active = Boolean(state.rule || state.severity || state.repo || state.team || state.q || state.status !== "open");
  // Keep a value that came from the URL selectable even when it has no open findings.
  const withCurrent = (list: Array<{ value: string; count: number }>, current: string | null) =>
    current && !list.some((x) => x.value === current) ? [...list, { value: current, count: 0 }] : list;
  const teams = withCurrent(facets.teams, state.team) as FindingFacets["teams"];

  return (
    <form role="search" aria-label={`Filter ${what}`} className="grid h-[10.5rem] grid-cols-2 content-start gap-3 border-b border-zinc-200 p-3 md:h-auto md:grid-cols-7 dark:border-zinc-800" onSubmit={(e) => e.preventDefault()}>
      <div className="col-span-2">
        <label htmlFor={`${id}-q`} className="sr-only">{`Search ${what}`}</label>
        <input
          id={`${id}-q`}
          type="search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="Search ref, file, message…"
          className={selectClass}
        />
      </div>
      <div>
        <label htmlFor={`${id}-rule`} className="sr-only">Rule</label>
        <select id={`${id}-rule`} className={selectClass} value={state.rule ?? ""} onChange={(e) => onChange({ rule: e.target.value || null })}>
          <option value="">All rules</option>
          {withCurrent(facets.rules, state.rule).map((r) => (
            <option key={r.value} value={r.value}>{r.value} ({r.count})</option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-severity`} className="sr-only">Severity</label>
        <select
          id={`${id}-severity`}
          className={selectClass}
          value={state.severity ?? ""}
          onChange={(e) => onChange({ severity: (e.target.value || null) as FilterState["severity"] })}
        >
          <option value="">All severities</option>
          {(["error", "warning", "note"] as const).map((s) => (
            <option key={s} value={s}>{s} ({facets.severities.find((x) => x.value === s)?.count ?? 0})</option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-repo`} className="sr-only">Repository</label>
        <select id={`${id}-repo`} className={selectClass} value={state.repo ?? ""} onChange={(e) => onChange({ repo: e.target.value || null })}>
          <option value="">All repositories</option>
          {withCurrent(facets.repos, state.repo).map((r) => (
            <option key={r.value} value={r.value}>{r.value} ({r.count})</option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-team`} className="sr-only">Team</label>
        <select id={`${id}-team`} className={selectClass} value={state.team ?? ""} onChange={(e) => onChange({ team: e.target.value || null })}>
          <option value="">All teams</option>
          {teams.map((t) => (
            <option key={t.value} value={t.value} title={t.sources?.length ? `from ${t.sources.join(", ")}` : undefined}>
              {t.value === NO_TEAM ? "No team" : t.value} ({t.count})
            </option>
          ))}
        </select>
      </div>
      <div className="flex gap-2">
        <label htmlFor={`${id}-status`} className="sr-only">Status</label>
        <select id={`${id}-status`} className={selectClass} value={state.status} onChange={(e) => onChange({ status: e.target.value as FilterState["status"] })}>
          <option value="open">Open</option>
          <option value="new">New in last scan</option>
          <option value="suppressed">Suppressed</option>
          <option value="resolved">Resolved</option>
          <option value="all">All</option>
        </select>
        {active && (
          <button type="button" onClick={onClear} className="h-9 shrink-0 rounded-md px-2 text-sm text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800">
            Clear
          </button>
        )}
      </div>
    </form>
  );
}
