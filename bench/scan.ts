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
import { ACTIONS_CACHE_PURPOSES, CONTENT_PURPOSES, type RequestTap, type TapCounts, sumPurposes } from "./request-tap";

export interface ScanRun {
  /** stale: the warm rescan again with the Actions cache usage read anew (what a scheduled rescan pays) */
  name: "cold" | "warm" | "changed" | "stale";
  status: string;
  wallMs: number;
  /** time spent in each scan phase (first progress report of a phase to the next phase) */
  phasesMs: Partial<Record<ScanPhase, number>>;
  /** peak RSS / V8 heap in use seen during each phase, MB: where the memory goes */
  phasesPeakMb: Partial<Record<ScanPhase, { rss: number; heap: number }>>;
  reposListed: number;
  reposFetched: number;
  reposSkipped: number;
  packages: number;
  requests: { rest: number; graphql: number; registry: number; total: number };
  /**
   * The other-registries phase (after analysis; tags workflows push to on Docker Hub, read by name):
   * what the fake Docker Hub answered, and what the scan said of each host
   */
  otherRegistries: { requests: number; tokens: number; heads: number; gets: number; tagLists: number; pulls: number; tags: number; read: number; notRead: number; phaseMs: number };
  /** requests carrying workflow or bake file content (GraphQL trees/blobs, REST blobs/contents) */
  contentRequests: number;
  contentPerRepo: number;
  /** requests of the Actions cache phases (usage by repository, entry lists, storage limits) */
  actionsCacheRequests: number;
  /** REST + GraphQL (GitHub API, not the registry) per repo */
  githubPerRepo: number;
  totalPerRepo: number;
  byPurpose: TapCounts["byPurpose"];
  manifestGets: string[];
  findings: { open: number; new: number; resolved: number; byRule: Record<string, number> };
  peakRssMb: number;
  peakHeapMb: number;
  peakExternalMb: number;
  /** RSS just before this scan started (the process with its modules loaded and earlier scans' garbage) */
  rssBeforeMb: number;
  maxRssMb: number;
  repoErrors: number;
  /** the storage phase (versions lists): its pages and manifest reads, and the packages whose lists are complete after it */
  storage: { pages: number; registryRequests: number; complete: number; pending: number; ofRest: number } | null;
  /** why the scan failed, when it did */
  error?: string;
  changed?: ChangeResult;
}

