import type { Db } from "../db";
import { canonicalRef, repoModel } from "./build-index";
import { toRows, type FindingRow } from "./findings";
import type { OrgRef } from "./org";

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

export interface BuildMapEntry {
  id: string;
  source: string;
  path: string;
  line: number;
  job: string;
  stepName: string | null;
  bakeTarget: string | null;
  push: boolean | null;
  tags: Array<{ ref: string; line: number }>;
  cacheTo: Array<{ type: string; ref: string | null; raw: string; line: number }>;
  cacheFrom: Array<{ type: string; ref: string | null; raw: string; line: number }>;
}

export interface BuildMap {
  builds: BuildMapEntry[];
  consumers: Array<{ kind: string; ref: string; path: string; line: number; job: string | null }>;
  errors: Array<{ path: string; message: string; line: number | null }>;
}

export interface RepoDetail {
  org: string;
  name: string;
  defaultBranch: string;
  headSha: string | null;
  lastError: string | null;
  files: Array<{ path: string; text: string }>;
  findings: FindingRow[];
  resolved: FindingRow[];
  buildMap: BuildMap | null;
  buildMapError: string | null;
}

export async function listRepos(db: Db, org: OrgRef): Promise<RepoRow[]> {
  const [repos, counts] = await Promise.all([
    db.repo.findMany({ where: { orgId: org.id }, orderBy: { name: "asc" }, include: { _count: { select: { files: true } } } }),
    db.finding.groupBy({ by: ["repoId", "severity"], where: { orgId: org.id, resolvedScanId: null }, _count: { _all: true } }),
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

function specRow(c: { type: string; ref?: { text: string }; raw: string; span: { line: number } }) {
  return { type: c.type, ref: c.ref ? canonicalRef(c.ref.text) : null, raw: c.raw, line: c.span.line };
}

export async function buildMapOf(org: string, repo: string, files: Array<{ path: string; text: string }>): Promise<BuildMap> {
  const model = await repoModel(org, repo, files);
  return {
    builds: model.builds.map((b) => ({
      id: b.id,
      source: b.source,
      path: b.path,
      line: b.span.line,
      job: b.job,
      stepName: b.stepName ?? null,
      bakeTarget: b.bakeTarget ?? null,
      push: b.push,
      tags: b.tags.map((t) => ({ ref: canonicalRef(t.text), line: t.span.line })),
      cacheTo: b.cacheTo.map(specRow),
      cacheFrom: b.cacheFrom.map(specRow),
    })),
    consumers: model.consumers.map((c) => ({ kind: c.kind, ref: canonicalRef(c.ref.text), path: c.path, line: c.ref.span.line, job: c.job ?? null })),
    errors: model.errors.map((e) => ({ path: e.path, message: e.message, line: e.line ?? null })),
  };
}

export async function getRepo(db: Db, org: OrgRef, name: string): Promise<RepoDetail | null> {
  const repo = await db.repo.findUnique({
    where: { orgId_name: { orgId: org.id, name } },
    include: { files: { select: { path: true, text: true }, orderBy: { path: "asc" } } },
  });
  if (!repo) return null;
  const found = await db.finding.findMany({
    where: { orgId: org.id, repoId: repo.id },
    include: { repo: { select: { name: true } } },
    orderBy: [{ path: "asc" }, { line: "asc" }],
    take: 500,
  });
  const rows = await toRows(db, org.id, found);
  const rank: Record<string, number> = { error: 0, warning: 1, note: 2 };
  const open = rows.filter((r) => r.resolvedScanId === null).sort((a, b) => (rank[a.severity] ?? 3) - (rank[b.severity] ?? 3));
  let buildMap: BuildMap | null = null;
  let buildMapError: string | null = null;
  try {
    buildMap = await buildMapOf(org.login, repo.name, repo.files);
  } catch (e) {
    buildMapError = e instanceof Error ? e.message : String(e);
  }
  return {
    org: org.login,
    name: repo.name,
    defaultBranch: repo.defaultBranch,
    headSha: repo.headSha,
    lastError: repo.lastError,
    files: repo.files,
    findings: open,
    resolved: rows.filter((r) => r.resolvedScanId !== null),
    buildMap,
    buildMapError,
  };
}
