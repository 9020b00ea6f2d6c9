"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { ScanStatusBadge } from "@/components/badges";
import { OrgLink as Link } from "@/components/org-link";
import { formatDateTime, formatDuration, notAnalysedText, scopeText } from "@/components/format";
import type { ScanRow } from "@/lib/server/queries/scans";

export const scanColumns: ColumnDef<ScanRow>[] = [
  {
    accessorKey: "id",
    header: "Scan",
    cell: ({ getValue }) => <Link href={`/scans/${getValue<number>()}`} className="tabular-nums underline-offset-2 hover:underline">#{getValue<number>()}</Link>,
  },
  { accessorKey: "startedAt", header: "Started", cell: ({ getValue }) => <span className="whitespace-nowrap text-xs">{formatDateTime(getValue<string>())}</span> },
  {
    accessorKey: "trigger",
    header: "Trigger",
    cell: ({ row }) => (
      <span className="flex flex-col gap-0.5" data-scope={row.original.scope ?? "org"}>
        <span>{row.original.trigger}</span>
        {row.original.scope && <span className="whitespace-nowrap text-xs text-zinc-500">incremental: {scopeText(row.original.scope)}</span>}
      </span>
    ),
  },
  {
    accessorKey: "status",
    header: "Status",
    cell: ({ row }) => (
      <span className="flex flex-col gap-0.5">
        <ScanStatusBadge status={row.original.status} />
        {row.original.error && <span className="max-w-[16rem] truncate text-xs text-red-700 dark:text-red-300" title={row.original.error}>{row.original.error}</span>}
        {row.original.repoErrors.length > 0 && (
          <span className="text-xs text-amber-700 dark:text-amber-300" title={row.original.repoErrors.map((e) => `${e.repo}: ${e.message}`).join("\n")}>
            {row.original.repoErrors.length} repo error{row.original.repoErrors.length === 1 ? "" : "s"}
          </span>
        )}
        {notAnalysedText(row.original) && (
          <Link href={`/scans/${row.original.id}`} className="text-xs text-amber-700 underline dark:text-amber-300">{notAnalysedText(row.original)}</Link>
        )}
      </span>
    ),
  },
  { accessorKey: "durationMs", header: "Duration", cell: ({ getValue }) => <span className="whitespace-nowrap tabular-nums">{formatDuration(getValue<number | null>())}</span> },
  {
    id: "repos",
    accessorFn: (r) => r.reposTotal,
    header: "Repos",
    cell: ({ row }) => (
      <span className="whitespace-nowrap tabular-nums">
        {row.original.reposDone}/{row.original.reposTotal}
        {row.original.reposSkipped > 0 && <span className="text-xs text-zinc-500"> ({row.original.reposSkipped} unchanged)</span>}
      </span>
    ),
  },
  {
    id: "requests",
    accessorFn: (r) => r.restRequests + r.graphqlRequests + r.registryRequests,
    header: "API requests",
    cell: ({ row }) => {
      const r = row.original;
      return (
        <span className="whitespace-nowrap tabular-nums" title={`REST ${r.restRequests}, GraphQL ${r.graphqlRequests}, registry ${r.registryRequests}`}>
          {r.restRequests + r.graphqlRequests + r.registryRequests}
          <span className="text-xs text-zinc-500"> ({r.restRequests} REST · {r.graphqlRequests} GraphQL · {r.registryRequests} registry)</span>
        </span>
      );
    },
  },
  {
    id: "problems",
    accessorFn: (r) => r.problemsOpen,
    header: "Problems opened / fixed",
    cell: ({ row }) => {
      const r = row.original;
      if (r.problemsOpen === null) return <span className="text-xs text-zinc-500">—</span>;
      return (
        <span className="whitespace-nowrap tabular-nums" data-testid="scan-problems">
          <span className="text-violet-700 dark:text-violet-300">+{r.problemsOpened}</span> / <span className="text-emerald-700 dark:text-emerald-300">−{r.problemsFixed}</span>
          <span className="text-xs text-zinc-500"> ({r.problemsOpen} open)</span>
        </span>
      );
    },
  },
  {
    id: "changes",
    accessorFn: (r) => r.newCount,
    header: "Findings new / resolved",
    cell: ({ row }) => (
      <span className="whitespace-nowrap tabular-nums">
        <span className="text-violet-700 dark:text-violet-300">+{row.original.newCount}</span> / <span className="text-emerald-700 dark:text-emerald-300">−{row.original.resolvedCount}</span>
      </span>
    ),
  },
];
