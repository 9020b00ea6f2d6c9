import { openWhere, suppressedWhere } from "../suppressions";
import type { Db } from "../db";
import { type BuildMap, parseBuildMap } from "../build-map";
import { toRows, type FindingRow } from "./findings";
import { latestCoveredScan, type OrgRef } from "./org";
import { type ProblemRow, problemRows } from "./problems";

export interface RepoRow {
  name: string;
  defaultBranch: string;
  archived: boolean;
  openErrors: number;
  openWarnings: number;
  openTotal: number;
  files: number;
  lastError: string | null;
}

export interface RepoDetail {
  org: string;
  name: string;
  defaultBranch: string;
  headSha: string | null;
  lastError: string | null;
  files: Array<{ path: string; text: string }>;
  findings: FindingRow[];
  /** the open problems a finding of this repository belongs to, confirmed first */
  problems: ProblemRow[];
  /** open findings no scan has grouped yet (stored before problems existed): shown as they are */
  ungrouped: FindingRow[];
  /** the owner team and where it comes from */
  team: string | null;
  teamSource: string | null;
  /** silenced by an ignore in the repository or an accepted risk */
  suppressed: FindingRow[];
  resolved: FindingRow[];
  /** as the last scan's analysis stored it; null before the first scan that stores one */
  buildMap: BuildMap | null;
  /** what the latest finished scan could not analyse in this repository, and its notes */
  coverage: RepoFileIssues | null;
}

export interface RepoFileIssues {
  scanId: number;
  notAnalysed: Array<{ path: string; kind: "unread" | "error"; message: string; line: number | null }>;
  partly: Array<{ path: string; message: string; line: number | null }>;
}

/** The file issues the latest scan with coverage recorded for one repository. */
async function repoFileIssues(db: Db, orgId: number, repoId: number): Promise<RepoFileIssues | null> {
  const scan = await latestCoveredScan(db, orgId);
  if (!scan) return null;
  const rows = await db.fileIssue.findMany({ where: { scanId: scan.id, repoId }, orderBy: [{ path: "asc" }, { line: "asc" }] });
  return {
    scanId: scan.id,
    notAnalysed: rows.filter((r) => r.kind !== "warning").map((r) => ({ path: r.path, kind: r.kind as "unread" | "error", message: r.message, line: r.line })),
    partly: rows.filter((r) => r.kind === "warning").map((r) => ({ path: r.path, message: r.message, line: r.line })),
  };
}

export async function listRepos(db: Db, org: OrgRef): Promise<RepoRow[]> {
  const [repos, counts] = await Promise.all([
    db.repo.findMany({ where: { orgId: org.id }, orderBy: { name: "asc" }, include: { _count: { select: { files: true } } } }),
    db.finding.groupBy({ by: ["repoId", "severity"], where: { orgId: org.id, ...openWhere() }, _count: { _all: true } }),
  ]);
  return repos.map((r) => {
    const mine = counts.filter((c) => c.repoId === r.id);
    const n = (s: string) => mine.find((c) => c.severity === s)?._count._all ?? 0;
    return {
      name: r.name,
      defaultBranch: r.defaultBranch,
      archived: r.archived,
      openErrors: n("error"),
      openWarnings: n("warning"),
      openTotal: mine.reduce((a, c) => a + c._count._all, 0),
      files: r._count.files,
      lastError: r.lastError,
    };
  });
}

export async function getRepo(db: Db, org: OrgRef, name: string): Promise<RepoDetail | null> {
  const repo = await db.repo.findUnique({
    where: { orgId_name: { orgId: org.id, name } },
    include: { files: { select: { path: true, text: true }, orderBy: { path: "asc" } } },
  });
  if (!repo) return null;
  // open and resolved apart, so a long history of fixed findings never pushes open ones past the limit
  const [openFound, suppressedFound, resolvedFound, issues] = await Promise.all([
    db.finding.findMany({
      where: { orgId: org.id, repoId: repo.id, ...openWhere() },
      include: { repo: { select: { name: true } } },
      orderBy: [{ path: "asc" }, { line: "asc" }],
      take: 500,
    }),
    db.finding.findMany({
      where: { orgId: org.id, repoId: repo.id, ...suppressedWhere() },
      include: { repo: { select: { name: true } } },
      orderBy: [{ path: "asc" }, { line: "asc" }],
      take: 500,
    }),
    db.finding.findMany({
      where: { orgId: org.id, repoId: repo.id, resolvedScanId: { not: null } },
      include: { repo: { select: { name: true } } },
      orderBy: [{ resolvedScanId: "desc" }, { path: "asc" }, { line: "asc" }],
      take: 100,
    }),
    repoFileIssues(db, org.id, repo.id),
  ]);
  const [open, suppressed, resolved] = await Promise.all([toRows(db, org.id, openFound), toRows(db, org.id, suppressedFound), toRows(db, org.id, resolvedFound)]);
  // one card per problem: the problems an open, counted finding of this repository is part of
  const problemIds = [...new Set(openFound.map((f) => f.problemId).filter((id): id is number => id !== null))];
  const ranked = problemIds.length === 0 ? [] : await db.problem.findMany({
    where: { id: { in: problemIds }, resolvedScanId: null }, select: { id: true }, orderBy: [{ rank: "asc" }, { ref: "asc" }, { id: "asc" }],
  });
  const problems = await problemRows(db, org, ranked.map((p) => p.id));
  const grouped = new Set(problems.flatMap((p) => p.findings.map((f) => f.id)));
  const rank: Record<string, number> = { error: 0, warning: 1, note: 2 };
  open.sort((a, b) => (rank[a.severity] ?? 3) - (rank[b.severity] ?? 3));
  const buildMap = parseBuildMap(repo.buildMap);
  return {
    org: org.login,
    name: repo.name,
    defaultBranch: repo.defaultBranch,
    headSha: repo.headSha,
    lastError: repo.lastError,
    files: repo.files,
    findings: open,
    problems,
    ungrouped: open.filter((f) => !grouped.has(f.id)),
    team: repo.team,
    teamSource: repo.teamSource,
    suppressed,
    resolved,
    buildMap,
    coverage: issues,
  };
}
