"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { OrgLink as Link } from "@/components/org-link";
import { formatDateTime } from "@/components/format";
import type { PackageRow } from "@/lib/server/queries/packages";

export const packageColumns: ColumnDef<PackageRow>[] = [
  {
    accessorKey: "name",
    header: "Package",
    cell: ({ row }) => (
      <Link href={`/packages/${encodeURIComponent(row.original.name)}`} className="font-medium text-sky-700 hover:underline dark:text-sky-300">
        {row.original.name}
      </Link>
    ),
  },
  { accessorKey: "visibility", header: "Visibility", cell: ({ getValue }) => getValue<string | null>() ?? "—" },
  {
    accessorKey: "repoName",
    header: "Repository",
    cell: ({ getValue }) => {
      const r = getValue<string | null>();
      return r ? <Link href={`/repos/${encodeURIComponent(r)}`} className="hover:underline">{r}</Link> : "—";
    },
  },
  { accessorKey: "tagCount", header: "Tags", cell: ({ getValue }) => <span className="tabular-nums">{getValue<number>()}</span> },
  {
    accessorKey: "cacheTagCount",
    header: "Cache tags",
    cell: ({ row }) => (
      <span className={row.original.cacheTagCount > 0 ? "font-semibold tabular-nums text-red-700 dark:text-red-300" : "tabular-nums"}>
        {row.original.cacheTagCount}
        {row.original.flaggedCount > 0 && <span className="ml-2 text-xs font-normal">({row.original.flaggedCount} with findings)</span>}
      </span>
    ),
  },
  { accessorKey: "updatedAt", header: "Updated", cell: ({ getValue }) => <span className="whitespace-nowrap text-xs">{formatDateTime(getValue<string | null>())}</span> },
];
