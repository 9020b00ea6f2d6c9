/**
 * Dashboard: the org report with 10,000 findings in the database. Times what the report page loads
 * (components/report/org-report.tsx: summary, active scan, one page of findings, facets), a filtered
 * page, and the GET /api/findings route handler end to end (JSON serialization included).
 */
import path from "node:path";
import { createDb, type Db } from "../lib/server/db";
import { ensureDatabase } from "../lib/server/migrate";
import { findingFiltersSchema } from "../lib/server/queries/finding-filters";
import { findingFacets, listFindings } from "../lib/server/queries/findings";
import { activeScan } from "../lib/server/queries/scans";
import { reportSummary } from "../lib/server/queries/summary";
import { median, round1 } from "./measure";

export interface DashboardRun {
  findings: number;
  repos: number;
  runs: number;
  firstPageMs: number;
  filteredPageMs: number;
  apiFirstPageMs: number | null;
  apiFilteredPageMs: number | null;
  apiError?: string;
  filteredTotal: number;
}

const RULES: Array<[string, string]> = [
  ["cache-overwrites-image-tag", "error"], ["cache-overwrites-other-image", "error"], ["cache-ref-used-as-image", "error"],
  ["registry-tag-holds-cache", "error"], ["gha-cache-scope-shared", "warning"], ["cache-from-never-written", "note"],
];

async function seed(db: Db, findings: number, repos: number): Promise<{ id: number; login: string }> {
  const org = await db.org.create({ data: { login: "acme" } });
  await db.repo.createMany({ data: Array.from({ length: repos }, (_, i) => ({ orgId: org.id, name: `service-${String(i).padStart(4, "0")}`, headSha: `h${i}`, scannedHeadSha: `h${i}` })) });
  const repoRows = await db.repo.findMany({ where: { orgId: org.id }, select: { id: true, name: true }, orderBy: { id: "asc" } });
  const day = 86_400_000;
  const s1 = await db.scan.create({ data: { orgId: org.id, trigger: "bench", status: "succeeded", phase: "done", startedAt: new Date(Date.now() - day), finishedAt: new Date(Date.now() - day + 9000), reposTotal: repos, reposDone: repos } });
  const s2 = await db.scan.create({ data: { orgId: org.id, trigger: "bench", status: "succeeded", phase: "done", reposTotal: repos, reposDone: repos, finishedAt: new Date() } });
  const rows = Array.from({ length: findings }, (_, i) => {
    const [ruleId, severity] = RULES[i % RULES.length];
    const repo = repoRows[(i * 7) % repoRows.length];
    const ref = `ghcr.io/acme/${repo.name}:${["test", "latest", "main", "cache"][i % 4]}`;
    return {
      orgId: org.id, repoId: repo.id, fingerprint: `bench-${i}`, ruleId, severity, confidence: ["high", "medium", "low"][i % 3],
      path: `.github/workflows/${["ci", "docker", "release", "publish"][i % 4]}.yml`, line: 10 + (i % 40), column: 11, ref,
      message: `The build pushes ${ref} and exports its registry cache to the same tag: the cache manifest replaces the image.`,
      fixDescription: "Export the cache to its own tag.", fixDiff: `--- a/x\n+++ b/x\n@@ -1 +1 @@\n-${ref}\n+${ref}-cache\n`,
      related: "[]", firstSeenScanId: i % 10 === 0 ? s2.id : s1.id, lastSeenScanId: s2.id, resolvedScanId: i % 13 === 0 ? s2.id : null,
    };
  });
  for (let i = 0; i < rows.length; i += 500) await db.finding.createMany({ data: rows.slice(i, i + 500) });
  return { id: org.id, login: org.login };
}

async function timeMedian(runs: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 2; i++) await fn(); // warm: statement cache, JIT
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return round1(median(times));
}

export async function benchDashboard(opts: { tmp: string; findings?: number; repos?: number; runs?: number }): Promise<DashboardRun> {
  const findings = opts.findings ?? 10_000;
  const repos = opts.repos ?? 500;
  const runs = opts.runs ?? 15;
  const url = `file:${path.join(opts.tmp, "dashboard.db")}`;
  await ensureDatabase(url);
  const db = createDb(url);
  try {
    const org = await seed(db, findings, repos);
    const defaults = findingFiltersSchema.parse({});
    const filtered = findingFiltersSchema.parse({ rule: "cache-overwrites-image-tag", q: "service-01", sort: "repo", page: "2" });
    const firstPageMs = await timeMedian(runs, () =>
      Promise.all([reportSummary(db, org), activeScan(db, org), listFindings(db, org, defaults), findingFacets(db, org)]));
    const filteredPageMs = await timeMedian(runs, () => Promise.all([listFindings(db, org, filtered), findingFacets(db, org)]));
    const filteredTotal = (await listFindings(db, org, filtered)).total;
    const result: DashboardRun = { findings, repos, runs, firstPageMs, filteredPageMs, apiFirstPageMs: null, apiFilteredPageMs: null, filteredTotal };
    try {
      // the route handler reads the database through getDb(), i.e. DATABASE_URL
      process.env.DATABASE_URL = url;
      const { NextRequest } = await import("next/server");
      const { GET } = await import("../app/api/findings/route");
      const call = async (qs: string) => {
        const res = await GET(new NextRequest(`http://localhost/api/findings${qs}`));
        if (res.status !== 200) throw new Error(`GET /api/findings${qs}: ${res.status} ${await res.text()}`);
        await res.text();
      };
      result.apiFirstPageMs = await timeMedian(runs, () => call(""));
      result.apiFilteredPageMs = await timeMedian(runs, () => call("?rule=cache-overwrites-image-tag&q=service-01&sort=repo&page=2"));
    } catch (e) {
      result.apiError = e instanceof Error ? e.message : String(e);
    }
    return result;
  } finally {
    await db.$disconnect();
  }
}
