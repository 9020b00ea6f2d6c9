import { displayPath } from "@/lib/engine/paths";
import { type ProblemRank, RANK_LABELS, compareForPrimary, consumersOf, roleOf } from "@/lib/engine/problems";
import { Prisma } from "@prisma/client";
import { chunks } from "../chunk";
import type { Db } from "../db";
import { likeInsensitive } from "../dialect";
import type { FindingFilters } from "./finding-filters";
import { type FindingFacets, type FindingRow, escapeLike, teamFacets, teamWhere, toRows } from "./findings";
import { newFindingsScanId, type OrgRef } from "./org";

/** What the registry holds at a tag the problem is about (as the last scan read it). */
export interface RegistryEvidence {
  ref: string;
  kind: string | null;
  digest: string | null;
  reason: string | null;
}

export interface ProblemRow {
  id: number;
  key: string;
  title: string;
  ruleId: string;
  severity: string;
  rank: ProblemRank;
  rankLabel: string;
  why: string;
  /** the repository of the primary finding (where the fix is); null for a registry tag no repository uses */
  repo: string | null;
  team: string | null;
  teamSource: string | null;
  ref: string;
  path: string;
  firstSeenScanId: number;
  firstSeenAt: string | null;
  resolvedScanId: number | null;
  isNew: boolean;
  /** the finding whose code view and fix the problem shows: the stored primary while it is open and counted */
  primaryId: number | null;
  /** its findings still open (silenced ones included), the primary first; for a fixed problem, the ones it had */
  findings: FindingRow[];
  /** findings of it that were fixed while it stays open (the cache export, when the registry still holds the cache) */
  fixedFindings: number;
  evidence: {
    /** where the workflows (and the files they run) say it: each finding that is not the registry's */
    workflow: Array<{ findingId: number; ruleId: string; repo: string | null; path: string; line: number }>;
    registry: RegistryEvidence[];
    consumers: Array<{ repo: string | null; path: string; line: number; kind: string }>;
  };
}

export interface ProblemPage {
  rows: ProblemRow[];
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
}

const SEVERITY_RANK = Prisma.sql`CASE p."severity" WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END`;
/** a finding of the problem that is open and counted */
const COUNTED = Prisma.sql`EXISTS (SELECT 1 FROM "Finding" m WHERE m."problemId" = p."id" AND m."resolvedScanId" IS NULL AND m."suppressedBy" IS NULL)`;

async function whereClause(db: Db, org: OrgRef, filters: FindingFilters): Promise<Prisma.Sql> {
  const parts: Prisma.Sql[] = [Prisma.sql`p."orgId" = ${org.id}`];
  // open: a finding of it is open and not silenced; suppressed: open, but every open finding silenced
  if (filters.status === "open") parts.push(Prisma.sql`p."resolvedScanId" IS NULL AND ${COUNTED}`);
  else if (filters.status === "suppressed") parts.push(Prisma.sql`p."resolvedScanId" IS NULL AND NOT ${COUNTED}`);
  else if (filters.status === "resolved") parts.push(Prisma.sql`p."resolvedScanId" IS NOT NULL`);
  else if (filters.status === "new") {
    const scanId = await newFindingsScanId(db, org.id);
    parts.push(Prisma.sql`p."resolvedScanId" IS NULL AND ${COUNTED} AND p."firstSeenScanId" = ${scanId ?? -1}`);
  }
  if (filters.since !== undefined) parts.push(Prisma.sql`p."firstSeenScanId" > ${filters.since}`);
  if (filters.severity) parts.push(Prisma.sql`p."severity" = ${filters.severity}`);
  if (filters.rule) parts.push(Prisma.sql`EXISTS (SELECT 1 FROM "Finding" m WHERE m."problemId" = p."id" AND m."ruleId" = ${filters.rule})`);
  // a problem is in a repository when one of its findings is (a job in it pulls the broken tag, say)
  if (filters.repo) {
    parts.push(Prisma.sql`(r."name" = ${filters.repo} OR EXISTS (SELECT 1 FROM "Finding" m JOIN "Repo" mr ON mr."id" = m."repoId"
      WHERE m."problemId" = p."id" AND mr."name" = ${filters.repo}))`);
  }
  if (filters.team) parts.push(teamWhere(filters.team));
  if (filters.q) {
    const like = `%${escapeLike(filters.q)}%`;
    // case-insensitive on both databases (lib/server/dialect.ts: ILIKE on PostgreSQL)
    const op = likeInsensitive(db);
    parts.push(Prisma.sql`(p."title" ${op} ${like} ESCAPE '\\' OR p."ref" ${op} ${like} ESCAPE '\\' OR r."name" ${op} ${like} ESCAPE '\\'
      OR EXISTS (SELECT 1 FROM "Finding" m WHERE m."problemId" = p."id" AND (m."message" ${op} ${like} ESCAPE '\\' OR m."path" ${op} ${like} ESCAPE '\\' OR m."ruleId" ${op} ${like} ESCAPE '\\')))`);
  }
  return Prisma.join(parts, " AND ");
}

