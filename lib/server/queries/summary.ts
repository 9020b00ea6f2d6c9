import { openWhere } from "../suppressions";
import type { Db } from "../db";
import { latestCoveredScan, type OrgRef } from "./org";
import { severityRank } from "./finding-options";
import { openCounts } from "./open-counts";
import { CACHE_KINDS } from "./tag-kinds";
import { toScanRow, type ScanRow } from "./scans";

export interface ReportSummary {
  org: string;
  /** open problems (findings about one broken ref in one place, grouped by the scan), by severity */
  openProblems: number;
  problemErrors: number;
  problemWarnings: number;
  problemNotes: number;
  /** false until a scan has grouped the org's findings (a database from before problems existed) */
  problemsComputed: boolean;
  /** open findings in all (what the problems are made of) */
  openFindings: number;
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
  const [counts, reposTotal, cacheTags, lastScan, problems, grouped] = await Promise.all([
    // one pass over the open-findings index, shared with the filter menus when they ask at the same time
    openCounts(db, org.id),
    db.repo.count({ where: { orgId: org.id } }),
    db.packageTag.count({ where: { kind: { in: [...CACHE_KINDS] }, package: { orgId: org.id } } }),
    db.scan.findFirst({ where: { orgId: org.id }, orderBy: { id: "desc" } }),
    db.problem.groupBy({
      by: ["severity"], _count: { _all: true },
      where: { orgId: org.id, resolvedScanId: null, findings: { some: openWhere() } },
    }),
    db.scan.count({ where: { orgId: org.id, problemsOpen: { not: null } } }),
  ]);
  const covered = await latestCoveredScan(db, org.id);
  const missed = covered && covered.filesAnalysed !== covered.filesTotal
    ? await db.fileIssue.findMany({
      where: { scanId: covered.id, kind: { in: ["unread", "error"] } },
      // org-level files (no repository) first, as SQLite sorts NULL; PostgreSQL would put them last
      include: { repo: { select: { name: true } } }, orderBy: [{ repoId: { sort: "asc", nulls: "first" } }, { path: "asc" }], take: 50,
    })
    : [];
  // a file with several errors is named once
  const named = new Set<string>();
  const firstMissed = missed.filter((m) => {
    const k = `${m.repoId}:${m.path}`;
    return named.has(k) ? false : (named.add(k), true);
  }).slice(0, 5);
  const count = (s: string) => counts.byRank.get(severityRank(s)) ?? 0;
  const problemCount = (s: string) => problems.find((b) => b.severity === s)?._count._all ?? 0;
  return {
    org: org.login,
    openProblems: problems.reduce((n, b) => n + b._count._all, 0),
    problemErrors: problemCount("error"),
    problemWarnings: problemCount("warning"),
    problemNotes: problemCount("note"),
    problemsComputed: grouped > 0,
    openFindings: counts.total,
    openErrors: count("error"),
    openWarnings: count("warning"),
    openNotes: count("note"),
    reposAffected: [...counts.byRepo.keys()].filter((id) => id !== null).length,
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

/** The Setting a scan keeps its note about the team custom property in (absent: the properties were read). */
export const teamNoteKey = (orgId: number) => `team-note:${orgId}`;

/** Why the last scan could not read the team custom property, when it could not (shown beside the team filter). */
export async function teamNote(db: Db, org: OrgRef): Promise<string | null> {
  return (await db.setting.findUnique({ where: { key: teamNoteKey(org.id) } }))?.value ?? null;
}
