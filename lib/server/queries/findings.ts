import { sarifFingerprint } from "@/lib/engine/fingerprint";
import { Prisma } from "@prisma/client";
import { chunks } from "../chunk";
import type { Db } from "../db";
import { likeInsensitive } from "../dialect";
import { type FindingFilters, NO_TEAM } from "./finding-filters";
import { SEVERITIES, severityRank } from "./finding-options";
import { decodeCursor, encodeCursor, keyColumns, keyOrder, keyRange, sortNeedsRepo } from "./finding-page";
import { newFindingsScanId, type OrgRef } from "./org";
import { openCounts } from "./open-counts";

export interface RelatedLocation {
  repo?: string;
  path: string;
  line: number;
  column: number;
  message: string;
}

export interface FindingRow {
  id: number;
  /** the stored identity (org-wide: includes the repository) */
  fingerprint: string;
  /** the fingerprint SARIF and JSON exports carry: equal to `cacheguard check`'s for the same files */
  sarifFingerprint: string;
  ruleId: string;
  severity: string;
  confidence: string;
  repo: string | null;
  path: string;
  line: number;
  column: number;
  ref: string;
  message: string;
  fixDescription: string | null;
  fixDiff: string | null;
  related: RelatedLocation[];
  firstSeenScanId: number;
  firstSeenAt: string | null;
  resolvedScanId: number | null;
  isNew: boolean;
  /** how it is silenced, when it is (inline, config or accepted, with the reason and where / who / until) */
  suppression: { kind: string; reason: string; at: string | null; until: string | null } | null;
}

export interface FindingPage {
  rows: FindingRow[];
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
  /** the cursors of the pages after and before this one (the `after` / `before` filters); null at either end */
  nextCursor: string | null;
  prevCursor: string | null;
}

/** Findings (or problems) of repositories a team owns; NO_TEAM: of repositories no team owns, and of no repository. */
export function teamWhere(team: string): Prisma.Sql {
  return team === NO_TEAM ? Prisma.sql`r."team" IS NULL` : Prisma.sql`r."team" = ${team}`;
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => "\\" + c);
}

/**
 * The filters as SQL over `f` (Finding) and, where `joinRepo`, `r` (its Repo). Severity filters on the
 * rank and a repository on its id, so both are index prefixes; only the team, the search text and the
 * sort by repository read the Repo row.
 */
async function whereClause(db: Db, org: OrgRef, filters: FindingFilters): Promise<{ where: Prisma.Sql; joinRepo: boolean }> {
  const parts: Prisma.Sql[] = [Prisma.sql`f."orgId" = ${org.id}`];
  // open and new leave silenced findings out (see suppressions.ts); "suppressed" shows only those
  if (filters.status === "open") parts.push(Prisma.sql`f."resolvedScanId" IS NULL AND f."suppressedBy" IS NULL`);
  else if (filters.status === "suppressed") parts.push(Prisma.sql`f."resolvedScanId" IS NULL AND f."suppressedBy" IS NOT NULL`);
  else if (filters.status === "resolved") parts.push(Prisma.sql`f."resolvedScanId" IS NOT NULL`);
  else if (filters.status === "new") {
    const scanId = await newFindingsScanId(db, org.id);
    parts.push(Prisma.sql`f."resolvedScanId" IS NULL AND f."suppressedBy" IS NULL AND f."firstSeenScanId" = ${scanId ?? -1}`);
  }
  if (filters.since !== undefined) parts.push(Prisma.sql`f."firstSeenScanId" > ${filters.since}`);
  if (filters.rule) parts.push(Prisma.sql`f."ruleId" = ${filters.rule}`);
  if (filters.severity) parts.push(Prisma.sql`f."severityRank" = ${severityRank(filters.severity)}`);
  if (filters.repo) {
    const repo = await db.repo.findUnique({ where: { orgId_name: { orgId: org.id, name: filters.repo } }, select: { id: true } });
    parts.push(Prisma.sql`f."repoId" = ${repo?.id ?? -1}`);
  }
  if (filters.team) parts.push(teamWhere(filters.team));
  if (filters.q) {
    const like = `%${escapeLike(filters.q)}%`;
    // LIKE folds ASCII case on SQLite; PostgreSQL's needs ILIKE for the same answer
    const op = likeInsensitive(db);
    parts.push(Prisma.sql`(f."message" ${op} ${like} ESCAPE '\\' OR f."ref" ${op} ${like} ESCAPE '\\' OR f."path" ${op} ${like} ESCAPE '\\' OR f."ruleId" ${op} ${like} ESCAPE '\\' OR r."name" ${op} ${like} ESCAPE '\\')`);
  }
  return { where: Prisma.join(parts, " AND "), joinRepo: Boolean(filters.team || filters.q || sortNeedsRepo(filters.sort)) };
}

