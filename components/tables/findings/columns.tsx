"use client";

import { displayPath } from "@/lib/engine/paths";
import type { ColumnDef } from "@tanstack/react-table";
import { OrgLink as Link } from "@/components/org-link";
import { ConfidenceBadge, NewBadge, ResolvedBadge, SeverityBadge } from "@/components/badges";
import { formatDate } from "@/components/format";
import type { FindingRow } from "@/lib/server/queries/findings";

/** Column ids double as server sort keys (see FINDING_SORTS); `enableSorting: false` marks the others. */
export const findingColumns: ColumnDef<FindingRow>[] = [
  {
    id: "severity",
    header: "Severity",
    cell: ({ row }) => <SeverityBadge severity={row.original.severity} />,
  },
  {
    id: "rule",
    header: "Rule",
    cell: ({ row }) => (
      <div className="max-w-xs">
        <Link href={`/rules/${row.original.ruleId}`} className="font-mono text-xs font-medium text-sky-700 hover:underline dark:text-sky-300">
          {row.original.ruleId}
        </Link>
        <p className="truncate text-xs text-zinc-500 dark:text-zinc-400" title={row.original.message.replace(/`/g, "")}>
          {row.original.message.replace(/`/g, "")}
        </p>
      </div>
    ),
  },
  {
    id: "confidence",
    header: "Confidence",
    cell: ({ row }) => <ConfidenceBadge confidence={row.original.confidence} />,
  },
  {
    id: "repo",
    header: "Repository",
    cell: ({ row }) =>
      row.original.repo ? (
        <Link href={`/repos/${encodeURIComponent(row.original.repo)}`} className="font-medium hover:underline">
          {row.original.repo}
        </Link>
      ) : (
        "—"
      ),
  },
  {
    id: "path",
    header: "File",
    cell: ({ row }) => {
      const f = row.original;
      const label = f.line > 0 ? `${displayPath(f.path)}:${f.line}` : displayPath(f.path);
      return f.repo ? (
        <Link href={`/repos/${encodeURIComponent(f.repo)}#finding-${f.id}`} className="block max-w-[16rem] truncate font-mono text-xs hover:underline" title={label}>
          {label}
        </Link>
      ) : (
        <span className="font-mono text-xs">{label}</span>
      );
    },
  },
  {
    id: "ref",
    header: "Ref",
    cell: ({ row }) => (
      <code className="block max-w-[18rem] truncate text-xs" title={row.original.ref}>
        {row.original.ref}
      </code>
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
