"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { OrgLink as Link } from "@/components/org-link";
import { KindBadge } from "@/components/badges";
import { formatDateTime, shortDigest } from "@/components/format";
import type { PackageTagRow } from "@/lib/server/queries/package-detail";

const USE_LABEL: Record<string, string> = { image: "pushes image", cache: "exports cache", "cache-from": "imports cache", consumer: "pulls image" };

export const tagColumns: ColumnDef<PackageTagRow>[] = [
  {
    accessorKey: "tag",
    header: "Tag",
    cell: ({ row }) => (
      <code className="block max-w-[16rem] truncate font-medium" title={row.original.ref}>
        {row.original.tag}
      </code>
    ),
  },
  {
    accessorKey: "kind",
    header: "Kind",
    cell: ({ row }) => (
      <span className="flex flex-wrap items-center gap-1">
        <KindBadge kind={row.original.kind} />
        {row.original.platforms.length > 0 && row.original.kind !== "attestation" && (
          <span className="text-xs text-zinc-500">{row.original.platforms.join(", ")}</span>
        )}
      </span>
    ),
  },
  {
    id: "flag",
    accessorFn: (r) => (r.flagged ? 1 : 0),
    header: "Problem",
    cell: ({ row }) =>
      row.original.flagged ? (
        <span className="flex flex-col gap-0.5" data-testid="flagged-tag">
          <span className="text-xs font-semibold text-red-700 dark:text-red-300">
            <span aria-hidden>⚠ </span>Flagged: {row.original.flagReason}
          </span>
          {row.original.findings.map((f) => (
            <Link key={f.id} href={f.repo ? `/repos/${encodeURIComponent(f.repo)}#finding-${f.id}` : `/?q=${encodeURIComponent(row.original.ref)}`} className="text-xs text-sky-700 hover:underline dark:text-sky-300">
              {f.ruleId}{f.repo ? ` in ${f.repo}` : ""}
            </Link>
          ))}
        </span>
      ) : (
        <span className="text-xs text-zinc-400">—</span>
      ),
  },
  {
    id: "usedBy",
    header: "Written / pulled by",
    enableSorting: false,
    cell: ({ row }) =>
      row.original.usedBy.length === 0 ? (
        <span className="text-xs text-zinc-400">no workflow names it</span>
      ) : (
        <ul className="text-xs">
          {row.original.usedBy.slice(0, 4).map((u, i) => (
            <li key={i}>
              <span className={u.as === "cache" ? "font-medium text-amber-700 dark:text-amber-300" : ""}>{USE_LABEL[u.as]}</span>{" "}
              <Link href={`/repos/${encodeURIComponent(u.repo)}`} className="hover:underline">{u.repo}</Link>{" "}
              <span className="font-mono text-zinc-500">{u.path}:{u.line}</span>
            </li>
          ))}
          {row.original.usedBy.length > 4 && <li className="text-zinc-500">and {row.original.usedBy.length - 4} more</li>}
        </ul>
      ),
  },
  {
    accessorKey: "digest",
    header: "Digest",
    cell: ({ row }) => (
      <code className="text-xs" title={row.original.digest}>
        {shortDigest(row.original.digest)}
      </code>
    ),
  },
  { accessorKey: "seenAt", header: "Seen", cell: ({ getValue }) => <span className="whitespace-nowrap text-xs">{formatDateTime(getValue<string>())}</span> },
];
