"use client";

import {
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
} from "@tanstack/react-table";
import clsx from "clsx";
import { useState, type ReactNode } from "react";

/** A small client-sorted table (packages, tags, scans): whole data set in memory, accessible headers. */
export function ClientTable<T>({
  data,
  columns,
  caption,
  empty,
  initialSort = [],
  rowClassName,
  rowTestId,
}: {
  data: T[];
  columns: ColumnDef<T>[];
  caption: string;
  empty: ReactNode;
  initialSort?: SortingState;
  rowClassName?: (row: T) => string | undefined;
  rowTestId?: string;
}) {
  const [sorting, setSorting] = useState<SortingState>(initialSort);
  const table = useReactTable({
    data,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  });
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <table className="w-full border-collapse text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
          {table.getHeaderGroups().map((hg) => (
            <tr key={hg.id} className="h-10">
              {hg.headers.map((h) => {
                const dir = h.column.getIsSorted();
                const canSort = h.column.getCanSort();
                return (
                  <th key={h.id} scope="col" className="px-3 font-medium" aria-sort={dir === "asc" ? "ascending" : dir === "desc" ? "descending" : canSort ? "none" : undefined}>
                    {canSort ? (
                      <button type="button" onClick={h.column.getToggleSortingHandler()} className="inline-flex items-center gap-1 uppercase hover:text-zinc-900 dark:hover:text-zinc-100">
                        {flexRender(h.column.columnDef.header, h.getContext())}
                        <span aria-hidden className={clsx("text-[10px]", !dir && "opacity-0")}>{dir === "desc" ? "▼" : "▲"}</span>
                      </button>
                    ) : (
                      flexRender(h.column.columnDef.header, h.getContext())
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} data-testid={rowTestId} className={clsx("border-b border-zinc-100 dark:border-zinc-800/60", rowClassName?.(row.original))}>
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} className="h-12 px-3 py-2 align-middle">
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {data.length === 0 && empty}
    </div>
  );
}
