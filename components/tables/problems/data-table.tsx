"use client";

import { flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import clsx from "clsx";
import { OrgLink as Link, useOrgHref } from "@/components/org-link";
import { useQueryStates } from "nuqs";
import { Fragment, useCallback, useState, useTransition } from "react";
import { EvidenceList } from "@/components/problems/evidence";
import { FindingsEmptyState } from "@/components/tables/findings/empty-state";
import { FindingsFilters, type FilterState } from "@/components/tables/findings/filters";
import { Pagination } from "@/components/tables/findings/pagination";
import { findingParsers, serializeFindingParams } from "@/components/tables/findings/search-params";
import { NO_TEAM } from "@/lib/server/queries/finding-options";
import type { FindingFacets } from "@/lib/server/queries/findings";
import type { ProblemPage } from "@/lib/server/queries/problems";
import { problemColumns } from "./columns";

const STATUS_LABEL: Record<string, string> = { open: "Open", new: "New", suppressed: "Suppressed", resolved: "Fixed", all: "All" };

/**
 * The org report's problems table: one row per broken thing, confirmed first. Its state lives in the
 * URL with the findings table's (nuqs, shallow: false): the server page renders the filtered page.
 * A row opens to its evidence; its repository links to the problem's card.
 */
export function ProblemsDataTable({ data, facets, org, scanned }: { data: ProblemPage; facets: FindingFacets; org: string; scanned: boolean }) {
  const [isPending, startTransition] = useTransition();
  const [state, setState] = useQueryStates(findingParsers, { shallow: false, history: "push", startTransition, scroll: false });
  const [open, setOpen] = useState<Set<number>>(new Set());

  const onFilter = useCallback((patch: Partial<FilterState>) => void setState({ ...patch, page: null }), [setState]);
  const onClear = useCallback(
    () => void setState({ rule: null, severity: null, repo: null, team: null, status: null, q: null, since: null, page: null }),
    [setState],
  );
  const table = useReactTable({
    data: data.rows,
    columns: problemColumns,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    pageCount: data.pageCount,
    getRowId: (r) => String(r.id),
  });
  const toggle = (id: number) => setOpen((s) => {
    const next = new Set(s);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });

  const filtered = Boolean(state.rule || state.severity || state.repo || state.team || state.q || state.status !== "open" || state.since !== null);
  const orgHref = useOrgHref();
  const query = serializeFindingParams({ ...state, view: null, page: null, pageSize: null });
  const download = (format: string) => orgHref(`/api/findings${query ? `${query}&` : "?"}format=${format}`);
  const team = state.team === NO_TEAM ? "no team" : state.team;

  return (
    <section aria-labelledby="problems-heading" className="rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <div className="flex h-14 items-center justify-between gap-3 border-b border-zinc-200 px-3 dark:border-zinc-800">
        <h2 id="problems-heading" className="font-semibold">
          Problems{team ? <span className="font-normal text-zinc-500"> · team {team}</span> : null}
        </h2>
        <div className="flex items-center gap-1 text-sm" aria-label="Download the findings of the problems these filters select">
          <span className="mr-1 text-zinc-500 dark:text-zinc-400">Download findings</span>
          {(["csv", "json", "sarif"] as const).map((f) => (
            <a key={f} href={download(f)} download className="rounded-md border border-zinc-300 px-2 py-1 font-mono text-xs no-underline hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800">
              {f.toUpperCase()}
            </a>
          ))}
        </div>
      </div>
      <FindingsFilters state={state} facets={facets} onChange={onFilter} onClear={onClear} what="problems" />
      {state.since !== null && (
        <p className="flex items-center gap-2 border-b border-zinc-200 px-3 py-2 text-sm dark:border-zinc-800" data-testid="since-filter">
          Only problems new since scan #{state.since}
          <button type="button" onClick={() => void setState({ since: null, page: null })} className="rounded-md px-2 text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800">
            Show all
          </button>
        </p>
      )}
      <div className={clsx("overflow-x-auto transition-opacity", isPending && "opacity-60")} aria-busy={isPending}>
        <table className="w-full border-collapse text-left text-sm">
          <caption className="sr-only">
            {STATUS_LABEL[state.status]} problems in {org}
            {team ? `, team ${team}` : ""}
            {state.repo ? `, repository ${state.repo}` : ""}: {data.total} total, page {data.page} of {data.pageCount}, confirmed problems first.
          </caption>
          <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id} className="h-10">
                <th scope="col" className="w-8 px-2"><span className="sr-only">Details</span></th>
                {hg.headers.map((h) => (
                  <th key={h.id} scope="col" className="px-3 font-medium">{flexRender(h.column.columnDef.header, h.getContext())}</th>
                ))}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => {
              const p = row.original;
              const expanded = open.has(p.id);
              return (
                <Fragment key={row.id}>
                  <tr className="border-b border-zinc-100 hover:bg-zinc-50 dark:border-zinc-800/60 dark:hover:bg-zinc-800/40" data-testid="problem-row" data-problem-key={p.key}>
                    <td className="px-2 align-middle">
                      <button
                        type="button"
                        onClick={() => toggle(p.id)}
                        aria-expanded={expanded}
                        aria-controls={`problem-${p.id}-evidence`}
                        className="h-7 w-7 rounded-md text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800"
                      >
                        <span aria-hidden>{expanded ? "▾" : "▸"}</span>
                        <span className="sr-only">{expanded ? "Hide" : "Show"} the evidence of {p.ref}</span>
                      </button>
                    </td>
                    {row.getVisibleCells().map((cell) => (
                      <td key={cell.id} className="px-3 py-2 align-middle">{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                    ))}
                  </tr>
                  {expanded && (
                    <tr id={`problem-${p.id}-evidence`} className="border-b border-zinc-100 bg-zinc-50/60 dark:border-zinc-800/60 dark:bg-zinc-900/40">
                      <td />
                      <td colSpan={problemColumns.length} className="px-3 py-3">
                        <p className="mb-2 text-sm text-zinc-700 dark:text-zinc-300">{p.why}</p>
                        <EvidenceList problem={p} />
                        {p.repo && (
                          <p className="mt-2 text-sm">
                            <Link href={`/repos/${encodeURIComponent(p.repo)}#problem-${p.id}`} className="font-medium text-sky-700 underline dark:text-sky-300">
                              The code and the fix on {p.repo}
                            </Link>
                          </p>
                        )}
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
        {data.rows.length === 0 && <FindingsEmptyState filtered={filtered} scanned={scanned} clearHref="/" what="problems" />}
      </div>
      <Pagination
        page={data.page}
        pageCount={data.pageCount}
        pageSize={data.pageSize}
        total={data.total}
        onPage={(p) => void setState({ page: p })}
        onPageSize={(n) => void setState({ pageSize: n, page: null })}
        label="Problems pages"
      />
    </section>
  );
}
