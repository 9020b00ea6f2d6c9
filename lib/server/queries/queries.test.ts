import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../db";
import { ensureDatabase } from "../migrate";
import { freshPostgresUrl, testingOnPostgres } from "@/tests/postgres-test-db";
import { seed } from "./dev-seed";
import { findingsToCsv, findingsToSarif } from "./export";
import { findingFiltersSchema, parseFindingFilters } from "./finding-filters";
import { listFindings } from "./findings";
import type { OrgRef } from "./org";
import { getPackage } from "./package-detail";
import { openFindingsOverTime } from "./scans";
import { reportSummary } from "./summary";

const file = path.join(tmpdir(), `cg-queries-${process.pid}-${Date.now()}.db`);
const url = `file:${file}`;
let db: Db;
let org: OrgRef;
const filters = (raw: Record<string, string> = {}) => findingFiltersSchema.parse(raw);

beforeAll(async () => {
  // the PostgreSQL run (`npm run test:postgres`) hands out a migrated database instead of the file
  const dbUrl = testingOnPostgres() ? await freshPostgresUrl() : url;
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

describe("listFindings", () => {
  it("shows open findings by default, errors before warnings (by rank, not alphabetically)", async () => {
    const page = await listFindings(db, org, filters());
    expect(page.total).toBe(4);
    expect(page.rows.every((r) => r.resolvedScanId === null)).toBe(true);
    expect(page.rows.map((r) => r.severity)).toEqual(["error", "error", "error", "warning"]);
    const desc = await listFindings(db, org, filters({ dir: "desc" }));
    expect(desc.rows[0].severity).toBe("warning");
  });

  // on PostgreSQL too: the search takes likeInsensitive (ILIKE there)
  it("free text ignores case", async () => {
    const byText = await listFindings(db, org, filters({ q: "BUILDCACHE" }));
    expect(byText.rows.map((r) => r.ref)).toEqual(["ghcr.io/acme/base:buildcache"]);
  });

  it("filters by rule, repo, free text and status", async () => {
    const byRule = await listFindings(db, org, filters({ rule: "cache-overwrites-image-tag" }));
    expect(byRule.rows.map((r) => r.ref)).toEqual(["ghcr.io/acme/api:test"]);
    const byRepo = await listFindings(db, org, filters({ repo: "web" }));
    expect(new Set(byRepo.rows.map((r) => r.repo))).toEqual(new Set(["web"]));
    const byText = await listFindings(db, org, filters({ q: "buildcache" }));
    expect(byText.rows.map((r) => r.ref)).toEqual(["ghcr.io/acme/base:buildcache"]);
    const resolved = await listFindings(db, org, filters({ status: "resolved" }));
    expect(resolved.rows.map((r) => r.fingerprint)).toEqual(["fp-web-old"]);
    // "new" = first seen in the latest complete scan, when that scan is not the baseline
    const fresh = await listFindings(db, org, filters({ status: "new" }));
    expect(fresh.rows.map((r) => r.fingerprint)).toEqual(["fp-api-live"]);
    expect(fresh.rows[0].isNew).toBe(true);
  });

  it("treats LIKE wildcards in the search text literally", async () => {
    const page = await listFindings(db, org, filters({ q: "%" }));
    expect(page.total).toBe(0);
  });

  it("pages on the server and clamps a page past the end", async () => {
    const p1 = await listFindings(db, org, filters({ pageSize: "3" }));
    const p2 = await listFindings(db, org, filters({ pageSize: "3", page: "2" }));
    expect(p1.pageCount).toBe(2);
    expect(p2.rows).toHaveLength(1);
    expect(p1.rows.map((r) => r.id)).not.toContain(p2.rows[0].id);
    const past = await listFindings(db, org, filters({ pageSize: "3", page: "99" }));
    expect(past.page).toBe(2);
  });
});

describe("filters from the URL", () => {
  it("rejects values outside the schema with the field's name", () => {
    const bad = parseFindingFilters(new URLSearchParams("severity=fatal"));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/severity/);
    const ok = parseFindingFilters({ rule: "", status: "all", page: "2" });
    expect(ok.ok && ok.filters).toMatchObject({ rule: undefined, status: "all", page: 2 });
  });
});

describe("exports", () => {
  it("writes CSV a spreadsheet reads safely, and SARIF 2.1.0", async () => {
    const { rows } = await listFindings(db, org, filters());
    const csv = findingsToCsv([{ ...rows[0], message: 'a, "quoted" message', ref: "=cmd()" }]);
    const [header, line] = csv.split("\r\n");
    expect(header.split(",")[0]).toBe("ruleId");
    expect(line).toContain('"a, ""quoted"" message"');
    expect(line).toContain(`"'=cmd()"`);
    const sarif = findingsToSarif("acme", rows, "http://localhost:3000");
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results).toHaveLength(rows.length);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
  });
});

describe("summary, packages and history", () => {
  it("counts open errors, affected repos and cache tags", async () => {
    const s = await reportSummary(db, org);
    expect(s).toMatchObject({ openErrors: 3, openWarnings: 1, openNotes: 0, reposAffected: 2, cacheTags: 2 });
    expect(s.lastScan?.status).toBe("succeeded");
  });

  it("flags a cache tag that a workflow pushes as an image", async () => {
    const pkg = await getPackage(db, org, "api");
    const test = pkg?.tags.find((t) => t.tag === "test");
    expect(test?.kind).toBe("cache");
    expect(test?.flagged).toBe(true);
    expect(test?.usedBy.some((u) => u.as === "image" && u.repo === "api")).toBe(true);
    expect(pkg?.tags.find((t) => t.tag === "latest")?.flagged).toBe(false);
  });

  it("computes open findings as of each finished scan", async () => {
    const series = await openFindingsOverTime(db, org);
    expect(series.map((p) => p.open)).toEqual([2, 4, 4, 4]);
  });
});
