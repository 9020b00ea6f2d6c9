/**
 * `cacheguard worker` processes on a real PostgreSQL queue (pg-boss) against the fake GitHub: they share
 * one scan and store what an in-process scan stores; one scan per org holds across processes; a worker
 * killed in the middle of a batch has it retried by another, with nothing lost or stored twice; one
 * process of the cluster runs the scheduler. The store is SQLite here (one file, every process).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run as runScanCommand } from "@/lib/cli/commands/scan";
import { type LocalPostgres, POSTGRES_MISSING, startPostgres } from "@/lib/dev/postgres";
import { type WorkerProcess, spawnWorker } from "@/lib/dev/worker-process";
import { type Db, createDb } from "@/lib/server/db";
import { readEnv } from "@/lib/server/env";
import { openQueue } from "@/lib/server/queue/boss";
import { queueTuningFromEnv } from "@/lib/server/queue/config";
import { enqueueScan } from "@/lib/server/queue/enqueue";
import { ScanAlreadyRunningError, runScan } from "@/lib/server/scan";
import { scanConfigFromEnv } from "@/lib/server/scan/config";
import { isPostgresUrl } from "@/lib/server/dialect";
import { type ScanEnv, freshDbUrl, hubEnv, scanEnv } from "@/tests/scan-helpers";

const pg: LocalPostgres | null = await startPostgres();
if (!pg) console.warn(`WARNING: tests/workers.test.ts skipped: ${POSTGRES_MISSING}`);

let env: ScanEnv;
let reference: Db;
let refDir = "";
let slow: ScanEnv | null = null;
let n = 0;
const workers: WorkerProcess[] = [];

/** What a user sees of a scan's result: open findings by fingerprint, and how many rows each table holds. */
async function stored(db: Db) {
  const open = await db.finding.findMany({ where: { resolvedScanId: null }, select: { fingerprint: true, ruleId: true } });
  return {
    fingerprints: open.map((f) => `${f.ruleId} ${f.fingerprint}`).sort(),
    rows: { findings: await db.finding.count(), files: await db.sourceFile.count(), tags: await db.packageTag.count(), problems: await db.problem.count(), repos: await db.repo.count() },
  };
}

/** A queue database of its own, and the environment a worker of this test runs with. */
async function queueEnv(e: ScanEnv, over: Record<string, string> = {}) {
  // the store on PostgreSQL (the PostgreSQL run) is the queue too, as in a deployment; beside SQLite, a queue database of its own
  const queueUrl = isPostgresUrl(e.dbUrl) ? e.dbUrl : await pg!.createDatabase(`queue_${process.pid}_${++n}`);
  const vars: Record<string, string> = {
    DATABASE_URL: e.dbUrl, CACHEGUARD_QUEUE_URL: queueUrl, CACHEGUARD_DEMO_URL: e.server.url, ...hubEnv(e.server),
    CACHEGUARD_QUEUE_REPO_BATCH: "4", CACHEGUARD_QUEUE_PACKAGE_BATCH: "3", CACHEGUARD_QUEUE_POLL_SECONDS: "0.5",
    CACHEGUARD_QUEUE_MAINTENANCE_SECONDS: "1", CACHEGUARD_QUEUE_EXPIRE_SECONDS: "30", CACHEGUARD_QUEUE_RETRY_DELAY_SECONDS: "0",
    CACHEGUARD_SCHEDULER_LOCK_RETRY_SECONDS: "0.5", ...over,
  };
  const queue = await openQueue(queueUrl, queueTuningFromEnv(vars), { supervise: false });
  return { vars, queue };
}

function start(vars: Record<string, string>): WorkerProcess {
  const w = spawnWorker({ ...vars, CACHEGUARD_ORG: undefined, GITHUB_TOKEN: undefined });
  workers.push(w);
  return w;
}