type FindingWithRepo = Prisma.FindingGetPayload<{ include: { repo: { select: { name: true } } } }>;

function parseRelated(json: string): RelatedLocation[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? (v as RelatedLocation[]) : [];
  } catch {
    return [];
  }
}

export async function toRows(db: Db, orgId: number, found: FindingWithRepo[]): Promise<FindingRow[]> {
  const newScanId = await newFindingsScanId(db, orgId);
  const scanIds = [...new Set(found.map((f) => f.firstSeenScanId))];
  const scans = (await Promise.all(chunks(scanIds).map((ids) => db.scan.findMany({ where: { id: { in: ids } }, select: { id: true, startedAt: true } })))).flat();
  const startedAt = new Map(scans.map((s) => [s.id, s.startedAt.toISOString()]));
  return found.map((f) => ({
    id: f.id,
    fingerprint: f.fingerprint,
    sarifFingerprint: sarifFingerprint({ ruleId: f.ruleId, path: f.path, ref: f.ref, key: f.locationKey ?? "" }),
    ruleId: f.ruleId,
    severity: f.severity,
    confidence: f.confidence,
    repo: f.repo?.name ?? null,
    path: f.path,
    line: f.line,
    column: f.column,
    ref: f.ref,
    message: f.message,
    fixDescription: f.fixDescription,
    fixDiff: f.fixDiff,
    related: parseRelated(f.related),
    firstSeenScanId: f.firstSeenScanId,
    firstSeenAt: startedAt.get(f.firstSeenScanId) ?? null,
    resolvedScanId: f.resolvedScanId,
    isNew: f.resolvedScanId === null && newScanId !== null && f.firstSeenScanId === newScanId,
    suppression: f.suppressedBy
      ? { kind: f.suppressedBy, reason: f.suppressionReason ?? "", at: f.suppressedAt, until: f.suppressedUntil?.toISOString() ?? null }
      : null,
  }));
}

/**
 * One page of findings. Filtering, sorting (severity by rank, not alphabetically) and paging run in the
 * database: a page after a cursor is an index range in the default order (finding-page.ts); only the
 * page's rows are loaded in full. The total is a count over the same index prefix.
 */
export async function listFindings(db: Db, org: OrgRef, filters: FindingFilters): Promise<FindingPage> {
  const { where, joinRepo } = await whereClause(db, org, filters);
  const from = Prisma.sql`FROM "Finding" f ${joinRepo ? Prisma.sql`LEFT JOIN "Repo" r ON r."id" = f."repoId"` : Prisma.empty}`;
  const { sort, dir, pageSize } = filters;
  const after = filters.after ? decodeCursor(filters.after, sort, dir) : null;
  const before = !after && filters.before ? decodeCursor(filters.before, sort, dir) : null;
  // the open and new views pin resolvedScanId and suppressedBy to NULL (whereClause): see keyOrder
  const pinnedOpen = filters.status === "open" || filters.status === "new";
  // one row more than the page says whether there is a page beyond it; `total` rides along as a window
  // where the query reads every matching row anyway (a search), instead of a second pass to count
  const keysOf = (range: Prisma.Sql, offset: number, backwards: boolean, withTotal: boolean) => db.$queryRaw<Array<Record<string, unknown>>>(Prisma.sql`
    SELECT f."id" AS id, ${keyColumns(sort)}${withTotal ? Prisma.sql`, COUNT(*) OVER () AS "total"` : Prisma.empty} ${from}
    WHERE ${where}${range} ${keyOrder(sort, dir, backwards, pinnedOpen)} LIMIT ${pageSize + 1} OFFSET ${offset}`);
  const countAll = async () => Number((await db.$queryRaw<Array<{ n: number | bigint }>>(Prisma.sql`SELECT COUNT(*) AS n ${from} WHERE ${where}`))[0]?.n ?? 0);
  let keyRows: Array<Record<string, unknown>> = [];
  let total: number | null = null;
  if (filters.q && !after && !before) {
    keyRows = await keysOf(Prisma.empty, (filters.page - 1) * pageSize, false, true);
    if (keyRows.length > 0) total = Number(keyRows[0].total);
  }
  total ??= await countAll();
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  // an offset page past the end shows the last one; a cursor's page keeps the number its link shows
  const page = Math.min(filters.page, pageCount);
  if (before) keyRows = (await keysOf(Prisma.sql` AND ${keyRange(sort, dir, before, true)}`, 0, true, false)).reverse();
  else if (after) keyRows = await keysOf(Prisma.sql` AND ${keyRange(sort, dir, after)}`, 0, false, false);
  else if (keyRows.length === 0 || page !== filters.page) keyRows = await keysOf(Prisma.empty, (page - 1) * pageSize, false, false);
  const more = keyRows.length > pageSize;
  const pageRows = before ? keyRows.slice(more ? 1 : 0) : keyRows.slice(0, pageSize);
  const first = pageRows[0];
  const last = pageRows[pageRows.length - 1];
  const hasNext = before ? true : more;
  const hasPrev = before ? more : Boolean(after) || page > 1;
  const ids = pageRows.map((r) => Number(r.id));
  // an export asks for up to 50,000 rows: chunked below SQLite's bound-parameter limit
  const found = (await Promise.all(chunks(ids).map((part) => db.finding.findMany({ where: { id: { in: part } }, include: { repo: { select: { name: true } } } })))).flat();
  const byId = new Map(found.map((f) => [f.id, f]));
  const ordered = ids.map((id) => byId.get(id)).filter((f): f is FindingWithRepo => f !== undefined);
  return {
    rows: await toRows(db, org.id, ordered), total, page, pageSize, pageCount,
    nextCursor: hasNext && last ? encodeCursor(sort, dir, last) : null,
    prevCursor: hasPrev && first ? encodeCursor(sort, dir, first) : null,
  };
}

