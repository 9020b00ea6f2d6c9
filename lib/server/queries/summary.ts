import { openWhere } from "../suppressions";
import type { Db } from "../db";
import { latestCoveredScan, type OrgRef } from "./org";
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
  /** the latest scan that analysed: how many files it covered and the first ones it did not */
  coverage: {
    scanId: number;
    files: number;
    analysed: number;
    notAnalysed: Array<{ repo: string | null; path: string; message: string }>;
  } | null;
}

export async function reportSummary(db: Db, org: OrgRef): Promise<ReportSummary> {
  const open = { orgId: org.id, ...openWhere() };
  const [bySeverity, affected, reposTotal, cacheTags, lastScan] = await Promise.all([
    db.finding.groupBy({ by: ["severity"], where: open, _count: { _all: true } }),
    db.finding.groupBy({ by: ["repoId"], where: { ...open, repoId: { not: null } } }),
    db.repo.count({ where: { orgId: org.id } }),
    db.packageTag.count({ where: { kind: { in: [...CACHE_KINDS] }, package: { orgId: org.id } } }),
    db.scan.findFirst({ where: { orgId: org.id }, orderBy: { id: "desc" } }),
  ]);
  const covered = await latestCoveredScan(db, org.id);
  const missed = covered && covered.filesAnalysed !== covered.filesTotal
    ? await db.fileIssue.findMany({
      where: { scanId: covered.id, kind: { in: ["unread", "error"] } },
      include: { repo: { select: { name: true } } }, orderBy: [{ repoId: "asc" }, { path: "asc" }], take: 50,
    })
    : [];
  // a file with several errors is named once
  const named = new Set<string>();
  const firstMissed = missed.filter((m) => {
    const k = `${m.repoId}:${m.path}`;
    return named.has(k) ? false : (named.add(k), true);
  }).slice(0, 5);
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
    coverage: covered
      ? {
        scanId: covered.id, files: covered.filesTotal ?? 0, analysed: covered.filesAnalysed ?? 0,
        notAnalysed: firstMissed.map((m) => ({ repo: m.repo?.name ?? null, path: m.path, message: m.message })),
      }
      : null,
  };
}
