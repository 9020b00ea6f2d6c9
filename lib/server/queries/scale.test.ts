import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../db";
import { ensureDatabase } from "../migrate";
import { freshPostgresUrl, testingOnPostgres } from "@/tests/postgres-test-db";
import { findingFiltersSchema } from "./finding-filters";
import { exportFindings, findingFacets } from "./findings";
import type { OrgRef } from "./org";
import { getPackage } from "./package-detail";

// more rows than SQLite's bound-parameter limit (~999) in every list these queries pass to `in`
const N = 2000;
const dir = mkdtempSync(path.join(tmpdir(), "cg-queries-scale-"));
let db: Db;
let org: OrgRef;

beforeAll(async () => {
  // the PostgreSQL run (`npm run test:postgres`) hands out a migrated database instead of the file
  const url = testingOnPostgres() ? await freshPostgresUrl() : `file:${path.join(dir, "q.db")}`;
  await ensureDatabase(url);
  db = createDb(url);
  const o = await db.org.create({ data: { login: "acme" } });
  org = { id: o.id, login: o.login };
  const pkg = await db.package.create({ data: { orgId: o.id, name: "big" } });
  await db.packageTag.createMany({ data: Array.from({ length: N }, (_, i) => ({ packageId: pkg.id, tag: `t${i}`, digest: "sha256:x", kind: "cache" })) });
  await db.repo.createMany({ data: Array.from({ length: N }, (_, i) => ({ orgId: o.id, name: `r${i}`, defaultBranch: "main" })) });
  const repos = await db.repo.findMany({ where: { orgId: o.id }, orderBy: { id: "asc" } });
  const scan = await db.scan.create({ data: { orgId: o.id, trigger: "test", status: "succeeded" } });
  await db.finding.createMany({
    data: Array.from({ length: N }, (_, i) => ({
      orgId: o.id, repoId: repos[i].id, fingerprint: `f${i}`, ruleId: "registry-tag-holds-cache", severity: "warning", severityRank: 1, confidence: "high",
      path: ".github/workflows/ci.yml", line: 1, column: 1, ref: `ghcr.io/acme/big:t${i}`, message: "m", firstSeenScanId: scan.id, lastSeenScanId: scan.id,
    })),
  });
});

afterAll(async () => {
  await db?.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe("dashboard queries at org scale", () => {
  it("shows a package with 2,000 tags, each with its open finding", async () => {
    const d = await getPackage(db, org, "big");
    expect(d?.tags).toHaveLength(N);
    expect(d?.tags.every((t) => t.findings.length === 1)).toBe(true);
  });

  it("exports 2,000 findings and lists 2,000 repos in the filter menu", async () => {
    const rows = await exportFindings(db, org, findingFiltersSchema.parse({}));
    expect(rows).toHaveLength(N);
    expect((await findingFacets(db, org)).repos).toHaveLength(N);
  });
});
