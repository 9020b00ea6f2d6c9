/**
 * `cacheguard worker` processes sharing one cold scan of the generated org: with 1 and with N workers,
 * wall time (enqueue to the scan's end), requests (as the fake server counted them), the peak RSS of each
 * worker process; then a run where one worker is SIGKILLed while it holds a batch, and the others finish
 * the scan. The queue is pg-boss on a throwaway PostgreSQL (lib/dev/postgres.ts); the store is a fresh
 * SQLite file per run until PostgreSQL is the app's database.
 */
import path from "node:path";
import { startPostgres, POSTGRES_MISSING } from "../lib/dev/postgres";
import { type WorkerProcess, spawnWorker } from "../lib/dev/worker-process";
import { createDb } from "../lib/server/db";
import { ensureDatabase } from "../lib/server/migrate";
import { openQueue } from "../lib/server/queue/boss";
import { queueTuningFromEnv } from "../lib/server/queue/config";
import { enqueueScan } from "../lib/server/queue/enqueue";
import type { ScanConfig } from "../lib/server/scan";
import type { FakeServerProcess } from "./fake-server";

export interface WorkersRun {
  name: string;
  workers: number;
  concurrency: number;
  status: string;
  wallMs: number;
  repos: number;
  batches: number;
  /** batches taken more than once (a killed worker's, or one that outlived its expiry) */
  retriedBatches: number;
  requests: { rest: number; graphql: number; registry: number; total: number };
  /** what the workers counted on the Scan row (a killed attempt's requests are not in it) */
  scanRowRequests: number;
  peakRssMb: number[];
  openFindings: number;
  /** open findings equal (by fingerprint) to those of the first run */
  sameFindings: boolean | null;
  /** from the enqueue to the last batch done (plan + batches), and from there to the scan's end (analysis, findings, after-scan) */
  readMs: number;
  analyzeMs: number;
  killedAfterMs?: number;
  error?: string;
}

