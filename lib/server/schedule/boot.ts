import { redact } from "@/lib/github/redact";
import { getDb } from "@/lib/server/db";
import { configuredOrgs, readEnv } from "@/lib/server/env";
import { ensureDatabase } from "@/lib/server/migrate";
import { recoverInterruptedScans, scanConfigFromEnv, startScan } from "@/lib/server/scan";
import { type Scheduler, startScheduler } from "@/lib/server/schedule/scheduler";
import { startWebhookQueue } from "@/lib/server/webhooks/queue";
import { queueTuningFromEnv, queueUrlFromEnv } from "@/lib/server/queue/config";
import { startClusterScheduler } from "@/lib/server/queue/scheduler";

/**
 * Server start-up (instrumentation.ts, Node runtime): mark scans a dead process left `running` as
 * interrupted, then arm the scheduled scan and, with GITHUB_WEBHOOK_SECRET set, start the webhook
 * queue (which first applies what a previous process left queued). Never throws: a dashboard without a schedule is
 * still a dashboard, and the reason is logged (redacted).
 */
export async function bootScheduler(log: (line: string) => void = (l) => console.log(l)): Promise<Scheduler | null> {
  // `next build` loads instrumentation to prerender; no scans from a build
  if (process.env.NEXT_PHASE === "phase-production-build") return null;
  try {
    readEnv(); // fail early, with the names of the bad variables
    await ensureDatabase();
    const db = getDb();
    const interrupted = await recoverInterruptedScans(db);
    if (interrupted.length > 0) log(`[schedule] marked scan${interrupted.length > 1 ? "s" : ""} #${interrupted.join(", #")} interrupted (their process stopped)`);
    if (readEnv().GITHUB_WEBHOOK_SECRET) {
      startWebhookQueue({ db, scanConfig: () => scanConfigFromEnv(readEnv()), log });
      log("[webhooks] receiving GitHub webhooks at /api/webhooks/github");
    }
    // each configured org on its own schedule (the settings page of that org edits it)
    const deps = { db, scanConfig: (org?: string) => scanConfigFromEnv(readEnv(), org), orgs: () => configuredOrgs(readEnv()), startScan, log };
    // with a job queue, the processes of a cluster share one scheduler (lib/server/queue/scheduler.ts)
    const queueUrl = queueUrlFromEnv();
    if (queueUrl) {
      startClusterScheduler(queueUrl, deps, queueTuningFromEnv().CACHEGUARD_SCHEDULER_LOCK_RETRY_SECONDS);
      return null;
    }
    return await startScheduler(deps);
  } catch (e) {
    log(`[schedule] scheduled scans are off: ${redact(e instanceof Error ? e.message : String(e))}`);
    return null;
  }
}
