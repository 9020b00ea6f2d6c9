import type PgBoss from "pg-boss";
import { redact } from "@/lib/github/redact";
import type { Db } from "@/lib/server/db";
import { runAnalyze } from "@/lib/server/queue/analyze";
import { runBatch } from "@/lib/server/queue/batches";
import type { Queue } from "@/lib/server/queue/boss";
import { QUEUES, batchPayload, failedPayload, scanPayload } from "@/lib/server/queue/jobs";
import { runPlan } from "@/lib/server/queue/plan";
import type { ScanConfig } from "@/lib/server/scan/types";
import type { z } from "zod";

export interface WorkerOptions {
  db: Db;
  queue: Queue;
  /** batch jobs this process runs at once (the plan, analysis and failure queues take one each) */
  concurrency: number;
  /** the scan configuration for an org (credentials come from the worker's environment, never the queue) */
  configFor: (org: string) => ScanConfig;
  log: (line: string) => void;
}

/**
 * Take jobs from every scan queue until `stop()`. A handler that throws fails its job, which pg-boss
 * retries (on any worker) until its retry limit, then moves to `scan.failed`, which ends the scan.
 */
export async function startWorker(o: WorkerOptions): Promise<{ stop(): Promise<void> }> {
  const { db, queue, log } = o;
  const poll = { pollingIntervalSeconds: queue.tuning.CACHEGUARD_QUEUE_POLL_SECONDS, batchSize: 1 };
  function on<S extends z.ZodTypeAny>(name: string, schema: S, fn: (data: z.infer<S>, job: PgBoss.Job) => Promise<void>) {
    return queue.boss.work(name, poll, async (jobs: PgBoss.Job[]) => {
      for (const job of jobs) {
        try {
          await fn(schema.parse(job.data) as z.infer<S>, job);
        } catch (e) {
          log(`${name} job ${job.id} failed (retried until its limit): ${redact(e instanceof Error ? e.message : String(e))}`);
          throw e;
        }
      }
    });
  }
  const ids: string[] = [];
  ids.push(await on(QUEUES.plan, scanPayload, (p) => runPlan(db, queue, p, o.configFor(p.org), log)));
  for (let i = 0; i < o.concurrency; i++) {
    for (const name of [QUEUES.repos, QUEUES.packages]) {
      ids.push(await on(name, batchPayload, async (p) => {
        const t0 = Date.now();
        const got = await runBatch(db, queue, p, o.configFor(p.org));
        if (got) log(`scan #${p.scanId} ${p.kind} batch ${p.batch}: ${got.items} read, ${got.errors} errors${got.retried ? " (a retry)" : ""} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }));
    }
  }
  // the versions lists wait on the other batches: a loop of their own, so they never hold up a batch
  ids.push(await on(QUEUES.storage, batchPayload, async (p) => {
    const got = await runBatch(db, queue, p, o.configFor(p.org));
    if (got) log(`scan #${p.scanId} storage: ${got.items} versions pages read${got.retried ? " (a retry)" : ""}`);
  }));
  ids.push(await on(QUEUES.analyze, scanPayload, async (p) => {
    log(`scan #${p.scanId}: every batch done, analysing`);
    const s = await runAnalyze(db, p, o.configFor(p.org));
    if (s) log(`scan #${s.scanId} of ${s.org}: ${s.status}, ${s.openCount} open findings (${s.newCount} new, ${s.resolvedCount} resolved)${s.error ? `: ${s.error}` : ""}`);
  }));
  ids.push(await on(QUEUES.failed, failedPayload, async (p, job) => {
    // a job whose retries are spent: the scan cannot complete, so it ends now (its org's slot freed) rather than waiting for the heartbeat timeout
    const ended = await db.scan.updateMany({
      where: { id: p.scanId, activeKey: { not: null } },
      data: { status: "failed", activeKey: null, finishedAt: new Date(), error: `A queue job of this scan (${job.name === QUEUES.failed ? "a batch" : job.name}) failed after every retry; see the workers' logs.` },
    });
    if (ended.count > 0) log(`scan #${p.scanId}: a job failed after every retry; the scan is marked failed`);
  }));
  return {
    async stop() {
      // stop taking jobs; the ones running finish (pg-boss waits for them), the rest stay queued for other workers
      for (const id of ids) await queue.boss.offWork({ id }).catch(() => {});
      await queue.stop();
    },
  };
}
