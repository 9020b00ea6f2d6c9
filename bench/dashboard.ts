/**
 * Dashboard: the org report over many stored findings (`--findings`, of which `--open` are open; the rest
 * resolved). Times what the report page loads (components/report/org-report.tsx: summary, active scan,
 * one page of findings, facets), filtered pages (a repository; a rule and a severity; a search), and the
 * GET /api/findings route handler end to end (JSON serialization included). The database is a temp
 * SQLite file unless `--database-url` names another or `--database postgres` starts a throwaway PostgreSQL
 * (bench/run.ts; either goes through createDb/ensureDatabase).
 */
import path from "node:path";
import { createDb } from "../lib/server/db";
import { type Provider, providerOf } from "../lib/server/dialect";
import { ensureDatabase } from "../lib/server/migrate";
import { findingFiltersSchema } from "../lib/server/queries/finding-filters";
import { findingFacets, listFindings } from "../lib/server/queries/findings";
import { activeScan } from "../lib/server/queries/scans";
import { reportSummary } from "../lib/server/queries/summary";
import { median, round1 } from "./measure";
import { seedFindings } from "./seed-findings";

export interface DashboardRun {
  /** which database the findings were stored in */
  database: Provider;
  findings: number;
  open: number;
  repos: number;
  runs: number;
  seedMs: number;
  firstPageMs: number;
  /** rule + search text + sort by repository, page 2 (the "filtered page") */
  filteredPageMs: number;
  repoPageMs?: number;
  ruleSeverityPageMs?: number;
  /** the next page after the first (a cursor) */
  nextPageMs?: number;
  apiFirstPageMs: number | null;
  apiFilteredPageMs: number | null;
  apiRepoPageMs?: number | null;
  apiError?: string;
  filteredTotal: number;
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

const FILTERED = { rule: "cache-overwrites-image-tag", q: "service-01", sort: "repo", page: "2" };
const REPO = { repo: "service-0007" };
const RULE_SEVERITY = { rule: "gha-cache-scope-shared", severity: "warning" };

export async function benchDashboard(opts: { tmp: string; findings?: number; open?: number; repos?: number; runs?: number; databaseUrl?: string }): Promise<DashboardRun> {
  const findings = opts.findings ?? 10_000;
  const open = opts.open ?? Math.max(1, Math.round(findings / 10));
  const repos = opts.repos ?? 500;
  const runs = opts.runs ?? 15;
  const url = opts.databaseUrl ?? `file:${path.join(opts.tmp, "dashboard.db")}`;
  await ensureDatabase(url);
  const db = createDb(url);
  try {
    const t0 = performance.now();
    const org = await seedFindings(db, { findings, open, repos, sqlite: url.startsWith("file:") });
    const seedMs = Math.round(performance.now() - t0);
    console.log(`seeded ${findings} findings (${open} open) in ${(seedMs / 1000).toFixed(1)} s`);
    const f = (raw: Record<string, string>) => findingFiltersSchema.parse(raw);
    const page = (raw: Record<string, string>) => Promise.all([listFindings(db, org, f(raw)), findingFacets(db, org)]);
    const firstPageMs = await timeMedian(runs, () => Promise.all([reportSummary(db, org), activeScan(db, org), page({})]));
    const filteredPageMs = await timeMedian(runs, () => page(FILTERED));
    const repoPageMs = await timeMedian(runs, () => page(REPO));
    const ruleSeverityPageMs = await timeMedian(runs, () => page(RULE_SEVERITY));
    const first = await listFindings(db, org, f({}));
    const after = (first as { nextCursor?: string | null }).nextCursor;
    const nextPageMs = after ? await timeMedian(runs, () => page({ after })) : undefined;
    const filteredTotal = (await listFindings(db, org, f(FILTERED))).total;
    const result: DashboardRun = {
      database: providerOf(url), findings, open, repos, runs, seedMs, firstPageMs, filteredPageMs, repoPageMs, ruleSeverityPageMs, nextPageMs,
      apiFirstPageMs: null, apiFilteredPageMs: null, apiRepoPageMs: null, filteredTotal,
    };
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
      result.apiFilteredPageMs = await timeMedian(runs, () => call(`?${new URLSearchParams(FILTERED)}`));
      result.apiRepoPageMs = await timeMedian(runs, () => call(`?${new URLSearchParams(REPO)}`));
    } catch (e) {
      result.apiError = e instanceof Error ? e.message : String(e);
    }
    return result;
  } finally {
    await db.$disconnect();
  }
}
