import PgBoss from "pg-boss";
import { type QueueTuning, queueTuningFromEnv, queueUrlFromEnv } from "@/lib/server/queue/config";
import { QUEUES } from "@/lib/server/queue/jobs";

export interface Queue {
  boss: PgBoss;
  tuning: QueueTuning;
  /** send a job with the retry and expiry this kind of job takes; null when a job of that id exists */
  send(name: (typeof QUEUES)[keyof typeof QUEUES], data: object, id: string): Promise<string | null>;
  stop(): Promise<void>;
}

/**
 * Start pg-boss on `url` (creating its schema on first use) with every queue the scans use. `supervise`
 * (expiring the jobs of dead workers, archiving) runs in every process; pg-boss lets one of them do it
 * per interval.
 */
export async function openQueue(url: string, tuning: QueueTuning = queueTuningFromEnv(), opts: { supervise?: boolean } = {}): Promise<Queue> {
  const boss = new PgBoss({
    connectionString: url, max: 4, supervise: opts.supervise ?? true, schedule: false,
    maintenanceIntervalSeconds: tuning.CACHEGUARD_QUEUE_MAINTENANCE_SECONDS,
  });
  // a lost connection is retried by pg; say it, never crash the process on it
  boss.on("error", (e) => console.error(`[queue] ${e instanceof Error ? e.message : String(e)}`));
  await boss.start();
  for (const name of [QUEUES.failed, QUEUES.plan, QUEUES.repos, QUEUES.packages, QUEUES.storage, QUEUES.analyze]) {
    if (!(await boss.getQueue(name))) await boss.createQueue(name, { name, ...(name === QUEUES.failed ? {} : { deadLetter: QUEUES.failed }) }).catch(async (e: unknown) => {
      // two processes creating it at once: the other's stands
      if (!(await boss.getQueue(name))) throw e;
    });
  }
  const expiry = (name: string) => (name === QUEUES.analyze || name === QUEUES.plan ? tuning.CACHEGUARD_QUEUE_ANALYZE_EXPIRE_SECONDS : tuning.CACHEGUARD_QUEUE_EXPIRE_SECONDS);
  return {
    boss, tuning,
    send: (name, data, id) => boss.send(name, data, {
      id, retryLimit: tuning.CACHEGUARD_QUEUE_RETRY_LIMIT, retryDelay: tuning.CACHEGUARD_QUEUE_RETRY_DELAY_SECONDS,
      expireInSeconds: expiry(name), ...(name === QUEUES.failed ? {} : { deadLetter: QUEUES.failed }),
    }),
    stop: () => boss.stop({ graceful: true, wait: true, timeout: 30_000 }),
  };
}

const holder = globalThis as unknown as { cacheguardQueue?: Promise<Queue | null> };

/** The process's queue for starting scans: null when none is configured (scans then run in process). */
export function queueForScans(env: Record<string, string | undefined> = process.env): Promise<Queue | null> {
  if (holder.cacheguardQueue) return holder.cacheguardQueue;
  const url = queueUrlFromEnv(env);
  // a process that only enqueues does not need to supervise: workers do
  holder.cacheguardQueue = url ? openQueue(url, queueTuningFromEnv(env), { supervise: false }) : Promise.resolve(null);
  holder.cacheguardQueue.catch(() => (holder.cacheguardQueue = undefined));
  return holder.cacheguardQueue;
}
