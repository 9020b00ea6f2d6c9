import pg from "pg";

/** The advisory lock key of the scheduler (any constant every process agrees on: "cgsched" in ASCII). */
const SCHEDULER_LOCK = "27993393009780836";

export interface Leadership {
  /** does this process hold the lock now */
  readonly held: boolean;
  stop(): Promise<void>;
}

/**
 * Run `lead` only while this process holds a PostgreSQL session advisory lock, so one process of a
 * cluster runs the scheduler. The lock lives as long as its connection: a process that dies (killed,
 * host gone) loses it when PostgreSQL sees the connection close, and another process, trying every
 * `retrySeconds`, takes it over. Chosen over pg-boss's schedule(): the schedule stays the one the
 * /settings page edits and re-arms (lib/server/schedule), with nothing to keep in step in pg-boss.
 */
export function leadWhileLocked(url: string, o: {
  retrySeconds: number;
  lead: () => Promise<void>;
  /** the lock was lost (its connection broke): stop leading at once */
  resign: () => void;
  log: (line: string) => void;
}): Leadership {
  let client: pg.Client | null = null;
  let held = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let said = false;

  const lose = (why: string) => {
    if (held) {
      held = false;
      o.log(`[schedule] lost the scheduler lock (${why}); another process takes over`);
      o.resign();
    }
    client?.end().catch(() => {});
    client = null;
    if (!stopped) timer = setTimeout(attempt, o.retrySeconds * 1000);
  };

  async function attempt(): Promise<void> {
    timer = null;
    if (stopped) return;
    try {
      if (!client) {
        const c = new pg.Client({ connectionString: url, application_name: "cacheguard-scheduler" });
        c.on("error", (e) => lose(e.message));
        await c.connect();
        client = c;
      }
      const { rows } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS ok", [SCHEDULER_LOCK]);
      if (stopped) return;
      if (rows[0]?.ok) {
        held = true;
        o.log(`[schedule] this process (pid ${process.pid}) holds the scheduler lock: it runs the scheduled scans`);
        await o.lead();
        return;
      }
      if (!said) o.log(`[schedule] another process holds the scheduler lock; this one (pid ${process.pid}) stands by`);
      said = true;
      timer = setTimeout(attempt, o.retrySeconds * 1000);
    } catch (e) {
      lose(e instanceof Error ? e.message : String(e));
    }
  }
  void attempt();
  return {
    get held() {
      return held;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (held) o.resign();
      held = false;
      // closing the session releases the lock
      await client?.end().catch(() => {});
      client = null;
    },
  };
}
