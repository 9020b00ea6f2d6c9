/**
 * Retention of resolved findings: a finding resolved by a scan that started more than
 * CACHEGUARD_RETENTION_DAYS ago (default 90; 0 keeps them forever) is deleted after each scan that
 * stored its findings. Open and suppressed findings are never touched, whatever their age. Deleted in
 * batches, so a first run over years of history never holds one huge statement or transaction.
 */
import type { Db } from "@/lib/server/db";
import { chunks } from "@/lib/server/chunk";

export const DEFAULT_RETENTION_DAYS = 90;
const BATCH = 5000;

export async function pruneResolvedFindings(db: Db, orgId: number, days: number, now = new Date()): Promise<number> {
  if (days <= 0) return 0;
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  let deleted = 0;
  for (;;) {
    const rows = await db.finding.findMany({
      where: { orgId, resolvedScanId: { not: null }, resolvedScan: { startedAt: { lt: cutoff } } },
      select: { id: true }, take: BATCH,
    });
    if (rows.length === 0) return deleted;
    for (const ids of chunks(rows.map((r) => r.id))) deleted += (await db.finding.deleteMany({ where: { id: { in: ids } } })).count;
  }
}
