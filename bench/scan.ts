/**
 * The org scan at scale: cold scan, warm rescan of the unchanged org, rescan after changing 1 % of
 * the repos, each against the fake server with a per-request latency and a fresh SQLite database.
 */
import path from "node:path";
import { changeRepos, type ChangeResult } from "../lib/demo/generate-org";
import { createDb } from "../lib/server/db";
import { ensureDatabase } from "../lib/server/migrate";
import { runScan } from "../lib/server/scan";
import type { ScanPhase } from "../lib/server/scan";
import type { FakeServerProcess } from "./fake-server";
import { maxRssMb, measure, round3 } from "./measure";
import { CONTENT_PURPOSES, type RequestTap, type TapCounts, sumPurposes } from "./request-tap";

export interface ScanRun {
  name: "cold" | "warm" | "changed";
  status: string;
  wallMs: number;
  /** time spent in each scan phase (first progress report of a phase to the next phase) */
  phasesMs: Partial<Record<ScanPhase, number>>;
  reposListed: number;
  reposFetched: number;
  reposSkipped: number;
  packages: number;
  requests: { rest: number; graphql: number; registry: number; total: number };
  /** requests carrying workflow or bake file content (GraphQL trees/blobs, REST blobs/contents) */
  contentRequests: number;
  contentPerRepo: number;
  /** REST + GraphQL (GitHub API, not the registry) per repo */
  githubPerRepo: number;
  totalPerRepo: number;
  byPurpose: TapCounts["byPurpose"];
  manifestGets: string[];
  findings: { open: number; new: number; resolved: number; byRule: Record<string, number> };
  peakRssMb: number;
  /** RSS just before this scan started (the process with its modules loaded and earlier scans' garbage) */
  rssBeforeMb: number;
  maxRssMb: number;
  repoErrors: number;
  changed?: ChangeResult;
}

export async function benchScans(opts: { fixture: string; org: string; server: FakeServerProcess; tap: RequestTap; tmp: string; changePercent: number }): Promise<ScanRun[]> {
  const url = `file:${path.join(opts.tmp, "scan.db")}`;
  await ensureDatabase(url);
  const db = createDb(url);
  const config = { org: opts.org, apiUrl: opts.server.url, registryUrl: opts.server.url, token: "demo-token" };
  const runs: ScanRun[] = [];
  try {
    for (const name of ["cold", "warm", "changed"] as const) {
      let changed: ChangeResult | undefined;
      if (name === "changed") {
        changed = changeRepos({ out: opts.fixture, percent: opts.changePercent });
        await opts.server.reload();
      }
      await opts.server.resetStats();
      opts.tap.take();
      const rssBeforeMb = Math.round(process.memoryUsage.rss() / 104857.6) / 10;
      const phaseStart = new Map<ScanPhase, number>();
      const t0 = performance.now();
      const m = await measure(() => runScan(db, {
        config, trigger: `bench-${name}`,
        onProgress: (p) => {
          if (!phaseStart.has(p.phase)) phaseStart.set(p.phase, performance.now() - t0);
        },
      }));
      const s = m.value;
      const server = await opts.server.stats();
      const tap = opts.tap.take();
      const order = [...phaseStart.entries()].sort((a, b) => a[1] - b[1]);
      const phasesMs: ScanRun["phasesMs"] = {};
      order.forEach(([ph, at], i) => {
        const end = i + 1 < order.length ? order[i + 1][1] : m.wallMs;
        phasesMs[ph] = (phasesMs[ph] ?? 0) + Math.round(end - at);
      });
      const byRule: Record<string, number> = {};
      for (const f of s.findings) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
      const total = server.rest + server.graphql + server.registry;
      const contentRequests = sumPurposes(tap, CONTENT_PURPOSES);
      const repos = Math.max(1, s.repos);
      runs.push({
        name, status: s.status, wallMs: m.wallMs, phasesMs,
        reposListed: s.repos, reposFetched: s.reposFetched, reposSkipped: s.reposSkipped, packages: s.packages,
        requests: { rest: server.rest, graphql: server.graphql, registry: server.registry, total },
        contentRequests, contentPerRepo: round3(contentRequests / repos),
        githubPerRepo: round3((server.rest + server.graphql) / repos), totalPerRepo: round3(total / repos),
        byPurpose: tap.byPurpose, manifestGets: tap.manifestGets,
        findings: { open: s.openCount, new: s.newCount, resolved: s.resolvedCount, byRule },
        peakRssMb: m.peakRssMb, rssBeforeMb, maxRssMb: maxRssMb(), repoErrors: s.repoErrors.length, changed,
      });
      if (s.status === "failed") throw new Error(`${name} scan failed: ${s.error}`);
    }
  } finally {
    await db.$disconnect();
  }
  return runs;
}

/** Manifest GETs per (package, digest) over all scans: the target is exactly one each. */
export function manifestGetsPerDigest(runs: ScanRun[]): { gets: number; digests: number; repeated: string[] } {
  const count = new Map<string, number>();
  for (const r of runs) for (const d of r.manifestGets) count.set(d, (count.get(d) ?? 0) + 1);
  return {
    gets: [...count.values()].reduce((a, b) => a + b, 0),
    digests: count.size,
    repeated: [...count].filter(([, n]) => n > 1).map(([d, n]) => `${d} x${n}`),
  };
}
