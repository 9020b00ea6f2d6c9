import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../db";
import { ensureDatabase } from "../migrate";
import { freshPostgresUrl, testingOnPostgres } from "@/tests/postgres-test-db";
import { seed } from "./dev-seed";
import { NO_TEAM, findingFiltersSchema } from "./finding-filters";
import { listFindings } from "./findings";
import type { OrgRef } from "./org";
import { median, problemTrend } from "./problem-trend";
import { listProblems, problemFacets } from "./problems";
import { getRepo } from "./repos";
import { persistProblems } from "../scan/problems";
import { reportSummary } from "./summary";

const file = path.join(tmpdir(), `cg-problems-${process.pid}-${Date.now()}.db`);
let db: Db;
let org: OrgRef;
const filters = (raw: Record<string, string> = {}) => findingFiltersSchema.parse(raw);

beforeAll(async () => {
  // the PostgreSQL run (`npm run test:postgres`) hands out a migrated database instead of the file
  const dbUrl = testingOnPostgres() ? await freshPostgresUrl() : `file:${file}`;
  await ensureDatabase(dbUrl);
  db = createDb(dbUrl);
  await seed(db);
  const o = await db.org.findUniqueOrThrow({ where: { login: "acme" } });
  org = { id: o.id, login: o.login };
});

afterAll(async () => {
  await db?.$disconnect();
  for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
});

describe("the problems table", () => {
  it("lists one row per problem, confirmed first, with its findings and evidence", async () => {
    const page = await listProblems(db, org, filters());
    expect(page.total).toBe(3);
    expect(page.rows.map((p) => [p.repo, p.ref, p.rankLabel])).toEqual([
      ["api", "ghcr.io/acme/api:test", "confirmed"],
      ["web", "ghcr.io/acme/base:buildcache", "confirmed"],
      ["web", "gha:buildkit", "warning"],
    ]);
    const api = page.rows[0];
    // the cache export first: its code view and fix are the problem's
    expect(api.findings.map((f) => f.fingerprint)).toEqual(["fp-api-test", "fp-api-live"]);
    expect(api.primaryId).toBe(api.findings[0].id);
    expect(api.evidence.registry).toEqual([{ ref: "ghcr.io/acme/api:test", kind: "cache", digest: `sha256:${"2".padStart(64, "0")}`, reason: "config mediaType application/vnd.buildkit.cacheconfig.v0" }]);
    expect(api.evidence.workflow.map((w) => `${w.path}:${w.line} ${w.ruleId}`)).toEqual([
      ".github/workflows/ci.yml:23 cache-overwrites-image-tag", ".github/workflows/ci.yml:21 registry-tag-holds-cache",
    ]);
    expect(api).toMatchObject({ team: "core-api", teamSource: "custom property team" });
    // the findings table is unchanged: four open findings
    expect((await listFindings(db, org, filters())).total).toBe(4);
  });

  it("filters by team (and no team), rule, repository and status", async () => {
    expect((await listProblems(db, org, filters({ team: "web" }))).rows.map((p) => p.ref)).toEqual(["ghcr.io/acme/base:buildcache", "gha:buildkit"]);
    expect((await listProblems(db, org, filters({ team: NO_TEAM }))).total).toBe(0);
    // a rule matches the problems that have a finding of it
    expect((await listProblems(db, org, filters({ rule: "registry-tag-holds-cache" }))).rows.map((p) => p.repo)).toEqual(["api"]);
    expect((await listProblems(db, org, filters({ repo: "web", severity: "warning" }))).rows.map((p) => p.ref)).toEqual(["gha:buildkit"]);
    expect((await listProblems(db, org, filters({ q: "BUILDCACHE" }))).rows.map((p) => p.ref)).toEqual(["ghcr.io/acme/base:buildcache"]);
    // the team filter works on the findings table too
    expect((await listFindings(db, org, filters({ team: "core-api" }))).rows.map((f) => f.fingerprint).sort()).toEqual(["fp-api-live", "fp-api-test"]);
  });

  it("an accepted risk takes a problem out of the counts at once, without a rescan", async () => {
    const gha = await db.finding.findFirstOrThrow({ where: { fingerprint: "fp-web-gha" } });
    await db.finding.update({ where: { id: gha.id }, data: { suppressedBy: "accepted", suppressionReason: "own runners", suppressedAt: "demo" } });
    try {
      expect((await listProblems(db, org, filters())).total).toBe(2);
      expect((await listProblems(db, org, filters({ status: "suppressed" }))).rows.map((p) => p.ref)).toEqual(["gha:buildkit"]);
      expect(await reportSummary(db, org)).toMatchObject({ openProblems: 2, problemErrors: 2, problemWarnings: 0 });
    } finally {
      await db.finding.update({ where: { id: gha.id }, data: { suppressedBy: null, suppressionReason: null, suppressedAt: null } });
    }
  });

  it("counts problems in the summary and in the filter menus, teams with their sources", async () => {
    expect(await reportSummary(db, org)).toMatchObject({ openProblems: 3, problemErrors: 2, problemWarnings: 1, problemNotes: 0, openFindings: 4, problemsComputed: true });
    const facets = await problemFacets(db, org);
    expect(facets.teams).toEqual([{ value: "core-api", count: 1, sources: ["custom property team"] }, { value: "web", count: 2, sources: ["topic team-web"] }]);
    expect(facets.rules.find((r) => r.value === "registry-tag-holds-cache")?.count).toBe(1);
    expect(facets.severities).toEqual([{ value: "error", count: 2 }, { value: "warning", count: 1 }]);
  });

  it("the repository page has one card per problem, the other findings inside it", async () => {
    const api = await getRepo(db, org, "api");
    expect(api?.problems).toHaveLength(1);
    expect(api?.problems[0].findings).toHaveLength(2);
    expect(api?.ungrouped).toEqual([]);
    expect((await getRepo(db, org, "web"))?.problems.map((p) => p.ref)).toEqual(["ghcr.io/acme/base:buildcache", "gha:buildkit"]);
  });
});

