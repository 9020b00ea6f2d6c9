import { type Leadership, leadWhileLocked } from "@/lib/server/queue/leader";
import { type Scheduler, type SchedulerDeps, getScheduler, startScheduler, stopScheduler } from "@/lib/server/schedule/scheduler";
import { readSchedule } from "@/lib/server/schedule/settings";

/** How often the leader looks for a schedule saved on another process's /settings page. */
const RESYNC_MS = 30_000;

/**
 * The scheduler once per cluster: the process's usual scheduler (lib/server/schedule), armed only while
 * it holds the scheduler lock. The schedule may be saved on any process, so the leader also re-reads it
 * every 30 s and re-arms when it changed.
 */
export function startClusterScheduler(url: string, deps: SchedulerDeps, retrySeconds: number): Leadership {
  const log = deps.log ?? ((l: string) => console.log(l));
  let resync: NodeJS.Timeout | null = null;
  return leadWhileLocked(url, {
    retrySeconds, log,
    async lead() {
      const s = await startScheduler(deps);
      resync = setInterval(() => {
        void changedSince(deps, s).then(async (changed) => {
          if (changed && getScheduler() === s) await s.rearm();
        }).catch(() => {});
      }, RESYNC_MS);
      resync.unref();
    },
    resign() {
      if (resync) clearInterval(resync);
      resync = null;
      stopScheduler();
    },
  });
}

/** whether any org's stored schedule differs from the one armed (another process may have saved it) */
async function changedSince(deps: SchedulerDeps, s: Scheduler): Promise<boolean> {
  const env = deps.envSchedule ? deps.envSchedule() : process.env.CACHEGUARD_SCHEDULE;
  const orgs = deps.orgs ? deps.orgs() : [null];
  for (const [i, org] of orgs.entries()) {
    const now = await readSchedule(deps.db, env, org === null ? undefined : { login: org, isDefault: i === 0 });
    const armed = org === null ? s.current : s.currentFor(org);
    if (!armed || now.expression !== armed.expression) return true;
  }
  return false;
}
