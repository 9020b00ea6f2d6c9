import { createDb } from "../lib/server/db";
import { reportSummary } from "../lib/server/queries/summary";
const db = createDb("file:/tmp/scale-1m.db");
const org = { id: 1, login: "acme" };
const open = { orgId: 1, resolvedScanId: null, suppressedBy: null };
const q = () => [
  db.finding.groupBy({ by: ["severityRank"], where: open, _count: { _all: true } }),
  db.finding.groupBy({ by: ["repoId"], where: { ...open, repoId: { not: null } } }),
  db.repo.count({ where: { orgId: 1 } }),
  db.scan.findFirst({ where: { orgId: 1 }, orderBy: { id: "desc" } }),
];
for (let r = 0; r < 3; r++) {
  let t = performance.now(); await Promise.all(q()); const par = performance.now() - t;
  t = performance.now(); for (const p of [0, 1, 2, 3]) await q()[p]; const seq = performance.now() - t;
  t = performance.now(); await reportSummary(db, org); const rs = performance.now() - t;
  console.log("parallel", Math.round(par), "sequential-ish", Math.round(seq), "summary", Math.round(rs));
}
