import { z } from "zod";

/**
 * Where the job queue lives, and how its jobs are cut and retried. The queue is pg-boss on PostgreSQL:
 * DATABASE_URL itself when it is postgresql:// (the store and the queue in one database), else
 * CACHEGUARD_QUEUE_URL (a SQLite store with a PostgreSQL queue beside it). Neither: no queue, and every
 * scan runs in the process that starts it, as it always has.
 */
export function queueUrlFromEnv(env: Record<string, string | undefined> = process.env): string | null {
  const db = env.DATABASE_URL ?? "";
  if (/^postgres(ql)?:\/\//.test(db)) return db;
  const q = env.CACHEGUARD_QUEUE_URL?.trim();
  if (!q) return null;
  if (!/^postgres(ql)?:\/\//.test(q)) throw new Error("CACHEGUARD_QUEUE_URL must be a postgresql:// URL");
  return q;
}

const int = (min: number, max: number, dflt: number) => z.coerce.number().int().min(min).max(max).default(dflt);

const tuningSchema = z.object({
  /** repositories per `scan.repos` job (the in-process scan reads 200 at a time: the same default) */
  CACHEGUARD_QUEUE_REPO_BATCH: int(1, 1000, 200),
  /** packages per `scan.packages` job */
  CACHEGUARD_QUEUE_PACKAGE_BATCH: int(1, 1000, 25),
  /**
   * pg-boss 10 has no heartbeat: a job whose worker died is seen only when it expires. A batch job takes
   * seconds, so a short expiry gets a killed worker's batch retried soon; a batch still running at expiry
   * is retried too (it is idempotent, so only time is lost). The analysis gets longer (it may take minutes).
   */
  CACHEGUARD_QUEUE_EXPIRE_SECONDS: int(2, 3600, 120),
  CACHEGUARD_QUEUE_ANALYZE_EXPIRE_SECONDS: int(10, 6 * 3600, 1800),
  CACHEGUARD_QUEUE_RETRY_LIMIT: int(0, 100, 5),
  CACHEGUARD_QUEUE_RETRY_DELAY_SECONDS: int(0, 3600, 2),
  /** how often an idle worker asks for a job, and how often pg-boss looks for expired jobs */
  CACHEGUARD_QUEUE_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(1),
  CACHEGUARD_QUEUE_MAINTENANCE_SECONDS: int(1, 600, 2),
  /** how often a process without the scheduler's lock tries to take it */
  CACHEGUARD_SCHEDULER_LOCK_RETRY_SECONDS: z.coerce.number().min(0.2).max(600).default(15),
});

export type QueueTuning = z.infer<typeof tuningSchema>;

export function queueTuningFromEnv(env: Record<string, string | undefined> = process.env): QueueTuning {
  const picked = Object.fromEntries(Object.keys(tuningSchema.shape).map((k) => [k, env[k] === "" ? undefined : env[k]]));
  const parsed = tuningSchema.safeParse(picked);
  if (!parsed.success) throw new Error(`Invalid queue configuration: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data;
}