export async function benchWorkers(opts: {
  tmp: string; server: FakeServerProcess; org: string; counts: number[]; concurrency: number; kill: boolean; repoBatch?: number; expireSeconds: number;
  /** where the scan's data lives: the queue's PostgreSQL (one database for both, as deployed; the default) or a SQLite file beside it */
  store?: "postgres" | "sqlite";
}): Promise<WorkersRun[]> {
  const pg = await startPostgres();
  if (!pg) throw new Error(`the workers bench needs PostgreSQL: ${POSTGRES_MISSING}`);
  const runs: WorkersRun[] = [];
  let firstFingerprints: string[] | null = null;
  try {
    const plan = [...opts.counts.map((n) => ({ n, kill: false })), ...(opts.kill ? [{ n: Math.max(2, ...opts.counts), kill: true }] : [])];
    for (const [i, p] of plan.entries()) {
      const queueUrl = await pg.createDatabase(`bench_queue_${i}`);
      const onPostgres = (opts.store ?? "postgres") === "postgres";
      // a worker's pool: its batches at once, plus the analysis and the queue's own loops
      const dbUrl = onPostgres ? `${queueUrl}?connection_limit=${Math.max(4, opts.concurrency * 2 + 2)}` : `file:${path.join(opts.tmp, `workers-${i}.db`)}`;
      await ensureDatabase(dbUrl);
      const db = createDb(dbUrl);
      const vars: Record<string, string | undefined> = {
        DATABASE_URL: dbUrl, CACHEGUARD_QUEUE_URL: onPostgres ? undefined : queueUrl, CACHEGUARD_ORG: opts.org, GITHUB_API_URL: opts.server.url, GHCR_URL: opts.server.url,
        GITHUB_TOKEN: "demo-token", CACHEGUARD_REGISTRY_URLS: JSON.stringify({ "docker.io": opts.server.hubUrl }),
        CACHEGUARD_QUEUE_EXPIRE_SECONDS: String(opts.expireSeconds), CACHEGUARD_SCHEDULE: "off", CACHEGUARD_QUEUE_POLL_SECONDS: "0.5",
        ...(opts.repoBatch ? { CACHEGUARD_QUEUE_REPO_BATCH: String(opts.repoBatch) } : {}),
      };
      const workers: WorkerProcess[] = Array.from({ length: p.n }, () => spawnWorker(vars, ["--concurrency", String(opts.concurrency), "--no-scheduler"]));
      const queue = await openQueue(queueUrl, queueTuningFromEnv(vars), { supervise: false });
      const name = p.kill ? `${p.n} workers, one killed` : `${p.n} worker${p.n === 1 ? "" : "s"}`;
      try {
        await Promise.all(workers.map((w) => w.waitFor(/taking scan jobs/, 120_000)));
        await opts.server.resetStats();
        const config: ScanConfig = { org: opts.org, apiUrl: opts.server.url, registryUrl: opts.server.url, token: "demo-token" };
        const t0 = performance.now();
        const { scanId } = await enqueueScan(db, queue, { config, trigger: "cli" });
        let killedAfterMs: number | undefined;
        const peaks = new Map<WorkerProcess, number>();
        for (;;) {
          for (const w of workers) peaks.set(w, Math.max(peaks.get(w) ?? 0, w.peakRssMb() ?? 0));
          const s = await db.scan.findUniqueOrThrow({ where: { id: scanId } });
          if (!["queued", "running"].includes(s.status)) break;
          if (p.kill && killedAfterMs === undefined) {
            // a batch done, and another in the victim's hands: kill it there
            const victim = workers[0];
            const inHand = await db.scanJob.count({ where: { scanId, kind: "repos", done: false, attempts: { gt: 0 } } });
            const done = await db.scanJob.count({ where: { scanId, kind: "repos", done: true } });
            const mine = victim.lines.some((l) => /repos batch/.test(l));
            if (done > 0 && inHand > 0 && mine) {
              await victim.kill();
              killedAfterMs = Math.round(performance.now() - t0);
              console.log(`  killed worker ${victim.pid} (SIGKILL) ${(killedAfterMs / 1000).toFixed(1)} s into the scan, holding a batch`);
            }
          }
          await new Promise((r) => setTimeout(r, 250));
        }
        const wallMs = Math.round(performance.now() - t0);
        const s = await db.scan.findUniqueOrThrow({ where: { id: scanId } });
        const stats = await opts.server.stats();
        const jobs = await db.scanJob.findMany({ where: { scanId, kind: { in: ["repos", "packages"] } }, select: { attempts: true, doneAt: true } });
        const lastBatch = Math.max(...jobs.map((j) => j.doneAt?.getTime() ?? 0), s.startedAt.getTime());
        const readMs = lastBatch - s.startedAt.getTime();
        const analyzeMs = (s.finishedAt?.getTime() ?? lastBatch) - lastBatch;
        const open = (await db.finding.findMany({ where: { resolvedScanId: null }, select: { ruleId: true, fingerprint: true } })).map((f) => `${f.ruleId} ${f.fingerprint}`).sort();
        firstFingerprints ??= open;
        for (const w of workers) peaks.set(w, Math.max(peaks.get(w) ?? 0, w.peakRssMb() ?? 0));
        runs.push({
          name, workers: p.n, concurrency: opts.concurrency, status: s.status, wallMs, repos: s.reposTotal, batches: jobs.length,
          retriedBatches: jobs.filter((j) => j.attempts > 1).length,
          requests: { rest: stats.rest, graphql: stats.graphql, registry: stats.registry, total: stats.rest + stats.graphql + stats.registry },
          scanRowRequests: s.restRequests + s.graphqlRequests + s.registryRequests,
          peakRssMb: workers.map((w) => peaks.get(w) ?? 0), openFindings: open.length, readMs, analyzeMs,
          sameFindings: runs.length === 0 ? null : JSON.stringify(open) === JSON.stringify(firstFingerprints),
          ...(killedAfterMs !== undefined ? { killedAfterMs } : {}), ...(s.error ? { error: s.error } : {}),
        });
        const r = runs.at(-1)!;
        console.log(`  ${name}: ${r.status} in ${(wallMs / 1000).toFixed(1)} s (batches ${(readMs / 1000).toFixed(1)} s, analysis ${(analyzeMs / 1000).toFixed(1)} s), ${r.requests.total} requests, peak RSS ${r.peakRssMb.join(" / ")} MB, ${r.openFindings} open findings${r.sameFindings === null ? "" : r.sameFindings ? " (same as the first run)" : " (DIFFERENT from the first run)"}`);
        if (process.env.BENCH_DEBUG) for (const w of workers) console.log(`--- worker ${w.pid}\n${w.lines.join("\n")}`);
      } finally {
        await queue.stop();
        await Promise.all(workers.map((w) => w.stop()));
        await db.$disconnect();
      }
    }
  } finally {
    await pg.stop();
  }
  return runs;
}
