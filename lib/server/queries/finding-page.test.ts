import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../db";
import { ensureDatabase } from "../migrate";
import { findingFiltersSchema } from "./finding-filters";
import { severityRank } from "./finding-options";
import { type FindingPage, listFindings } from "./findings";
import type { OrgRef } from "./org";

const dir = mkdtempSync(path.join(tmpdir(), "cg-keyset-"));
let db: Db;
let org: OrgRef;
const RULES = ["cache-overwrites-image-tag", "gha-cache-scope-shared", "cache-from-never-written"];
const SEVERITY = ["error", "warning", "note"];

beforeAll(async () => {
  const url = `file:${path.join(dir, "k.db")}`;
  await ensureDatabase(url);
  db = createDb(url);
  const o = await db.org.create({ data: { login: "acme" } });
  org = { id: o.id, login: o.login };
  await db.repo.createMany({ data: ["api", "web", "docs"].map((name) => ({ orgId: o.id, name })) });
  const repos = await db.repo.findMany({ orderBy: { id: "asc" } });
  const scan = await db.scan.create({ data: { orgId: o.id, trigger: "test", status: "succeeded" } });
  // many ties: three severities, two refs, two paths, two lines, a third with no repository; some resolved
  await db.finding.createMany({
    data: Array.from({ length: 150 }, (_, i) => ({
      orgId: o.id, repoId: i % 3 === 2 ? null : repos[i % 2].id, fingerprint: `fp${i}`, ruleId: RULES[i % 3], severity: SEVERITY[(i >> 1) % 3],
      severityRank: severityRank(SEVERITY[(i >> 1) % 3]), confidence: ["high", "low"][i % 2], path: `.github/workflows/${i % 4 < 2 ? "a" : "b"}.yml`,
      line: 1 + (i % 5 < 3 ? 0 : 1), column: 1, ref: `ghcr.io/acme/app:${i % 7 < 4 ? "test" : "latest"}`, message: "m",
      firstSeenScanId: scan.id, lastSeenScanId: scan.id, resolvedScanId: i % 10 === 9 ? scan.id : null,
    })),
  });
});

afterAll(async () => {
  await db?.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

const filters = (raw: Record<string, string>) => findingFiltersSchema.parse(raw);

/** Every page from the first, following "Next" (nextCursor), as the table does. */
async function walk(raw: Record<string, string>): Promise<FindingPage[]> {
  const pages = [await listFindings(db, org, filters(raw))];
  while (pages.at(-1)!.nextCursor) {
    const last = pages.at(-1)!;
    pages.push(await listFindings(db, org, filters({ ...raw, after: last.nextCursor!, page: String(last.page + 1) })));
    expect(pages.length).toBeLessThan(100);
  }
  return pages;
}

/** The ids one offset page of everything gives, in order: what the keyset pages must add up to. */
async function allAtOnce(raw: Record<string, string>): Promise<number[]> {
  return (await listFindings(db, org, filters({ ...raw, pageSize: "500" }))).rows.map((r) => r.id);
}

describe("keyset pages of the findings table", () => {
  it("walk every open finding once, in the default order (errors first), across ties", async () => {
    const pages = await walk({ pageSize: "7" });
    const ids = pages.flatMap((p) => p.rows.map((r) => r.id));
    const open = await db.finding.count({ where: { orgId: org.id, resolvedScanId: null, suppressedBy: null } });
    expect(ids).toHaveLength(open);
    expect(new Set(ids).size).toBe(open);
    expect(ids).toEqual(await allAtOnce({}));
    const ranks = pages.flatMap((p) => p.rows.map((r) => severityRank(r.severity)));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    // each page says what the table shows: its number, the same total, and no "Next" on the last
    expect(pages.map((p) => p.page)).toEqual(pages.map((_, i) => i + 1));
    expect(pages.every((p) => p.total === open)).toBe(true);
    expect(pages.at(-1)!.nextCursor).toBeNull();
    expect(pages[0].prevCursor).toBeNull();
  });

  it("go back with Previous to exactly the pages seen going forward", async () => {
    const pages = await walk({ pageSize: "9", sort: "repo", dir: "desc" });
    let back = pages.at(-1)!;
    for (let i = pages.length - 2; i >= 0; i--) {
      back = await listFindings(db, org, filters({ pageSize: "9", sort: "repo", dir: "desc", before: back.prevCursor!, page: String(i + 1) }));
      expect(back.rows.map((r) => r.id)).toEqual(pages[i].rows.map((r) => r.id));
    }
    expect(back.prevCursor).toBeNull();
  });

  it("keep the filters on every page, in every sort", async () => {
    for (const sort of ["severity", "rule", "repo", "path", "confidence", "ref", "firstSeen"]) {
      for (const dir of ["asc", "desc"]) {
        const raw = { pageSize: "4", sort, dir, rule: RULES[0], status: "all" };
        const ids = (await walk(raw)).flatMap((p) => p.rows.map((r) => r.id));
        expect(ids, `${sort} ${dir}`).toEqual(await allAtOnce(raw));
        const matching = await db.finding.count({ where: { orgId: org.id, ruleId: RULES[0] } });
        expect(new Set(ids).size, `${sort} ${dir}`).toBe(matching);
      }
    }
    // a search counts in the same pass as its page; a page past the end of it shows the last one
    const search = await walk({ pageSize: "4", q: "latest", sort: "repo" });
    const found = search.flatMap((p) => p.rows);
    expect(found.map((r) => r.id)).toEqual(await allAtOnce({ q: "latest", sort: "repo" }));
    expect(found.every((r) => r.ref.endsWith(":latest"))).toBe(true);
    expect(search.every((p) => p.total === found.length)).toBe(true);
    const past = await listFindings(db, org, filters({ pageSize: "4", q: "latest", page: "999" }));
    expect([past.page, past.rows.length > 0]).toEqual([search.length, true]);
    const web = (await walk({ pageSize: "5", repo: "web", severity: "warning" })).flatMap((p) => p.rows);
    expect(web.length).toBeGreaterThan(0);
    expect(web.every((r) => r.repo === "web" && r.severity === "warning" && r.resolvedScanId === null)).toBe(true);
  });

  it("starts at the first page when a link's cursor was made for another sort", async () => {
    const first = await listFindings(db, org, filters({ pageSize: "5" }));
    const other = await listFindings(db, org, filters({ pageSize: "5", sort: "path", after: first.nextCursor! }));
    expect(other.rows.map((r) => r.id)).toEqual((await listFindings(db, org, filters({ pageSize: "5", sort: "path" }))).rows.map((r) => r.id));
  });
});