describe("a job in another repository that runs the broken tag", () => {
  it("is part of the writer's problem: listed on both repository pages, the code and the fix where the writer is", async () => {
    const scan = await db.scan.findFirstOrThrow({ where: { orgId: org.id }, orderBy: { id: "desc" } });
    const e2e = await db.repo.create({ data: { orgId: org.id, name: "e2e", team: "qa", teamSource: "topic team-qa" } });
    await db.finding.create({
      data: {
        orgId: org.id, repoId: e2e.id, fingerprint: "fp-e2e-run", ruleId: "cache-ref-used-as-image", severity: "error", severityRank: 0, confidence: "high",
        path: ".github/workflows/e2e.yml", line: 9, column: 7, ref: "ghcr.io/acme/api:test", message: "runs ghcr.io/acme/api:test", related: "[]",
        firstSeenScanId: scan.id, lastSeenScanId: scan.id,
      },
    });
    await persistProblems(db, org.id, scan.id);
    const here = await getRepo(db, org, "e2e");
    expect(here?.problems).toHaveLength(1);
    expect(here?.problems[0]).toMatchObject({ repo: "api", ref: "ghcr.io/acme/api:test", team: "core-api" });
    const api = (await getRepo(db, org, "api"))!.problems[0];
    expect(api.findings.map((f) => f.fingerprint)).toEqual(["fp-api-test", "fp-e2e-run", "fp-api-live"]);
    expect(api.evidence.consumers).toContainEqual({ repo: "e2e", path: ".github/workflows/e2e.yml", line: 9, kind: "pulled as an image" });
    // still one problem in the report, found by either repository
    expect((await listProblems(db, org, filters({ repo: "e2e" }))).rows.map((p) => p.repo)).toEqual(["api"]);
    expect((await listProblems(db, org, filters())).total).toBe(3);
  });
});

describe("time open", () => {
  it("is the median from opened to fixed, by team, with the problems still open counted apart", async () => {
    const o = await db.org.create({ data: { login: "trend" } });
    const scan = await db.scan.create({ data: { orgId: o.id, trigger: "manual", status: "succeeded" } });
    const a = await db.repo.create({ data: { orgId: o.id, name: "a", team: "alpha" } });
    const b = await db.repo.create({ data: { orgId: o.id, name: "b", team: "beta" } });
    const c = await db.repo.create({ data: { orgId: o.id, name: "c" } });
    const t0 = Date.UTC(2026, 10, 1);
    const h = 3_600_000;
    let n = 0;
    const problem = (repoId: number, openedH: number, fixedH: number | null) => db.problem.create({
      data: {
        orgId: o.id, key: `k${++n}`, repoId, ref: "r", path: "p", ruleId: "x", title: "t", severity: "error", rank: 1, why: "w",
        firstSeenScanId: scan.id, lastSeenScanId: scan.id, openedAt: new Date(t0 + openedH * h),
        ...(fixedH === null ? {} : { resolvedScanId: scan.id, resolvedAt: new Date(t0 + fixedH * h) }),
      },
    });
    await problem(a.id, 0, 1);
    await problem(a.id, 0, 3);
    await problem(b.id, 2, 7);
    const open = await problem(c.id, 0, null);
    await problem(b.id, 0, null); // open, but its only finding is silenced: not counted
    await db.finding.create({
      data: {
        orgId: o.id, repoId: c.id, fingerprint: "f1", ruleId: "x", severity: "error", severityRank: 0, confidence: "high", path: "p", line: 1, column: 1,
        ref: "r", message: "m", firstSeenScanId: scan.id, lastSeenScanId: scan.id, problemId: open.id,
      },
    });
    const trend = await problemTrend(db, { id: o.id, login: o.login });
    expect(trend.all).toEqual({ team: "all", fixed: 3, medianOpenMs: 3 * h, open: 1 });
    expect(trend.byTeam).toEqual([
      { team: "alpha", fixed: 2, medianOpenMs: 2 * h, open: 0 },
      { team: "beta", fixed: 1, medianOpenMs: 5 * h, open: 0 },
      { team: NO_TEAM, fixed: 0, medianOpenMs: null, open: 1 },
    ]);
    expect(median([])).toBeNull();
    expect(median([4, 1, 9])).toBe(4);
  });
});
