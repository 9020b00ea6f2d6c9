"use client";

import type { PackageRow } from "@/lib/server/queries/packages";
import { ClientTable } from "../client-table";
import { packageColumns } from "./columns";
import { PackagesEmptyState } from "./empty-state";

export function PackagesDataTable({ data }: { data: PackageRow[] }) {
  return (
    <ClientTable
      data={data}
      columns={packageColumns}
      caption="GHCR container packages, with how many of their tags hold a BuildKit cache"
      empty={<PackagesEmptyState />}
      initialSort={[{ id: "cacheTagCount", desc: true }]}
      rowTestId="package-row"
    />
  );
}
