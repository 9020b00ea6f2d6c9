import { Cron } from "croner";
import { redact } from "@/lib/github/redact";
import type { Db } from "@/lib/server/db";
import { SCHEDULE_OFF } from "@/lib/server/schedule/cron";
import { type EffectiveSchedule, readSchedule } from "@/lib/server/schedule/settings";
import type { ScanConfig } from "@/lib/server/scan/types";

type StartScan = (db: Db, opts: { config: ScanConfig; trigger: string }) => Promise<{ scanId: number }>;

export interface SchedulerDeps {
  db: Db;
  /** read at each run, so a fixed configuration error shows up at the next tick; `org` when several */
  scanConfig: (org?: string) => ScanConfig;
  /** the same job the dashboard and the CLI start */
  startScan: StartScan;
  log?: (line: string) => void;
  /** CACHEGUARD_SCHEDULE; defaults to process.env at each read */
  envSchedule?: () => string | undefined;
  /**
   * The deployment's orgs, the default first (read at each re-arm): each runs on its own schedule.
   * Absent: one org and the deployment-wide schedule, as before several orgs.
   */
  orgs?: () => string[];
}

export interface Scheduler {
  /** arm the jobs from the stored schedules; idempotent */
  start(): Promise<EffectiveSchedule>;
  /** re-read the schedules (after /settings saved one) and re-arm without a restart */
  rearm(): Promise<EffectiveSchedule>;
  /** run what a tick runs, now (tests, and the log line format in one place); `org`: whose tick (default: the first) */
  tick(org?: string): Promise<{ scanId: number } | { skipped: string }>;
  stop(): void;
  /** the default org's schedule */
  readonly current: EffectiveSchedule | null;
  nextRun(): Date | null;
  /** an org's schedule in force and its next run (null when it is not armed) */
  currentFor(org: string): EffectiveSchedule | null;
  nextRunFor(org: string): Date | null;
}

function alreadyRunning(e: unknown): e is Error {
  // by name too: the route and instrumentation bundles may each hold their own copy of the class
  return e instanceof Error && e.name === "ScanAlreadyRunningError";
}

/** One org's armed job; `org` null: the single-org deployment of old. */
interface Armed { org: string | null; schedule: EffectiveSchedule; job: Cron | null }

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const log = deps.log ?? ((line: string) => console.log(line));
  let armed: Armed[] = [];
  const find = (org: string | undefined) => (org === undefined ? armed[0] : armed.find((a) => a.org?.toLowerCase() === org.toLowerCase()));

  async function tick(org?: string): Promise<{ scanId: number } | { skipped: string }> {
    let config: ScanConfig;
    try {
      config = deps.orgs ? deps.scanConfig(org ?? deps.orgs()[0]) : deps.scanConfig();
    } catch (e) {
      const msg = redact(e instanceof Error ? e.message : String(e));
      log(`[schedule] scheduled scan${org ? ` of ${org}` : ""} not started: ${msg}`);
      return { skipped: msg };
    }
    try {
      const started = await deps.startScan(deps.db, { config, trigger: "schedule" });
      log(`[schedule] scheduled scan #${started.scanId} of ${config.org} started`);
      return started;
    } catch (e) {
      // one active scan per org (Scan.activeKey): a scan still running skips this org's tick only
      if (alreadyRunning(e)) {
        log(`[schedule] skipped: ${e.message}`);
        return { skipped: e.message };
      }
      const msg = redact(e instanceof Error ? e.message : String(e), [config.token]);
      log(`[schedule] scheduled scan of ${config.org} failed to start: ${msg}`);
      return { skipped: msg };
    }
  }

  async function armOne(org: string | null, isDefault: boolean, labelled: boolean): Promise<Armed> {
    const envSchedule = deps.envSchedule ? deps.envSchedule() : process.env.CACHEGUARD_SCHEDULE;
    const schedule = await readSchedule(deps.db, envSchedule, org === null ? undefined : { login: org, isDefault });
    // protect: a tick never overlaps the previous one in this process (the database guards the rest)
    const job = schedule.expression === SCHEDULE_OFF ? null : new Cron(schedule.expression, { mode: "5-part", protect: true }, () => {
      void tick(org ?? undefined);
    });
    const next = job?.nextRun();
    // the org is named once there are several (one org logs as it always did)
    const who = labelled ? `${org}: ` : "";
    log(`[schedule] ${who}${schedule.expression === SCHEDULE_OFF ? "scheduled scans are off" : `"${schedule.expression}" (${schedule.source}), next run ${next?.toISOString() ?? "never"}`}`);
    return { org, schedule, job };
  }

  async function arm(): Promise<EffectiveSchedule> {
    const orgs = deps.orgs ? deps.orgs() : [null];
    const next: Armed[] = [];
    try {
      for (const [i, org] of orgs.entries()) next.push(await armOne(org, i === 0, orgs.length > 1));
    } catch (e) {
      for (const a of next) a.job?.stop();
      throw e;
    }
    for (const a of armed) a.job?.stop();
    armed = next;
    return armed[0].schedule;
  }

  return {
    async start() {
      if (armed.length > 0) return armed[0].schedule;
      return arm();
    },
    rearm: arm,
    tick,
    stop() {
      for (const a of armed) a.job?.stop();
      armed = [];
    },
    get current() {
      return armed[0]?.schedule ?? null;
    },
    nextRun() {
      return armed[0]?.job?.nextRun() ?? null;
    },
    currentFor(org) {
      return find(org)?.schedule ?? null;
    },
    nextRunFor(org) {
      return find(org)?.job?.nextRun() ?? null;
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
