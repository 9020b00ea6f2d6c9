import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import type { Db } from "@/lib/server/db";
import { ScanAlreadyRunningError, type ScanProgress } from "@/lib/server/scan/types";
import { isUniqueViolation } from "@/lib/server/dialect";

/** A running scan whose heartbeat is older than this is taken for dead (another host, or hung). */
export const HEARTBEAT_TIMEOUT_MS = 10 * 60_000;
const HEARTBEAT_EVERY_MS = 5_000;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: existence check only
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  // a killed process nobody reaped (a container whose PID 1 does not reap) is a zombie: dead
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    if (stat.slice(stat.lastIndexOf(")") + 2)[0] === "Z") return false;
  } catch {
    // no /proc (macOS): the signal check is all there is
  }
  return true;
}

/**
 * Mark scans left `running` by a dead process as `interrupted` and free their org's slot.
 * Dead = same host and its pid is gone, or no heartbeat for HEARTBEAT_TIMEOUT_MS.
 */
export async function recoverInterruptedScans(db: Db, now = new Date()): Promise<number[]> {
  const running = await db.scan.findMany({ where: { status: { in: ["running", "queued"] } } });
  const host = hostname();
  const dead = running.filter((s) => {
    const beat = (s.heartbeatAt ?? s.startedAt).getTime();
    if (now.getTime() - beat > HEARTBEAT_TIMEOUT_MS) return true;
    return s.hostname === host && s.pid != null && s.pid !== process.pid && !pidAlive(s.pid);
  });
  for (const s of dead) {
    await db.scan.updateMany({
      where: { id: s.id, status: s.status },
      data: {
        status: "interrupted",
        activeKey: null,
        finishedAt: now,
        error: `Interrupted: the process running this scan (pid ${s.pid ?? "?"} on ${s.hostname ?? "?"}) stopped before it finished.`,
      },
    });
  }
  return dead.map((s) => s.id);
}

/**
 * Create the Scan row; the unique activeKey makes a second concurrent scan of the org fail here, a
 * full one or an incremental one (`scope`: `repo:NAME`, `package:NAME`, `repos`) alike.
 */
export async function beginScan(db: Db, org: string, trigger: string, scope?: string): Promise<{ scanId: number; orgId: number }> {
  await recoverInterruptedScans(db);
  // two processes scanning a new org race on its row: the loser reads the winner's
  const orgRow = await db.org.upsert({ where: { login: org }, create: { login: org }, update: {} }).catch(async (e: unknown) => {
    if (!isUniqueViolation(e)) throw e;
    return db.org.findUniqueOrThrow({ where: { login: org } });
  });
  try {
    const scan = await db.scan.create({
      data: {
        orgId: orgRow.id, trigger, scope: scope ?? null, status: "running", activeKey: org.toLowerCase(), phase: "starting",
        pid: process.pid, hostname: hostname(), heartbeatAt: new Date(),
      },
    });
    return { scanId: scan.id, orgId: orgRow.id };
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const other = await db.scan.findFirst({ where: { activeKey: org.toLowerCase() }, select: { id: true } });
    throw new ScanAlreadyRunningError(org, other?.id ?? null);
  }
}

/** Progress reporting: callback at once, database (with heartbeat) at most every few seconds. */
export function progressReporter(db: Db, scanId: number, onProgress?: (p: ScanProgress) => void) {
  let last = 0;
  let state: ScanProgress = { scanId, phase: "starting", reposDone: 0, reposTotal: 0, reposSkipped: 0 };
  const write = async () => {
    last = Date.now();
    await db.scan.update({
      where: { id: scanId },
      data: {
        phase: state.phase, reposDone: state.reposDone, reposTotal: state.reposTotal,
        reposSkipped: state.reposSkipped, heartbeatAt: new Date(),
      },
    });
  };
  return {
    get state() {
      return state;
    },
    async update(p: Partial<Omit<ScanProgress, "scanId">>, force = false): Promise<void> {
      const phaseChanged = p.phase !== undefined && p.phase !== state.phase;
      // a message belongs to its phase: do not carry it into the next one
      state = { ...state, ...(phaseChanged ? { message: undefined } : {}), ...p };
      onProgress?.(state);
      if (force || phaseChanged || Date.now() - last >= HEARTBEAT_EVERY_MS) await write();
    },
  };
}

export type ProgressReporter = ReturnType<typeof progressReporter>;

/**
 * The view of the reporter that the repo and package phases share while they run side by side:
 * one phase ("workflows+packages"), repo counts from the repo side, the sub-phase in the message
 * (so the phase does not flap between the two).
 */
export function concurrentProgress(progress: ProgressReporter): ProgressReporter {
  const label: Partial<Record<ScanProgress["phase"], string>> = {
    repos: "listing repos", "bake-files": "bake files", packages: "packages", analyze: "analysis", "actions-cache": "Actions cache entries",
  };
  return {
    get state() {
      return progress.state;
    },
    update(p: Partial<Omit<ScanProgress, "scanId">>, force = false): Promise<void> {
      const sub = p.phase && p.phase !== "workflows" ? label[p.phase] : undefined;
      const message = p.message ?? sub ?? (p.phase ? undefined : progress.state.message);
      return progress.update({ ...p, phase: "workflows+packages", message }, force);
    },
  };
}
