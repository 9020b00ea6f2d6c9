import { z } from "zod";
import type { CliIo } from "@/lib/cli/io";
import { parseFlags } from "@/lib/cli/commands/scan";
import { redact } from "@/lib/github/redact";
import { DEFAULT_DATABASE_URL, createDb } from "@/lib/server/db";
import { configuredOrgs, readEnv } from "@/lib/server/env";
import { ensureDatabase } from "@/lib/server/migrate";
import { openQueue } from "@/lib/server/queue/boss";
import { queueTuningFromEnv, queueUrlFromEnv } from "@/lib/server/queue/config";
import { startClusterScheduler } from "@/lib/server/queue/scheduler";
import { startWorker } from "@/lib/server/queue/worker";
import { scanConfigFromEnv } from "@/lib/server/scan/config";
import { tuneHeapForScans } from "@/lib/server/scan/heap";
import { startScan } from "@/lib/server/scan/run";

const USAGE =
  "usage: cacheguard worker [--concurrency N] [--no-scheduler]\n" +
  "  runs scan jobs from the queue until SIGTERM/SIGINT: DATABASE_URL=postgresql://… (store and queue),\n" +
  "  or a SQLite DATABASE_URL with CACHEGUARD_QUEUE_URL=postgresql://…; the org and credentials as the\n" +
  "  server takes them (CACHEGUARD_ORG, GITHUB_TOKEN or a GitHub App, GHCR_TOKEN, …)\n" +
  "  --concurrency N   repository/package batches at once (default 1)\n" +
  "  --no-scheduler    never run the scheduled scans (by default one process of the cluster does)\n";

/** how long a stopping worker waits for the jobs in hand (pg-boss's own graceful stop waits 30 s) */
const STOP_GRACE_MS = 35_000;

const argsSchema = z.object({ concurrency: z.coerce.number().int().min(1).max(64).default(1) });

export async function run(argv: string[], io: CliIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  const noScheduler = argv.includes("--no-scheduler");
  const parsed = parseFlags(argv.filter((a) => a !== "--no-scheduler"), ["concurrency"]);
  if (parsed === "help") {
    io.stdout(USAGE);
    return 0;
  }
  const args = typeof parsed === "string" ? null : argsSchema.safeParse(parsed.flags);
  if (typeof parsed === "string" || !args?.success || parsed.positional.length > 0) {
    const why = typeof parsed === "string" ? parsed : parsed.positional.length > 0 ? `unexpected argument "${parsed.positional[0]}"` : "--concurrency must be a whole number from 1 to 64";
    io.stderr(`cacheguard worker: ${why}\n${USAGE}`);
    return 2;
  }
  let queueUrl: string | null;
  let tuning;
  try {
    queueUrl = queueUrlFromEnv(env);
    tuning = queueTuningFromEnv(env);
    readEnv(env as NodeJS.ProcessEnv);
  } catch (e) {
    io.stderr(`cacheguard worker: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  if (!queueUrl) {
    io.stderr("cacheguard worker: no job queue: set DATABASE_URL to a postgresql:// URL, or CACHEGUARD_QUEUE_URL beside a SQLite DATABASE_URL\n");
    return 2;
  }
  tuneHeapForScans();
  const log = (line: string) => io.stderr(`${new Date().toISOString().slice(11, 23)} [worker ${process.pid}] ${line}\n`);
  const url = env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  await ensureDatabase(url);
  const db = createDb(url);
  // several processes write one SQLite file: WAL lets readers and a writer work at once
  if (url.startsWith("file:")) await db.$queryRawUnsafe("PRAGMA journal_mode=WAL");
  // any org the deployment is configured for (CACHEGUARD_ORGS); scanConfigFromEnv refuses the others, naming them
  const configFor = (org: string) => scanConfigFromEnv(readEnv(env as NodeJS.ProcessEnv), org);
  const queue = await openQueue(queueUrl, tuning);
  const worker = await startWorker({ db, queue, concurrency: args.data.concurrency, configFor, log });
  const leader = noScheduler ? null : startClusterScheduler(queueUrl, {
    db, scanConfig: (org?: string) => scanConfigFromEnv(readEnv(env as NodeJS.ProcessEnv), org), orgs: () => configuredOrgs(readEnv(env as NodeJS.ProcessEnv)), startScan, log: (l) => io.stderr(`[worker ${process.pid}] ${l}\n`),
    envSchedule: () => env.CACHEGUARD_SCHEDULE,
  }, tuning.CACHEGUARD_SCHEDULER_LOCK_RETRY_SECONDS);
  log(`taking scan jobs (concurrency ${args.data.concurrency}) from ${redact(queueUrl.replace(/\/\/[^@/]*@/, "//…@"))}`);
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      log(`${sig}: finishing the jobs in hand, taking no more`);
      process.off("SIGTERM", onTerm);
      process.off("SIGINT", onInt);
      resolve();
    };
    const onTerm = () => stop("SIGTERM");
    const onInt = () => stop("SIGINT");
    process.on("SIGTERM", onTerm);
    process.on("SIGINT", onInt);
  });
  // a job that does not finish in time is left to its expiry (another worker retries it): never hang here
  const forced = setTimeout(() => {
    log(`jobs still running ${STOP_GRACE_MS / 1000} s after the signal: exiting; they are retried elsewhere once they expire`);
    process.exit(0);
  }, STOP_GRACE_MS);
  forced.unref();
  await leader?.stop();
  await worker.stop();
  await db.$disconnect();
  clearTimeout(forced);
  log("stopped");
  return 0;
}
