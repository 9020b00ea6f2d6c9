import type { Db } from "@/lib/server/db";
import type { Queue } from "@/lib/server/queue/boss";
import { QUEUES, jobId } from "@/lib/server/queue/jobs";
import { beginScan } from "@/lib/server/scan/lifecycle";
import type { ScanConfig } from "@/lib/server/scan/types";

/**
 * Start a scan on the queue: the Scan row (the same unique activeKey as an in-process scan, so one scan
 * per org holds across every process sharing the database), then its `scan.plan` job. Throws
 * ScanAlreadyRunningError while the org has an active scan.
 */
export async function enqueueScan(db: Db, queue: Queue, opts: { config: ScanConfig; trigger: string }): Promise<{ scanId: number }> {
  const { scanId } = await beginScan(db, opts.config.org, opts.trigger);
  // the process that enqueues is not the one that runs it: no pid, so no process on this host takes
  // the scan for dead when this one exits; workers keep its heartbeat
  const row = await db.scan.update({ where: { id: scanId }, data: { status: "queued", pid: null, hostname: null, heartbeatAt: new Date() } });
  const payload = { scanId, started: row.startedAt.getTime(), org: opts.config.org, trigger: opts.trigger };
  try {
    await queue.send(QUEUES.plan, payload, jobId("plan", scanId, payload.started));
  } catch (e) {
    await db.scan.update({
      where: { id: scanId },
      data: { status: "failed", activeKey: null, finishedAt: new Date(), error: `The job queue refused the scan: ${e instanceof Error ? e.message : String(e)}` },
    });
    throw e;
  }
  return { scanId };
}
