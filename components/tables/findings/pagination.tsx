"use client";

import { PAGE_SIZES } from "@/lib/server/queries/finding-options";

const btn =
  "h-8 rounded-md border border-zinc-300 px-3 text-sm disabled:cursor-not-allowed disabled:opacity-40 enabled:hover:bg-zinc-100 dark:border-zinc-700 dark:enabled:hover:bg-zinc-800";

export function Pagination({
  page,
  pageCount,
  pageSize,
  total,
  onPage,
  onPageSize,
  hasNext,
  hasPrev,
  label = "Findings pages",
}: {
  label?: string;
  page: number;
  pageCount: number;
  pageSize: number;
  total: number;
  onPage: (p: number) => void;
  onPageSize: (n: number) => void;
  /** keyset pages say whether there is one beyond; page numbers alone decide otherwise */
  hasNext?: boolean;
  hasPrev?: boolean;
}) {
  const canNext = hasNext ?? page < pageCount;
  const canPrev = hasPrev ?? page > 1;
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return (
    <nav aria-label={label} className="flex h-14 items-center justify-between gap-3 px-3 text-sm">
      <p aria-live="polite" className="text-zinc-600 dark:text-zinc-400">
        {from}–{to} of {total.toLocaleString("en-US")}
      </p>
      <div className="flex items-center gap-2">
        <label className="flex items-center gap-2 text-zinc-600 dark:text-zinc-400">
          Rows
          <select
            value={pageSize}
            onChange={(e) => onPageSize(Number(e.target.value))}
            className="h-8 rounded-md border border-zinc-300 bg-white px-1 dark:border-zinc-700 dark:bg-zinc-900"
          >
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>{n}</option>
            ))}
          </select>
        </label>
        <button type="button" className={btn} onClick={() => onPage(page - 1)} disabled={!canPrev}>
          Previous
        </button>
        <span className="tabular-nums">
          Page {page} of {pageCount}
        </span>
        <button type="button" className={btn} onClick={() => onPage(page + 1)} disabled={!canNext}>
          Next
        </button>
      </div>
    </nav>
  );
}
