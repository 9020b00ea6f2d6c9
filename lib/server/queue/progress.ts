import type { RequestStats } from "@/lib/github/client";
import type { Db } from "@/lib/server/db";
import type { Queue } from "@/lib/server/queue/boss";
import { QUEUES, type ScanPayload, jobId } from "@/lib/server/queue/jobs";

/**
 * Mark a batch done and add what it did to the scan's counters, once: the counters move only while the
 * row is not done yet, in the same transaction that flips it, so a retried batch never counts twice and
 * N workers add up instead of overwriting each other.
 */
export async function completeBatch(db: Db, scanId: number, jobRowId: number, result: object, repos: number, stats: RequestStats): Promise<void> {
  await db.$transaction([
    db.$executeRaw`UPDATE "Scan" SET "reposDone" = "reposDone" + ${repos}, "restRequests" = "restRequests" + ${stats.rest},
      "graphqlRequests" = "graphqlRequests" + ${stats.graphql}, "registryRequests" = "registryRequests" + ${stats.registry}
      WHERE "id" = ${scanId} AND EXISTS (SELECT 1 FROM "ScanJob" WHERE "id" = ${jobRowId} AND NOT "done")`,
    db.scanJob.updateMany({ where: { id: jobRowId, done: false }, data: { done: true, doneAt: new Date(), result: JSON.stringify(result) } }),
    db.scan.update({ where: { id: scanId }, data: { heartbeatAt: new Date() } }),
  ]);
}

/** The plan's own requests, added as a batch's are. */
export async function addRequests(db: Db, scanId: number, stats: RequestStats): Promise<void> {
  await db.scan.update({
    where: { id: scanId },
    data: { restRequests: { increment: stats.rest }, graphqlRequests: { increment: stats.graphql }, registryRequests: { increment: stats.registry }, heartbeatAt: new Date() },
  });
}

/**
 * Enqueue the analysis once no batch is left. Every batch asks after it is done, so the last one to
 * finish sees none left (each asks after its own commit); two that see it together, or a retried one,
 * send the same job id, which pg-boss inserts once.
 */
export async function analyzeWhenDone(db: Db, queue: Queue, payload: ScanPayload): Promise<boolean> {
  const left = await db.scanJob.count({ where: { scanId: payload.scanId, done: false } });
  if (left > 0) return false;
  const { scanId, started, org, trigger } = payload; // a batch's payload names its batch too: the analysis takes the scan's
  await queue.send(QUEUES.analyze, { scanId, started, org, trigger }, jobId("analyze", scanId, started));
  return true;
}

/** Is the scan still waiting for its jobs (not ended, not taken for dead)? A job of an ended scan does nothing. */
export async function scanActive(db: Db, scanId: number) {
  const scan = await db.scan.findUnique({ where: { id: scanId } });
  return scan && scan.activeKey !== null && (scan.status === "queued" || scan.status === "running") ? scan : null;
}
