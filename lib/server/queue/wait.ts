import type { Db } from "@/lib/server/db";
import type { ScanPhase, ScanProgress } from "@/lib/server/scan/types";

/**
 * Follow a scan the queue's workers run until it ends, telling its progress as the Scan row holds it
 * (every worker adds to it). Returns the ended row.
 */
export async function waitForScan(db: Db, scanId: number, onProgress?: (p: ScanProgress) => void, everyMs = 1_000) {
  for (;;) {
    const s = await db.scan.findUniqueOrThrow({ where: { id: scanId } });
    onProgress?.({ scanId, phase: s.phase as ScanPhase, reposDone: s.reposDone, reposTotal: s.reposTotal, reposSkipped: s.reposSkipped, message: s.status === "queued" ? "queued for the workers" : undefined });
    if (s.status !== "queued" && s.status !== "running") return s;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
