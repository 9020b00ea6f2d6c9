/**
 * Seeds an org with many stored findings fast: one INSERT … SELECT per 100,000 rows, the rows made by a
 * recursive CTE in the database (no JS objects, no bound-parameter limit). Portable SQL (SQLite and
 * PostgreSQL): double-quoted identifiers, `||` and CAST, no vendor functions.
 */
import { Prisma } from "@prisma/client";
import type { Db } from "../lib/server/db";

export const BENCH_RULES: Array<[string, string]> = [
  ["cache-overwrites-image-tag", "error"], ["cache-overwrites-other-image", "error"], ["cache-ref-used-as-image", "error"],
  ["registry-tag-holds-cache", "error"], ["gha-cache-scope-shared", "warning"], ["cache-from-never-written", "note"],
];
const RANK: Record<string, number> = { error: 0, warning: 1, note: 2 };

export interface SeededOrg { id: number; login: string; repos: number; scans: { old: number; previous: number; latest: number } }

/**
 * `findings` rows of which `open` are open (spread evenly), the rest resolved: most by a scan
 * `resolvedDaysAgo` days old (what retention deletes), a tenth by the latest scan.
 */
export async function seedFindings(db: Db, opts: { findings: number; open: number; repos: number; resolvedDaysAgo?: number; sqlite: boolean }): Promise<SeededOrg> {
  const { findings, repos } = opts;
  const open = Math.min(opts.open, findings);
  const org = await db.org.create({ data: { login: "acme" } });
  await db.repo.createMany({ data: Array.from({ length: repos }, (_, i) => ({ orgId: org.id, name: `service-${String(i).padStart(4, "0")}`, headSha: `h${i}`, scannedHeadSha: `h${i}` })) });
  const firstRepo = (await db.repo.findFirstOrThrow({ where: { orgId: org.id }, orderBy: { id: "asc" }, select: { id: true } })).id;
  const day = 86_400_000;
  const scan = (daysAgo: number) => db.scan.create({ data: {
    orgId: org.id, trigger: "bench", status: "succeeded", phase: "done", reposTotal: repos, reposDone: repos,
    startedAt: new Date(Date.now() - daysAgo * day), finishedAt: new Date(Date.now() - daysAgo * day + 9000),
  } });
  const old = await scan(opts.resolvedDaysAgo ?? 120);
  const previous = await scan(1);
  const latest = await scan(0);
  // every `step`-th row is open, so open rows spread over rules, repos and severities
  const step = Math.max(1, Math.floor(findings / Math.max(1, open)));
  // the rule cycles with the row and with its place among open rows, so open rows cover every rule
  const k = `(n."i" + n."i" / ${step}) % ${BENCH_RULES.length}`;
  const rule = (col: 0 | 1) => Prisma.raw(`CASE ${k} ${BENCH_RULES.map((r, j) => `WHEN ${j} THEN '${r[col]}'`).join(" ")} END`);
  const rank = Prisma.raw(`CASE ${k} ${BENCH_RULES.map((r, j) => `WHEN ${j} THEN ${RANK[r[1]]}`).join(" ")} END`);
  const int = (v: number) => Prisma.sql`CAST(${v} AS INTEGER)`;
  // the severity rank column, where the schema has it (the baseline run predates it)
  const hasRank = "severityRank" in Prisma.FindingScalarFieldEnum;
  const rankCol = hasRank ? Prisma.sql`, "severityRank"` : Prisma.empty;
  const rankVal = hasRank ? Prisma.sql`, ${rank}` : Prisma.empty;
  // a million rows go in far faster with the Finding indexes built once afterwards (a sort each) than
  // kept up row by row: they are dropped here and made again from their own definitions
  const indexes = await findingIndexes(db, opts.sqlite);
  for (const ix of indexes) await db.$executeRawUnsafe(`DROP INDEX "${ix.name}"`);
  const batch = 100_000;
  for (let start = 0; start < findings; start += batch) {
    const end = Math.min(findings, start + batch) - 1;
    const isOpen = Prisma.raw(`(n."i" % ${step} = 0 AND n."i" / ${step} < ${open})`);
    await db.$executeRaw(Prisma.sql`
      INSERT INTO "Finding" ("orgId", "repoId", "fingerprint", "locationKey", "ruleId", "severity"${rankCol}, "confidence", "path", "line", "column",
        "ref", "message", "fixDescription", "fixDiff", "related", "firstSeenScanId", "lastSeenScanId", "resolvedScanId", "createdAt", "updatedAt")
      WITH RECURSIVE n("i") AS (SELECT ${int(start)} UNION ALL SELECT n."i" + 1 FROM n WHERE n."i" < ${int(end)})
      SELECT ${int(org.id)}, r."id", 'bench-' || CAST(n."i" AS TEXT), 'job:build/step:0/cache', ${rule(0)}, ${rule(1)}${rankVal},
        CASE n."i" % 3 WHEN 0 THEN 'high' WHEN 1 THEN 'medium' ELSE 'low' END,
        CASE n."i" % 4 WHEN 0 THEN '.github/workflows/ci.yml' WHEN 1 THEN '.github/workflows/docker.yml' WHEN 2 THEN '.github/workflows/release.yml' ELSE '.github/workflows/publish.yml' END,
        10 + n."i" % 40, 11,
        'ghcr.io/acme/' || r."name" || ':' || CASE n."i" % 4 WHEN 0 THEN 'test' WHEN 1 THEN 'latest' WHEN 2 THEN 'main' ELSE 'cache' END || '-' || CAST(n."i" % 97 AS TEXT),
        'The build pushes ghcr.io/acme/' || r."name" || ' and exports its registry cache to the same tag: the cache manifest replaces the image.',
        'Export the cache to its own tag.', ${"--- a/x\n+++ b/x\n"}, '[]',
        CASE WHEN (n."i" / ${Prisma.raw(String(step))}) % 10 = 0 THEN s."id" ELSE ${int(previous.id)} END, s."id",
        CASE WHEN ${isOpen} THEN NULL WHEN n."i" % 10 = 1 THEN s."id" ELSE ${int(old.id)} END,
        s."startedAt", s."startedAt"
      FROM n JOIN "Repo" r ON r."id" = ${int(firstRepo)} + (n."i" * 7 + n."i" / ${int(step)}) % ${int(repos)}
      JOIN "Scan" s ON s."id" = ${int(latest.id)}`);
  }
  for (const ix of indexes) await db.$executeRawUnsafe(ix.sql);
  // PostgreSQL: statistics for the planner and a visibility map for index-only scans, as a real server's
  // autovacuum would have made them by now after a million inserts (SQLite plans from its indexes alone:
  // no ANALYZE there, so its numbers stay comparable with earlier runs)
  if (!opts.sqlite) await db.$executeRawUnsafe(`VACUUM ANALYZE "Finding"`);
  return { id: org.id, login: org.login, repos, scans: { old: old.id, previous: previous.id, latest: latest.id } };
}

/** The Finding table's secondary indexes and the statements that make them (SQLite's catalogue, or PostgreSQL's). */
async function findingIndexes(db: Db, sqlite: boolean): Promise<Array<{ name: string; sql: string }>> {
  if (sqlite) {
    return db.$queryRawUnsafe<Array<{ name: string; sql: string }>>(
      `SELECT "name", "sql" FROM "sqlite_master" WHERE "type" = 'index' AND "tbl_name" = 'Finding' AND "sql" IS NOT NULL`);
  }
  return db.$queryRawUnsafe<Array<{ name: string; sql: string }>>(
    // (the catalogue's `name` columns cast to text: the driver adapter reads no `name` type)
    `SELECT CAST("indexname" AS TEXT) AS "name", "indexdef" AS "sql" FROM "pg_indexes" WHERE "tablename" = 'Finding' AND "schemaname" = current_schema() AND "indexname" <> 'Finding_pkey'`);
}