/**
 * One page of problems, confirmed first (rank), then by severity, repository and ref. The same
 * filters as the findings table: a rule or free text matches a problem when one of its findings does.
 */
export async function listProblems(db: Db, org: OrgRef, filters: FindingFilters): Promise<ProblemPage> {
  const where = await whereClause(db, org, filters);
  const from = Prisma.sql`FROM "Problem" p LEFT JOIN "Repo" r ON r."id" = p."repoId" WHERE ${where}`;
  const countRows = await db.$queryRaw<Array<{ n: number | bigint }>>(Prisma.sql`SELECT COUNT(*) AS n ${from}`);
  const total = Number(countRows[0]?.n ?? 0);
  const pageCount = Math.max(1, Math.ceil(total / filters.pageSize));
  const page = Math.min(filters.page, pageCount);
  // NULLS FIRST: a problem of no repository (a registry tag) sorts first on both databases, as SQLite sorts NULL
  const idRows = await db.$queryRaw<Array<{ id: number | bigint }>>(Prisma.sql`SELECT p."id" AS id ${from}
    ORDER BY p."rank" ASC, ${SEVERITY_RANK} ASC, r."name" ASC NULLS FIRST, p."ref" ASC, p."id" ASC
    LIMIT ${filters.pageSize} OFFSET ${(page - 1) * filters.pageSize}`);
  const ids = idRows.map((r) => Number(r.id));
  return { rows: await problemRows(db, org, ids), total, page, pageSize: filters.pageSize, pageCount };
}

/** Problems by id, in that order, with their findings and evidence. */
export async function problemRows(db: Db, org: OrgRef, ids: number[]): Promise<ProblemRow[]> {
  if (ids.length === 0) return [];
  const problems = (await Promise.all(chunks(ids).map((part) => db.problem.findMany({
    where: { id: { in: part }, orgId: org.id }, include: { repo: { select: { name: true, team: true, teamSource: true } } },
  })))).flat();
  const found = (await Promise.all(chunks(ids).map((part) => db.finding.findMany({
    where: { problemId: { in: part } }, include: { repo: { select: { name: true } } }, orderBy: [{ path: "asc" }, { line: "asc" }, { id: "asc" }],
  })))).flat();
  const rows = await toRows(db, org.id, found);
  const problemOf = new Map(found.map((f) => [f.id, f.problemId]));
  const byProblem = new Map<number, FindingRow[]>();
  for (const r of rows) {
    const pid = problemOf.get(r.id)!;
    byProblem.set(pid, [...(byProblem.get(pid) ?? []), r]);
  }
  const newScanId = await newFindingsScanId(db, org.id);
  const scans = await db.scan.findMany({ where: { id: { in: [...new Set(problems.map((p) => p.firstSeenScanId))] } }, select: { id: true, startedAt: true } });
  const startedAt = new Map(scans.map((s) => [s.id, s.startedAt.toISOString()]));
  const tags = await registryStates(db, org, [...new Set(found.filter((f) => roleOf(f.ruleId) === "registry").map((f) => f.ref).concat(problems.map((p) => p.ref)))]);
  const byId = new Map(problems.map((p) => [p.id, p]));
  return ids.flatMap((id) => {
    const p = byId.get(id);
    if (!p) return [];
    const all = byProblem.get(id) ?? [];
    const open = all.filter((f) => f.resolvedScanId === null);
    const shown = p.resolvedScanId === null ? open : all;
    const counted = shown.filter((f) => !f.suppression);
    // the stored primary while it is shown and counted; else the first counted one in the same order
    const primary = counted.find((f) => f.id === p.primaryFindingId) ?? counted[0] ?? shown.find((f) => f.id === p.primaryFindingId) ?? shown[0];
    // then writers, consumers, the registry's evidence: the engine's order
    const ordered = primary ? [primary, ...shown.filter((f) => f !== primary).sort(compareForPrimary)] : shown;
    const registryRefs = [...new Set(shown.filter((f) => roleOf(f.ruleId) === "registry").map((f) => f.ref))];
    if (registryRefs.length === 0 && tags.has(p.ref)) registryRefs.push(p.ref);
    return [{
      id: p.id, key: p.key, title: p.title, ruleId: p.ruleId, severity: p.severity, rank: p.rank as ProblemRank,
      rankLabel: RANK_LABELS[p.rank as ProblemRank] ?? String(p.rank), why: p.why,
      repo: p.repo?.name ?? null, team: p.repo?.team ?? null, teamSource: p.repo?.teamSource ?? null,
      ref: p.ref, path: p.path, firstSeenScanId: p.firstSeenScanId, firstSeenAt: startedAt.get(p.firstSeenScanId) ?? null,
      resolvedScanId: p.resolvedScanId, isNew: p.resolvedScanId === null && newScanId !== null && p.firstSeenScanId === newScanId,
      primaryId: primary?.id ?? null, findings: ordered, fixedFindings: p.resolvedScanId === null ? all.length - open.length : 0,
      evidence: {
        workflow: ordered.filter((f) => roleOf(f.ruleId) !== "registry" || f.line > 0)
          .map((f) => ({ findingId: f.id, ruleId: f.ruleId, repo: f.repo, path: displayPath(f.path), line: f.line })),
        registry: registryRefs.map((ref) => tags.get(ref) ?? { ref, kind: null, digest: null, reason: null }),
        // related places name repositories `org/name`; findings by name: one spelling, the name
        consumers: consumersOf(ordered).map((c) => ({ ...c, repo: c.repo?.split("/").pop() ?? null, path: displayPath(c.path) })),
      },
    }];
  });
}

