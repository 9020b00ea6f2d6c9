"use client";

import type { PackageTagRow } from "@/lib/server/queries/package-detail";
import { ClientTable } from "../client-table";
import { tagColumns } from "./columns";
import { TagsEmptyState } from "./empty-state";

export function TagsDataTable({ data, pkg }: { data: PackageTagRow[]; pkg: string }) {
  return (
    <ClientTable
      data={data}
      columns={tagColumns}
      caption={`Tags of package ${pkg}: manifest kind, flagged cache tags, the workflows that write or pull each tag, digest and when it was seen`}
      empty={<TagsEmptyState />}
      initialSort={[{ id: "flag", desc: true }]}
      rowClassName={(r) => (r.flagged ? "bg-red-50/60 dark:bg-red-500/5" : undefined)}
      rowTestId="tag-row"
    />
  );
}