async function finished(db: Db, scanId: number, timeoutMs = 150_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await db.scan.findUniqueOrThrow({ where: { id: scanId } });
    if (!["queued", "running"].includes(s.status)) return s;
    if (Date.now() > deadline) throw new Error(`scan #${scanId} still ${s.status} (${s.phase}) after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const config = (e: ScanEnv = env) => scanConfigFromEnv(readEnv({ CACHEGUARD_DEMO_URL: e.server.url, ...hubEnv(e.server) } as unknown as NodeJS.ProcessEnv));

describe.skipIf(!pg)("cacheguard worker on a PostgreSQL queue", () => {
  beforeAll(async () => {
    env = await scanEnv();
    // the in-process scan of the same org, into a database of its own: what the workers must store
    refDir = mkdtempSync(path.join(tmpdir(), "cg-workers-ref-"));
    reference = createDb(await freshDbUrl(refDir));
  }, 120_000);
  afterAll(async () => {
    if (process.env.CACHEGUARD_DEBUG) for (const w of workers) console.log(`--- worker ${w.pid}\n${w.lines.join("\n")}`);
    await Promise.all(workers.map((w) => w.kill()));
    await reference?.$disconnect();
    await env?.close();
    await slow?.close();
    if (refDir) rmSync(refDir, { recursive: true, force: true });
    await pg?.stop();
  }, 60_000);

  it("two workers share one scan and store what an in-process scan stores; a second start of the org is refused", async () => {
    const { vars, queue } = await queueEnv(env);
    const [a, b] = [start(vars), start(vars)];
    await Promise.all([a.waitFor(/taking scan jobs/), b.waitFor(/taking scan jobs/)]);
    // `cacheguard scan` enqueues and follows the scan the workers run
    const out: string[] = [];
    const cli = runScanCommand(["--org", "acme", "--api-url", env.server.url, "--registry-url", env.server.url], { stdout: (t) => out.push(t), stderr: () => {} },
      { DATABASE_URL: env.dbUrl, CACHEGUARD_QUEUE_URL: vars.CACHEGUARD_QUEUE_URL });
    let scanId = 0;
    while (!scanId) {
      scanId = (await env.db.scan.findFirst({ select: { id: true } }))?.id ?? 0;
      await new Promise((r) => setTimeout(r, 50));
    }
    // one scan per org across processes: the database refuses a second while the first is queued or running
    await expect(enqueueScan(env.db, queue, { config: config(), trigger: "cli" })).rejects.toBeInstanceOf(ScanAlreadyRunningError);
    expect(await cli).toBe(1); // error-severity findings are open
    expect(out.join("")).toMatch(new RegExp(`Scan #${scanId} of acme: succeeded \\(run by the queue's workers\\)`));
    const scan = await finished(env.db, scanId);
    await queue.stop();

    const ref = await runScan(reference, { config: config(), trigger: "cli", afterScanTasks: [] });
    expect(scan.status).toBe(ref.status);
    expect(scan.error).toBeNull();
    const [mine, theirs] = [await stored(env.db), await stored(reference)];
    expect(mine.fingerprints.length).toBeGreaterThan(10);
    expect(mine).toEqual(theirs);
    // progress added up across both workers: every listed repository counted once
    expect(scan.reposTotal).toBe(ref.repos);
    expect(scan.reposDone).toBe(scan.reposTotal);
    expect(scan.openCount).toBe(ref.openCount);
    expect(scan.newCount).toBe(ref.newCount);
    // both processes read batches of it
    for (const w of [a, b]) expect(w.lines.filter((l) => new RegExp(`scan #${scanId} (repos|packages) batch`).test(l)).length).toBeGreaterThan(0);
    const analysed = [...a.lines, ...b.lines].filter((l) => l.includes(`scan #${scanId}: every batch done`));
    expect(analysed).toHaveLength(1);
  }, 240_000);

  it("one process of the cluster runs the scheduler; when it dies another takes over", async () => {
    const [a, b] = workers.slice(0, 2);
    const role = (w: WorkerProcess) => w.waitFor(/this process .* holds the scheduler lock|stands by/);
    const roles = await Promise.all([role(a), role(b)]);
    expect(roles.filter((l) => l.includes("stands by")).length).toBe(1);
    const [leader, other] = roles[0].includes("stands by") ? [b, a] : [a, b];
    expect(leader.lines.some((l) => /\[schedule\] "0 3 \* \* \*"/.test(l))).toBe(true);
    expect(other.lines.some((l) => /\[schedule\] "0 3 \* \* \*"/.test(l))).toBe(false);
    await leader.kill();
    await other.waitFor(/this process .* holds the scheduler lock/, 30_000);
    await other.waitFor(/\[schedule\] "0 3 \* \* \*"/, 10_000);
    expect(await other.stop()).toBe(0);
  }, 120_000);

  it("a worker killed in the middle of a batch: another retries it, the scan completes with the same findings, nothing stored twice", async () => {
    // the same org again, on a slower fake (so a batch is caught in flight) and an empty database
    slow = await scanEnv(undefined, { fake: { latencyMs: 60 } });
    const e = slow;
    const { vars, queue } = await queueEnv(e, { CACHEGUARD_QUEUE_REPO_BATCH: "3", CACHEGUARD_QUEUE_EXPIRE_SECONDS: "12", CACHEGUARD_SCHEDULER_LOCK_RETRY_SECONDS: "600" });
    const first = start(vars);
    await first.waitFor(/taking scan jobs/);
    const { scanId } = await enqueueScan(e.db, queue, { config: config(e), trigger: "cli" });
    // kill it once a batch is done and the next is in its hands
    const deadline = Date.now() + 120_000;
    for (;;) {
      const jobs = await e.db.scanJob.findMany({ where: { scanId, kind: "repos" } });
      if (jobs.some((j) => j.done) && jobs.some((j) => !j.done && j.attempts > 0)) break;
      if (Date.now() > deadline) throw new Error(`no batch in flight after 120 s: ${first.lines.slice(-20).join("\n")}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    await first.kill();
    const second = start(vars);
    const scan = await finished(e.db, scanId).catch(async (err: unknown) => {
      if (process.env.CACHEGUARD_DEBUG) {
        const { rows } = await queue.boss.getDb().executeSql("SELECT name, state, retry_count, started_on, expire_in::text, data::text FROM pgboss.job ORDER BY created_on", []);
        console.log(JSON.stringify(rows, null, 1), JSON.stringify(await e.db.scanJob.findMany({ where: { scanId }, select: { kind: true, batch: true, done: true, attempts: true } })));
      }
      throw err;
    });
    await queue.stop();

    expect(scan.status).toBe("succeeded");
    expect(await stored(e.db)).toEqual(await stored(reference));
    expect(scan.reposDone).toBe(scan.reposTotal);
    // the batch the first worker held was read again, by the second
    const retried = await e.db.scanJob.findMany({ where: { scanId, kind: { in: ["repos", "packages"] }, attempts: { gt: 1 } } });
    expect(retried.length).toBeGreaterThan(0);
    expect(second.lines.some((l) => /\(a retry\)/.test(l))).toBe(true);
    await second.stop();
  }, 240_000);
});
