import { Cron } from "croner";
import { redact } from "@/lib/github/redact";
import type { Db } from "@/lib/server/db";
import { SCHEDULE_OFF } from "@/lib/server/schedule/cron";
import { type EffectiveSchedule, readSchedule } from "@/lib/server/schedule/settings";
import type { ScanConfig } from "@/lib/server/scan/types";

type StartScan = (db: Db, opts: { config: ScanConfig; trigger: string }) => Promise<{ scanId: number }>;

export interface SchedulerDeps {
  db: Db;
  /** read at each run, so a fixed configuration error shows up at the next tick */
  scanConfig: () => ScanConfig;
  /** the same job the dashboard and the CLI start */
  startScan: StartScan;
  log?: (line: string) => void;
  /** CACHEGUARD_SCHEDULE; defaults to process.env at each read */
  envSchedule?: () => string | undefined;
}

export interface Scheduler {
  /** arm the job from the stored schedule; idempotent */
  start(): Promise<EffectiveSchedule>;
  /** re-read the schedule (after /settings saved one) and re-arm without a restart */
  rearm(): Promise<EffectiveSchedule>;
  /** run what a tick runs, now (tests, and the log line format in one place) */
  tick(): Promise<{ scanId: number } | { skipped: string }>;
  stop(): void;
  readonly current: EffectiveSchedule | null;
  nextRun(): Date | null;
}

function alreadyRunning(e: unknown): e is Error {
  // by name too: the route and instrumentation bundles may each hold their own copy of the class
  return e instanceof Error && e.name === "ScanAlreadyRunningError";
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const log = deps.log ?? ((line: string) => console.log(line));
  let job: Cron | null = null;
  let current: EffectiveSchedule | null = null;

  async function tick(): Promise<{ scanId: number } | { skipped: string }> {
    let config: ScanConfig;
    try {
      config = deps.scanConfig();
    } catch (e) {
      const msg = redact(e instanceof Error ? e.message : String(e));
      log(`[schedule] scheduled scan not started: ${msg}`);
      return { skipped: msg };
    }
    try {
      const started = await deps.startScan(deps.db, { config, trigger: "schedule" });
      log(`[schedule] scheduled scan #${started.scanId} of ${config.org} started`);
      return started;
    } catch (e) {
      if (alreadyRunning(e)) {
        log(`[schedule] skipped: ${e.message}`);
        return { skipped: e.message };
      }
      const msg = redact(e instanceof Error ? e.message : String(e), [config.token]);
      log(`[schedule] scheduled scan of ${config.org} failed to start: ${msg}`);
      return { skipped: msg };
    }
  }

  async function arm(): Promise<EffectiveSchedule> {
    const schedule = await readSchedule(deps.db, deps.envSchedule ? deps.envSchedule() : process.env.CACHEGUARD_SCHEDULE);
    job?.stop();
    job = null;
    current = schedule;
    if (schedule.expression !== SCHEDULE_OFF) {
      // protect: a tick never overlaps the previous one in this process (the database guards the rest)
      job = new Cron(schedule.expression, { mode: "5-part", protect: true }, () => {
        void tick();
      });
    }
    const next = job?.nextRun();
    log(`[schedule] ${schedule.expression === SCHEDULE_OFF ? "scheduled scans are off" : `"${schedule.expression}" (${schedule.source}), next run ${next?.toISOString() ?? "never"}`}`);
    return schedule;
  }

  return {
    async start() {
      if (current) return current;
      return arm();
    },
    rearm: arm,
    tick,
    stop() {
      job?.stop();
      job = null;
      current = null;
    },
    get current() {
      return current;
    },
    nextRun() {
      return job?.nextRun() ?? null;
    },
  };
}

/** One scheduler per process, kept on globalThis: Next's dev reloads re-run instrumentation. */
const holder = globalThis as unknown as { cacheguardScheduler?: Scheduler };

export function getScheduler(): Scheduler | null {
  return holder.cacheguardScheduler ?? null;
}

/** Create and start the process's scheduler once; later calls return the running one. */
export async function startScheduler(deps: SchedulerDeps): Promise<Scheduler> {
  if (holder.cacheguardScheduler) return holder.cacheguardScheduler;
  const s = createScheduler(deps);
  holder.cacheguardScheduler = s;
  try {
    await s.start();
  } catch (e) {
    holder.cacheguardScheduler = undefined;
    throw e;
  }
  return s;
}

/** Stop and forget the process's scheduler (tests). */
export function stopScheduler(): void {
  holder.cacheguardScheduler?.stop();
  holder.cacheguardScheduler = undefined;
}
