"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { OrgLink as Link } from "@/components/org-link";
import { NewBadge, RankBadge, ResolvedBadge, SeverityBadge, TeamBadge } from "@/components/badges";
import { formatDate } from "@/components/format";
import { EvidenceSummary } from "@/components/problems/evidence";
import type { ProblemRow } from "@/lib/server/queries/problems";

/** The problems table: rank first (the table is sorted by it), then what, where, whose and why. */
export const problemColumns: ColumnDef<ProblemRow>[] = [
  {
    id: "rank",
    header: "Rank",
    cell: ({ row }) => (
      <span className="flex flex-col items-start gap-1">
        <RankBadge rank={row.original.rank} label={row.original.rankLabel} why={row.original.why} />
        <SeverityBadge severity={row.original.severity} />
      </span>
    ),
  },
  {
    id: "what",
    header: "Problem",
    cell: ({ row }) => {
      const p = row.original;
      return (
        <div className="max-w-md">
          <p className="text-sm font-medium">{p.title}</p>
          <code className="block truncate text-xs text-zinc-700 dark:text-zinc-300" title={p.ref}>{p.ref}</code>
          <p className="truncate text-xs text-zinc-500 dark:text-zinc-400" title={p.why}>{p.why}</p>
        </div>
      );
    },
  },
  {
    id: "repo",
    header: "Repository",
    cell: ({ row }) =>
      row.original.repo ? (
        <Link href={`/repos/${encodeURIComponent(row.original.repo)}#problem-${row.original.id}`} className="font-medium hover:underline">
          {row.original.repo}
        </Link>
      ) : (
        <span className="text-xs text-zinc-500">GHCR only</span>
      ),
  },
  {
    id: "team",
    header: "Owners",
    cell: ({ row }) => <TeamBadge team={row.original.team} source={row.original.teamSource} />,
  },
  {
    id: "evidence",
    header: "Evidence",
    cell: ({ row }) => (
      <span className="flex flex-col">
        <EvidenceSummary problem={row.original} />
        <span className="text-[11px] text-zinc-500">{row.original.findings.length} {row.original.findings.length === 1 ? "finding" : "findings"}</span>
      </span>
    ),
  },
  {
    id: "firstSeen",
    header: "First seen",
    cell: ({ row }) => (
      <span className="flex items-center gap-2 whitespace-nowrap text-xs">
        {formatDate(row.original.firstSeenAt)}
        {row.original.isNew && <NewBadge />}
        {row.original.resolvedScanId !== null && <ResolvedBadge />}
      </span>
    ),
  },
];
