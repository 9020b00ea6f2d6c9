import type { Db } from "../db";
import type { OrgRef } from "./org";
import { CACHE_KINDS } from "./tag-kinds";
import { toScanRow, type ScanRow } from "./scans";

export interface ReportSummary {
  org: string;
  openErrors: number;
  openWarnings: number;
  openNotes: number;
  reposAffected: number;
  reposTotal: number;
  cacheTags: number;
  lastScan: ScanRow | null;
}

export async function reportSummary(db: Db, org: OrgRef): Promise<ReportSummary> {
  const open = { orgId: org.id, resolvedScanId: null };
  const [bySeverity, affected, reposTotal, cacheTags, lastScan] = await Promise.all([
    db.finding.groupBy({ by: ["severity"], where: open, _count: { _all: true } }),
    db.finding.groupBy({ by: ["repoId"], where: { ...open, repoId: { not: null } } }),
    db.repo.count({ where: { orgId: org.id } }),
    db.packageTag.count({ where: { kind: { in: [...CACHE_KINDS] }, package: { orgId: org.id } } }),
    db.scan.findFirst({ where: { orgId: org.id }, orderBy: { id: "desc" } }),
  ]);
  const count = (s: string) => bySeverity.find((b) => b.severity === s)?._count._all ?? 0;
  return {
    org: org.login,
    openErrors: count("error"),
    openWarnings: count("warning"),
    openNotes: count("note"),
    reposAffected: affected.length,
    reposTotal,
    cacheTags,
    lastScan: lastScan ? toScanRow(lastScan) : null,
  };
}
