/**
 * The webhook queue: one per server process, kept in the database (WebhookDelivery rows with status
 * `queued`), so a restart picks up what was not applied yet. It takes the queued deliveries in the
 * order they arrived, coalesces them (three pushes to one repository while a full scan ran are one
 * scan), and runs each as an incremental scan through the org's one-scan lock: while another scan of
 * the org runs it waits and tries again after it.
 */
import { redact } from "@/lib/github/redact";
import type { AfterScanTask } from "@/lib/server/after-scan";
import type { Db } from "@/lib/server/db";
import { type IncrementalScope, type IncrementalSummary, runIncrementalScan } from "@/lib/server/scan/incremental";
import type { ScanConfig } from "@/lib/server/scan/types";
import type { Work } from "@/lib/server/webhooks/plan";

export interface WebhookQueueDeps {
  db: Db;
  /** read at each run, like the scheduler's */
  scanConfig: () => ScanConfig;
  log?: (line: string) => void;
  /** wait before trying again while another scan of the org runs (default 1 s) */
  retryMs?: number;
  /** look for queued deliveries this often even when nobody kicked (another process stored them); 0: never (default 5 s) */
  pollMs?: number;
  afterScanTasks?: readonly AfterScanTask[];
}

/** One incremental scan the queue runs, and the deliveries it serves. */
export interface QueueUnit {
  scope: IncrementalScope;
  deliveries: number[];
}

export interface DrainResult {
  scans: Array<{ scanId: number; scope: string; status: string; deliveries: number[] }>;
}

export interface WebhookQueue {
  /** work on what is queued now (a restart's leftovers), then on every kick and poll */
  start(): void;
  /** a delivery was queued: work on it soon */
  kick(): void;
  /** work until nothing is queued (waiting out another scan of the org); for tests and shutdown */
  drain(): Promise<DrainResult>;
  stop(): Promise<void>;
}

function parseWork(json: string): Work[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? (v as Work[]) : [];
  } catch {
    return [];
  }
}

/**
 * The scans that serve these queued deliveries (in arrival order): first the repository-list changes
 * (renames, gone, appeared) as one `repos` scan, then one scan per repository pushed to, then one
 * per package. A push to a repository the list scan reads anyway is served by it.
 */
export function planUnits(pending: Array<{ id: number; work: string }>): QueueUnit[] {
  const list: QueueUnit = { scope: { label: "repos", changes: [], repos: [], packages: [] }, deliveries: [] };
  const repos = new Map<string, QueueUnit>();
  const packages = new Map<string, QueueUnit>();
  const renames = new Map<string, string>();
  const gone = new Set<string>();
  const final = (name: string) => {
    let n = name;
    for (let i = 0; i < 20 && renames.has(n); i++) n = renames.get(n)!;
    return n;
  };
  // the list changes first: later pushes are read under the names they lead to
  for (const d of pending) {
    for (const w of parseWork(d.work)) {
      if (w.kind === "renamed") {
        list.scope.changes.push(w);
        renames.set(w.from, w.to);
      } else if (w.kind === "gone") {
        list.scope.changes.push(w);
        gone.add(w.repo);
      } else if (w.kind === "listed") {
        if (!list.scope.repos.includes(w.repo)) list.scope.repos.push(w.repo);
      } else continue;
      if (!list.deliveries.includes(d.id)) list.deliveries.push(d.id);
    }
  }
  const readByList = new Set([...list.scope.repos.map(final), ...[...renames.values()].map(final)]);
  for (const d of pending) {
    for (const w of parseWork(d.work)) {
      if (w.kind === "repo") {
        const name = final(w.repo);
        if (readByList.has(name) || gone.has(name)) {
          if (!list.deliveries.includes(d.id)) list.deliveries.push(d.id);
          continue;
        }
        const u = repos.get(name) ?? { scope: { label: `repo:${name}`, changes: [], repos: [name], packages: [] }, deliveries: [] };
        if (!u.deliveries.includes(d.id)) u.deliveries.push(d.id);
        repos.set(name, u);
      } else if (w.kind === "package") {
        const u = packages.get(w.package) ?? { scope: { label: `package:${w.package}`, changes: [], repos: [], packages: [w.package] }, deliveries: [] };
        if (!u.deliveries.includes(d.id)) u.deliveries.push(d.id);
        packages.set(w.package, u);
      }
    }
  }
  // a delivery with nothing to do left (no parsable work) is still answered: served by nothing
  return [...(list.deliveries.length > 0 ? [list] : []), ...repos.values(), ...packages.values()];
}

