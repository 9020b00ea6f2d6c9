"use client";

import type { ScanRow } from "@/lib/server/queries/scans";
import { ClientTable } from "../client-table";
import { scanColumns } from "./columns";
import { ScansEmptyState } from "./empty-state";

export function ScansDataTable({ data }: { data: ScanRow[] }) {
  return (
    <ClientTable
      data={data}
      columns={scanColumns}
      caption="Scan history, newest first: trigger, status, duration, repositories read, API requests made, findings new and resolved"
      empty={<ScansEmptyState />}
      initialSort={[{ id: "id", desc: true }]}
      rowTestId="scan-row"
    />
  );
}