export async function benchScans(opts: { fixture: string; org: string; server: FakeServerProcess; tap: RequestTap; tmp: string; changePercent: number }): Promise<ScanRun[]> {
  const url = `file:${path.join(opts.tmp, "scan.db")}`;
  await ensureDatabase(url);
  const db = createDb(url);
  // BENCH_VERSION_SHARE=0 turns the storage phase's versions reads off, to measure the scan without them
  const share = process.env.BENCH_VERSION_SHARE;
  const config = {
    org: opts.org, apiUrl: opts.server.url, registryUrl: opts.server.url, token: "demo-token",
    registries: { credentials: [], urls: { "docker.io": opts.server.hubUrl }, onlyListed: true },
    ...(share ? { versionPages: { share: Number(share) } } : {}),
  };
  const runs: ScanRun[] = [];
  try {
    for (const name of ["cold", "warm", "changed", "stale"] as const) {
      let changed: ChangeResult | undefined;
      if (name === "changed") {
        changed = changeRepos({ out: opts.fixture, percent: opts.changePercent });
        await opts.server.reload();
      }
      await opts.server.resetStats();
      opts.tap.take();
      const rssBeforeMb = Math.round(process.memoryUsage.rss() / 104857.6) / 10;
      // phases alternate (workflows, bake-files, workflows, …): add up the time between transitions
      const phasesMs: ScanRun["phasesMs"] = {};
      let current: { phase: ScanPhase; at: number } | null = null;
      const enter = (phase: ScanPhase | null, at: number) => {
        if (current && current.phase === phase) return;
        if (current) phasesMs[current.phase] = Math.round((phasesMs[current.phase] ?? 0) + at - current.at);
        current = phase ? { phase, at } : null;
      };
      const phasesPeakMb: ScanRun["phasesPeakMb"] = {};
      const sampler = setInterval(() => {
        if (!current) return;
        const mem = process.memoryUsage();
        const p = (phasesPeakMb[current.phase] ??= { rss: 0, heap: 0 });
        p.rss = Math.max(p.rss, Math.round(mem.rss / 1048576));
        p.heap = Math.max(p.heap, Math.round(mem.heapUsed / 1048576));
      }, 50);
      const t0 = performance.now();
      const m = await measure(() => runScan(db, {
        // the runs follow each other within minutes, so they reuse the cold scan's Actions cache reading; "stale" reads it again
        config: name === "stale" ? { ...config, actionsCacheMaxAgeMs: 0 } : config, trigger: `bench-${name}`,
        onProgress: (p) => enter(p.phase, performance.now() - t0),
      }));
      clearInterval(sampler);
      const s = m.value;
      const server = await opts.server.stats();
      const tap = opts.tap.take();
      enter(null, m.wallMs);
      const byRule: Record<string, number> = {};
      for (const f of s.findings) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
      const hub = server.hub ?? { requests: 0, tokens: 0, pulls: 0, byRoute: {} };
      const route = (k: string) => hub.byRoute[k] ?? 0;
      const hosts = s.registries ?? [];
      const otherRegistries = {
        requests: hub.requests, tokens: route("GET /token") + route("POST /token"), heads: route("HEAD /v2/:name/manifests"), gets: route("GET /v2/:name/manifests"),
        tagLists: route("GET /v2/:name/tags/list"), pulls: hub.pulls, tags: hosts.reduce((n, h) => n + h.tags, 0),
        read: hosts.reduce((n, h) => n + h.read, 0), notRead: hosts.reduce((n, h) => n + h.notRead, 0), phaseMs: phasesMs.registries ?? 0,
      };
      // GitHub + GHCR, as the targets have always counted them; the other registries are reported beside
      const total = server.rest + server.graphql + server.registry;
      const contentRequests = sumPurposes(tap, CONTENT_PURPOSES);
      const repos = Math.max(1, s.repos);
      runs.push({
        name, status: s.status, wallMs: m.wallMs, phasesMs, phasesPeakMb,
        reposListed: s.repos, reposFetched: s.reposFetched, reposSkipped: s.reposSkipped, packages: s.packages,
        requests: { rest: server.rest, graphql: server.graphql, registry: server.registry, total }, otherRegistries,
        contentRequests, contentPerRepo: round3(contentRequests / repos), actionsCacheRequests: sumPurposes(tap, ACTIONS_CACHE_PURPOSES),
        githubPerRepo: round3((server.rest + server.graphql) / repos), totalPerRepo: round3(total / repos),
        byPurpose: tap.byPurpose, manifestGets: tap.manifestGets,
        findings: { open: s.openCount, new: s.newCount, resolved: s.resolvedCount, byRule },
        peakRssMb: m.peakRssMb, peakHeapMb: m.peakHeapMb, peakExternalMb: m.peakExternalMb, rssBeforeMb, maxRssMb: maxRssMb(), repoErrors: s.repoErrors.length, error: s.error, changed,
        storage: s.storage ? {
          pages: s.storage.pages, registryRequests: s.storage.registryRequests, complete: s.storage.complete, pending: s.storage.pending,
          ofRest: round3((s.storage.pages + s.storage.registryRequests) / Math.max(1, total - s.storage.pages - s.storage.registryRequests)),
        } : null,
      });
      // a failed scan is a result too (its time, requests and memory up to the failure): report it, stop there
      if (s.status === "failed") break;
    }
  } finally {
    await db.$disconnect();
  }
  return runs;
}

/**
 * Manifest GETs per (package, digest) over all scans. A digest is to be fetched by digest at most
 * once, and never after a GET by tag brought its body. GETs by tag (cold packages: one request per
 * tag, in place of HEAD + GET) are counted apart: tags sharing a digest each read it, at no extra request.
 */
export function manifestGetsPerDigest(runs: ScanRun[]): { gets: number; digests: number; byTag: number; repeated: string[]; sharedByTag: number } {
  const byDigest = new Map<string, number>();
  const byTag = new Map<string, number>();
  let gets = 0;
  for (const r of runs) {
    for (const entry of r.manifestGets) {
      gets++;
      const tagRead = entry.endsWith(" by-tag");
      const key = tagRead ? entry.slice(0, -" by-tag".length) : entry;
      const m = tagRead ? byTag : byDigest;
      m.set(key, (m.get(key) ?? 0) + 1);
    }
  }
  const digests = new Set([...byDigest.keys(), ...byTag.keys()]);
  return {
    gets, digests: digests.size, byTag: [...byTag.values()].reduce((a, b) => a + b, 0),
    repeated: [...byDigest].filter(([d, n]) => n + (byTag.has(d) ? 1 : 0) > 1).map(([d, n]) => `${d} x${n}${byTag.has(d) ? " after a GET by tag" : ""}`),
    sharedByTag: [...byTag.values()].filter((n) => n > 1).length,
  };
}
