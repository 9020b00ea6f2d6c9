"use client";

import { useOrgHref, useOrgParam } from "@/components/org-link";
import { useQuery } from "@tanstack/react-query";
import type { ScanRow } from "@/lib/server/queries/scans";

export const isActive = (s: { status: string } | undefined) => s?.status === "queued" || s?.status === "running";

/** Polls one scan every second while it is queued or running; polling stops once it ends. */
export function useScan(scanId: number | null, initial?: ScanRow) {
  const orgHref = useOrgHref();
  const org = useOrgParam();
  return useQuery<ScanRow>({
    queryKey: ["scan", org, scanId],
    enabled: scanId !== null,
    initialData: initial && initial.id === scanId ? initial : undefined,
    queryFn: async () => {
      const res = await fetch(orgHref(`/api/scans/${scanId}`), { cache: "no-store" });
      const body: unknown = await res.json();
      if (!res.ok) throw new Error((body as { error?: string }).error ?? `HTTP ${res.status}`);
      return body as ScanRow;
    },
    refetchInterval: (q) => (q.state.data && !isActive(q.state.data) ? false : 1000),
    staleTime: 0,
  });
}