/** Every finding matching the filters (no paging), for downloads; capped so an export stays bounded. */
export async function exportFindings(db: Db, org: OrgRef, filters: FindingFilters, limit = 50_000): Promise<FindingRow[]> {
  const all = await listFindings(db, org, { ...filters, page: 1, pageSize: limit });
  return all.rows;
}

export interface FindingFacets {
  rules: Array<{ value: string; count: number }>;
  repos: Array<{ value: string; count: number }>;
  severities: Array<{ value: string; count: number }>;
  /** owner teams (NO_TEAM for none), each with where the team comes from in its repositories */
  teams: Array<{ value: string; count: number; sources: string[] }>;
}

/**
 * Values for the filter menus, counted over open findings: each count reads the open-findings index
 * alone (it holds rule, severity rank and repository), never the rows.
 */
export async function findingFacets(db: Db, org: OrgRef): Promise<FindingFacets> {
  const counts = await openCounts(db, org.id);
  const repoIds = [...counts.byRepo.keys()].filter((x): x is number => x !== null);
  const repoNames = (await Promise.all(chunks(repoIds).map((ids) => db.repo.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })))).flat();
  const nameOf = new Map(repoNames.map((r) => [r.id, r.name]));
  return {
    teams: await teamFacets(db, org.id, [...counts.byRepo].map(([repoId, count]) => ({ repoId, count }))),
    rules: [...counts.byRule].map(([value, count]) => ({ value, count })).sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0)),
    severities: [...counts.byRank].sort((a, b) => a[0] - b[0]).map(([rank, count]) => ({ value: SEVERITIES[rank] ?? "note", count })),
    repos: [...counts.byRepo]
      .filter(([id]) => id !== null && nameOf.has(id))
      .map(([id, count]) => ({ value: nameOf.get(id as number) as string, count }))
      .sort((a, b) => a.value.localeCompare(b.value)),
  };
}

/** Counts per owner team, from counts per repository (null: no repository), with each team's sources. */
export async function teamFacets(db: Db, orgId: number, perRepo: Array<{ repoId: number | null; count: number }>): Promise<FindingFacets["teams"]> {
  const repos = await db.repo.findMany({ where: { orgId }, select: { id: true, team: true, teamSource: true } });
  const byId = new Map(repos.map((r) => [r.id, r]));
  const teams = new Map<string, { count: number; sources: Set<string> }>();
  const add = (team: string, count: number, source: string | null) => {
    const t = teams.get(team) ?? { count: 0, sources: new Set<string>() };
    t.count += count;
    if (source) t.sources.add(source.replace(/ \(.*\)$/, ""));
    teams.set(team, t);
  };
  // every team of the org is a choice, with what it has open (often nothing)
  for (const r of repos) if (r.team) add(r.team, 0, r.teamSource);
  for (const { repoId, count } of perRepo) {
    const repo = repoId === null ? undefined : byId.get(repoId);
    add(repo?.team ?? NO_TEAM, count, repo?.team ? repo.teamSource : null);
  }
  return [...teams].map(([value, t]) => ({ value, count: t.count, sources: [...t.sources].sort() }))
    .sort((a, b) => (a.value === NO_TEAM ? 1 : b.value === NO_TEAM ? -1 : a.value.localeCompare(b.value)));
}
