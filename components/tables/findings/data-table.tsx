"use client";

import { useOrgHref } from "@/components/org-link";
import { flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import clsx from "clsx";
import { useQueryStates } from "nuqs";
import { useCallback, useTransition } from "react";
import type { FindingFacets, FindingPage } from "@/lib/server/queries/findings";
import { findingColumns } from "./columns";
import { FindingsEmptyState } from "./empty-state";
import { FindingsFilters, type FilterState } from "./filters";
import { Pagination } from "./pagination";
import { findingParsers, serializeFindingParams } from "./search-params";

const FIRST_PAGE = { page: null, after: null, before: null };
const STATUS_LABEL: Record<string, string> = { open: "Open", new: "New", suppressed: "Suppressed", resolved: "Resolved", all: "All" };

/**
 * The org report's findings table. All state lives in the URL (nuqs, shallow: false), so the server
 * page re-renders with the filtered, sorted page; the table only renders what it is given.
 */
export function FindingsDataTable({ data, facets, org, scanned }: { data: FindingPage; facets: FindingFacets; org: string; scanned: boolean }) {
  const [isPending, startTransition] = useTransition();
  const [state, setState] = useQueryStates(findingParsers, { shallow: false, history: "push", startTransition, scroll: false });

  const onFilter = useCallback(
    (patch: Partial<FilterState>) => void setState({ ...patch, ...FIRST_PAGE }),
    [setState],
  );
  const onClear = useCallback(
    () => void setState({ rule: null, severity: null, repo: null, team: null, status: null, q: null, since: null, ...FIRST_PAGE }),
    [setState],
  );
  const onSort = (id: string) => {
    const sort = id as typeof state.sort;
    void setState({ sort, dir: state.sort === sort && state.dir === "asc" ? "desc" : "asc", ...FIRST_PAGE });
  };

  const table = useReactTable({
    data: data.rows,
    columns: findingColumns,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    pageCount: data.pageCount,
    getRowId: (r) => String(r.id),
  });

  const filtered = Boolean(state.rule || state.severity || state.repo || state.team || state.q || state.status !== "open" || state.since !== null);
  const orgHref = useOrgHref();
  const query = serializeFindingParams({ ...state, ...FIRST_PAGE, pageSize: null });
  const download = (format: string) => orgHref(`/api/findings${query ? `${query}&` : "?"}format=${format}`);

  return (
    <section aria-labelledby="findings-heading" className="rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <div className="flex h-14 items-center justify-between gap-3 border-b border-zinc-200 px-3 dark:border-zinc-800">
        <h2 id="findings-heading" className="font-semibold">Findings</h2>
        <div className="flex items-center gap-1 text-sm" aria-label="Download the findings these filters select">
          <span className="mr-1 text-zinc-500 dark:text-zinc-400">Download</span>
          {(["csv", "json", "sarif"] as const).map((f) => (
            <a key={f} href={download(f)} download className="rounded-md border border-zinc-300 px-2 py-1 font-mono text-xs no-underline hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800">
              {f.toUpperCase()}
            </a>
          ))}
        </div>
      </div>
      <FindingsFilters state={state} facets={facets} onChange={onFilter} onClear={onClear} />
      {state.since !== null && (
        <p className="flex items-center gap-2 border-b border-zinc-200 px-3 py-2 text-sm dark:border-zinc-800" data-testid="since-filter">
          Only findings new since scan #{state.since}
          <button type="button" onClick={() => void setState({ since: null, ...FIRST_PAGE })} className="rounded-md px-2 text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800">
            Show all
          </button>
        </p>
      )}
      <div className={clsx("overflow-x-auto transition-opacity", isPending && "opacity-60")} aria-busy={isPending}>
        <table className="w-full border-collapse text-left text-sm">
          <caption className="sr-only">
            {STATUS_LABEL[state.status]} findings in {org}
            {state.rule ? `, rule ${state.rule}` : ""}
            {state.repo ? `, repository ${state.repo}` : ""}: {data.total} total, page {data.page} of {data.pageCount}. Column headers sort the table.
          </caption>
          <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id} className="h-10">
                {hg.headers.map((h) => {
                  const sorted = state.sort === h.column.id;
                  return (
                    <th
                      key={h.id}
                      scope="col"
                      aria-sort={sorted ? (state.dir === "asc" ? "ascending" : "descending") : "none"}
                      className="px-3 font-medium"
                    >
                      <button type="button" onClick={() => onSort(h.column.id)} className="inline-flex items-center gap-1 uppercase hover:text-zinc-900 dark:hover:text-zinc-100">
                        {flexRender(h.column.columnDef.header, h.getContext())}
                        <span aria-hidden className={clsx("text-[10px]", !sorted && "opacity-0")}>
                          {state.dir === "asc" ? "▲" : "▼"}
                        </span>
                      </button>
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <tr key={row.id} className="h-14 border-b border-zinc-100 hover:bg-zinc-50 dark:border-zinc-800/60 dark:hover:bg-zinc-800/40" data-testid="finding-row">
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id} className="px-3 align-middle">
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {data.rows.length === 0 && <FindingsEmptyState filtered={filtered} scanned={scanned} clearHref="/?view=findings" />}
      </div>
      <Pagination
        page={data.page}
        pageCount={data.pageCount}
        pageSize={data.pageSize}
        total={data.total}
        hasNext={data.nextCursor !== null}
        hasPrev={data.prevCursor !== null}
        // the page after the last row shown, or before the first: keyset pages, each a link of its own
        onPage={(p) => void setState(p <= 1 ? FIRST_PAGE : p > data.page
          ? { page: p, after: data.nextCursor, before: null }
          : { page: p, before: data.prevCursor, after: null })}
        onPageSize={(n) => void setState({ pageSize: n, ...FIRST_PAGE })}
      />
    </section>
  );
}
