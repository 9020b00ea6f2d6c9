import { type Leadership, leadWhileLocked } from "@/lib/server/queue/leader";
import { type SchedulerDeps, getScheduler, startScheduler, stopScheduler } from "@/lib/server/schedule/scheduler";
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
        void readSchedule(deps.db, deps.envSchedule ? deps.envSchedule() : process.env.CACHEGUARD_SCHEDULE).then(async (now) => {
          if (getScheduler() === s && s.current && now.expression !== s.current.expression) await s.rearm();
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
