import { createDb } from "../lib/server/db";
import { findingFiltersSchema } from "../lib/server/queries/finding-filters";
import { findingFacets, listFindings } from "../lib/server/queries/findings";
import { currentOrg } from "../lib/server/queries/org";
import { activeScan } from "../lib/server/queries/scans";
import { reportSummary } from "../lib/server/queries/summary";
process.env.DATABASE_URL = "file:/tmp/scale-1m.db";
const db = createDb("file:/tmp/scale-1m.db");
const org = { id: 1, login: "acme" };
const time = async (name: string, fn: () => Promise<unknown>) => {
  await fn(); const ts: number[] = [];
  for (let i = 0; i < 5; i++) { const t = performance.now(); await fn(); ts.push(performance.now() - t); }
  console.log(name.padEnd(30), Math.round(ts.sort((a, b) => a - b)[2]), "ms");
};
const f = findingFiltersSchema.parse({});
await time("currentOrg", () => currentOrg(db));
await time("reportSummary", () => reportSummary(db, org));
await time("activeScan", () => activeScan(db, org));
await time("listFindings", () => listFindings(db, org, f));
await time("facets", () => findingFacets(db, org));
await time("count open", () => db.finding.count({ where: { orgId: 1, resolvedScanId: null, suppressedBy: null } }));
await time("groupBy rule", () => db.finding.groupBy({ by: ["ruleId"], where: { orgId: 1, resolvedScanId: null, suppressedBy: null }, _count: { _all: true } }));
await time("groupBy repo", () => db.finding.groupBy({ by: ["repoId"], where: { orgId: 1, resolvedScanId: null, suppressedBy: null }, _count: { _all: true } }));
await time("groupBy rank", () => db.finding.groupBy({ by: ["severityRank"], where: { orgId: 1, resolvedScanId: null, suppressedBy: null }, _count: { _all: true } }));
await time("problems groupBy", () => db.problem.groupBy({ by: ["severity"], _count: { _all: true }, where: { orgId: 1, resolvedScanId: null, findings: { some: { resolvedScanId: null, suppressedBy: null } } } }));
await time("repo.count", () => db.repo.count({ where: { orgId: 1 } }));
await time("packageTag.count", () => db.packageTag.count({ where: { kind: { in: ["cache", "cache-index"] }, package: { orgId: 1 } } }));

const db2 = createDb("file:/tmp/scale-1m.db");
await time("groupBy repo notnull", () => db2.finding.groupBy({ by: ["repoId"], where: { orgId: 1, resolvedScanId: null, suppressedBy: null, repoId: { not: null } } }));
await time("latestCovered", () => db2.scan.findFirst({ where: { orgId: 1, filesTotal: { not: null } }, orderBy: { id: "desc" } }));
await time("scan.count", () => db2.scan.count({ where: { orgId: 1, problemsOpen: { not: null } } }));
await time("lastScan", () => db2.scan.findFirst({ where: { orgId: 1 }, orderBy: { id: "desc" } }));
await time("repos teams", () => db2.repo.findMany({ where: { orgId: 1 }, select: { id: true, team: true, teamSource: true } }));
await db2.$disconnect();