function alreadyRunning(e: unknown): e is Error & { runningScanId?: number | null } {
  // by name too: the route and instrumentation bundles may each hold their own copy of the class
  return e instanceof Error && e.name === "ScanAlreadyRunningError";
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function outcome(s: IncrementalSummary): string {
  const counts = `${s.newCount} new, ${s.resolvedCount} resolved`;
  const head = s.status === "failed" ? `scan #${s.scanId} failed: ${s.error ?? "unknown error"}` : `scan #${s.scanId} ${s.status}: ${counts}`;
  return [head, ...s.notes].join("; ").slice(0, 2000);
}

export function createWebhookQueue(deps: WebhookQueueDeps): WebhookQueue {
  const { db } = deps;
  const log = deps.log ?? ((line: string) => console.log(line));
  const retryMs = deps.retryMs ?? 1000;
  const pollMs = deps.pollMs ?? 5000;
  let active: Promise<DrainResult> | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let stopped = false;

  /** Each delivery keeps what it asked for, followed by what became of it. */
  async function finish(ids: number[], said: Map<number, string>, status: string, outcomeText: string, scanId?: number): Promise<void> {
    const appliedAt = new Date();
    await db.$transaction(ids.map((id) => db.webhookDelivery.update({
      where: { id },
      data: { status, appliedAt, ...(scanId !== undefined ? { scanId } : {}), message: [said.get(id), outcomeText].filter(Boolean).join(" → ").slice(0, 2000) },
    })));
  }

  async function loop(): Promise<DrainResult> {
    const result: DrainResult = { scans: [] };
    let waitingFor: number | null | undefined;
    while (!stopped) {
      const pending = await db.webhookDelivery.findMany({ where: { status: "queued" }, orderBy: { id: "asc" }, select: { id: true, work: true, message: true } });
      if (pending.length === 0) break;
      const said = new Map(pending.map((p) => [p.id, p.message]));
      const units = planUnits(pending);
      const served = new Set(units.flatMap((u) => u.deliveries));
      const idle = pending.filter((p) => !served.has(p.id)).map((p) => p.id);
      if (idle.length > 0) {
        await finish(idle, said, "ignored", "nothing to do");
      }
      let config: ScanConfig;
      try {
        config = deps.scanConfig();
      } catch (e) {
        const message = redact(e instanceof Error ? e.message : String(e));
        await finish([...served], said, "failed", `not applied: ${message}`);
        log(`[webhooks] deliveries not applied: ${message}`);
        continue;
      }
      let blocked = false;
      for (const unit of units) {
        if (stopped) break;
        try {
          const s = await runIncrementalScan(db, { config, scope: unit.scope, afterScanTasks: deps.afterScanTasks });
          await finish(unit.deliveries, said, s.status === "failed" ? "failed" : "applied", outcome(s), s.scanId);
          result.scans.push({ scanId: s.scanId, scope: unit.scope.label, status: s.status, deliveries: unit.deliveries });
          log(`[webhooks] scan #${s.scanId} (${unit.scope.label}) ${s.status}: ${s.newCount} new, ${s.resolvedCount} resolved`);
          waitingFor = undefined;
        } catch (e) {
          if (alreadyRunning(e)) {
            // a full scan (or another process's scan) holds the org: apply this after it
            if (waitingFor !== e.runningScanId) {
              waitingFor = e.runningScanId;
              log(`[webhooks] waiting for scan #${e.runningScanId ?? "?"} of ${config.org} to finish`);
            }
            blocked = true;
            break;
          }
          const message = redact(e instanceof Error ? e.message : String(e), [config.token]);
          await finish(unit.deliveries, said, "failed", `not applied: ${message}`);
          log(`[webhooks] ${unit.scope.label} not applied: ${message}`);
        }
      }
      if (blocked) await sleep(retryMs);
    }
    return result;
  }

  async function drain(): Promise<DrainResult> {
    while (active) await active.catch(() => undefined);
    active = loop();
    try {
      return await active;
    } finally {
      active = null;
    }
  }

  const kick = () => {
    if (stopped || active) return; // a running loop reads the queue again before it ends
    void drain().catch((e: unknown) => log(`[webhooks] queue stopped on an error: ${redact(e instanceof Error ? e.message : String(e))}`));
  };

  return {
    start() {
      stopped = false;
      kick();
      if (pollMs > 0 && !timer) {
        timer = setInterval(kick, pollMs);
        timer.unref?.();
      }
    },
    kick,
    drain,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await active?.catch(() => undefined);
    },
  };
}

/** One queue per process, kept on globalThis: the route handler's bundle and instrumentation's share it. */
const holder = globalThis as unknown as { cacheguardWebhookQueue?: WebhookQueue };

export function getWebhookQueue(): WebhookQueue | null {
  return holder.cacheguardWebhookQueue ?? null;
}

/** Create and start the process's queue once; later calls return the running one. */
export function startWebhookQueue(deps: WebhookQueueDeps): WebhookQueue {
  if (holder.cacheguardWebhookQueue) return holder.cacheguardWebhookQueue;
  const q = createWebhookQueue(deps);
  holder.cacheguardWebhookQueue = q;
  q.start();
  return q;
}

export async function stopWebhookQueue(): Promise<void> {
  const q = holder.cacheguardWebhookQueue;
  holder.cacheguardWebhookQueue = undefined;
  await q?.stop();
}