/** The stored state of each `ghcr.io/<org>/<package>:<tag>` ref of the org. */
async function registryStates(db: Db, org: OrgRef, refs: string[]): Promise<Map<string, RegistryEvidence>> {
  const wanted = refs.flatMap((ref) => {
    const m = /^ghcr\.io\/([^/]+)\/(.+):([^:/]+)$/i.exec(ref);
    return m && m[1].toLowerCase() === org.login.toLowerCase() ? [{ ref, pkg: m[2], tag: m[3] }] : [];
  });
  if (wanted.length === 0) return new Map();
  const rows = await db.packageTag.findMany({
    where: { package: { orgId: org.id, name: { in: [...new Set(wanted.map((w) => w.pkg))] } }, tag: { in: [...new Set(wanted.map((w) => w.tag))] } },
    select: { tag: true, digest: true, kind: true, reason: true, package: { select: { name: true } } },
  });
  const out = new Map<string, RegistryEvidence>();
  for (const w of wanted) {
    const row = rows.find((r) => r.package.name.toLowerCase() === w.pkg.toLowerCase() && r.tag === w.tag);
    if (row) out.set(w.ref, { ref: w.ref, kind: row.kind, digest: row.digest, reason: row.reason || null });
  }
  return out;
}

/** Values for the filter menus, counted over open problems (a rule counts the problems with a finding of it). */
export async function problemFacets(db: Db, org: OrgRef): Promise<FindingFacets> {
  const rows = await db.$queryRaw<Array<{ id: number | bigint; severity: string; repoId: number | bigint | null }>>(Prisma.sql`
    SELECT p."id" AS id, p."severity" AS severity, p."repoId" AS "repoId" FROM "Problem" p WHERE p."orgId" = ${org.id} AND p."resolvedScanId" IS NULL AND ${COUNTED}`);
  const ids = rows.map((r) => Number(r.id));
  const members = (await Promise.all(chunks(ids).map((part) => db.finding.findMany({
    where: { problemId: { in: part }, resolvedScanId: null }, select: { problemId: true, ruleId: true, repo: { select: { name: true } } },
  })))).flat();
  const count = (pairs: Array<[string, number]>) => {
    const m = new Map<string, Set<number>>();
    for (const [v, id] of pairs) m.set(v, (m.get(v) ?? new Set()).add(id));
    return [...m].map(([value, s]) => ({ value, count: s.size })).sort((a, b) => a.value.localeCompare(b.value));
  };
  const perRepo = new Map<number | null, number>();
  for (const r of rows) {
    const k = r.repoId === null ? null : Number(r.repoId);
    perRepo.set(k, (perRepo.get(k) ?? 0) + 1);
  }
  return {
    rules: count(members.map((m) => [m.ruleId, m.problemId!])),
    severities: count(rows.map((r) => [r.severity, Number(r.id)])),
    repos: count(members.flatMap((m) => (m.repo ? [[m.repo.name, m.problemId!] as [string, number]] : []))),
    teams: await teamFacets(db, org.id, [...perRepo].map(([repoId, n]) => ({ repoId, count: n }))),
  };
}
