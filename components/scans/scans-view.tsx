"use client";

import { useOrgHref, useOrgParam } from "@/components/org-link";
import { useQuery } from "@tanstack/react-query";
import { ScansDataTable } from "@/components/tables/scans/data-table";
import type { ProblemTrend } from "@/lib/server/queries/problem-trend";
import type { OpenOverTimePoint, ScanRow } from "@/lib/server/queries/scans";
import { OpenFindingsChart } from "./open-findings-chart";
import { ProblemTrendPanel } from "./problem-trend";
import { RescanButton } from "./rescan-button";

export interface ScansData {
  org: string | null;
  scans: ScanRow[];
  active: ScanRow | null;
  openOverTime: OpenOverTimePoint[];
  /** how long problems stay open, by team (null without an org) */
  trend: ProblemTrend | null;
}

/** Scan history; while a scan runs the list is polled too, and polling stops when none is active. */
export function ScansView({ initial }: { initial: ScansData }) {
  const orgHref = useOrgHref();
  const org = useOrgParam();
  const { data = initial, error } = useQuery<ScansData>({
    queryKey: ["scans", org],
    initialData: initial,
    queryFn: async () => {
      const res = await fetch(orgHref("/api/scans"), { cache: "no-store" });
      const body: unknown = await res.json();
      if (!res.ok) throw new Error((body as { error?: string }).error ?? `HTTP ${res.status}`);
      return body as ScansData;
    },
    refetchInterval: (q) => (q.state.data?.active ? 2000 : false),
  });
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <h1 className="text-2xl font-semibold">
          Scans {data.org && <span className="text-zinc-500 dark:text-zinc-400">· {data.org}</span>}
        </h1>
        <div className="w-80">
          <RescanButton active={data.active} />
        </div>
      </div>
      {error && <p role="alert" className="text-sm text-red-700 dark:text-red-300">Could not refresh the scan history: {error.message}</p>}
      <OpenFindingsChart points={data.openOverTime} />
      {data.trend && <ProblemTrendPanel trend={data.trend} />}
      <ScansDataTable data={data.scans} />
    </div>
  );
}
