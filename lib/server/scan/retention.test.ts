import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/server/db";
import { readEnv } from "@/lib/server/env";
import { pruneResolvedFindings } from "@/lib/server/scan/retention";
import { freshDbUrl } from "../../../tests/scan-helpers";

const day = 86_400_000;
let dir: string;
let db: Db;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "cg-retention-"));
  db = createDb(await freshDbUrl(dir));
});
afterEach(async () => {
  await db.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

/** An org with findings of every kind, 120 and 10 days old: open, suppressed, resolved. */
async function history() {
  const org = await db.org.create({ data: { login: "acme" } });
  const scan = (daysAgo: number) => db.scan.create({ data: { orgId: org.id, trigger: "test", status: "succeeded", startedAt: new Date(Date.now() - daysAgo * day) } });
  const old = await scan(120);
  const recent = await scan(10);
  const base = { orgId: org.id, ruleId: "cache-overwrites-image-tag", severity: "error", severityRank: 0, confidence: "high", path: "p", line: 1, column: 1, ref: "r", message: "m" };
  const rows = {
    openOld: { ...base, fingerprint: "open-old", firstSeenScanId: old.id, lastSeenScanId: old.id },
    suppressedOld: { ...base, fingerprint: "suppressed-old", firstSeenScanId: old.id, lastSeenScanId: old.id, suppressedBy: "inline" },
    resolvedLongAgo: { ...base, fingerprint: "resolved-long-ago", firstSeenScanId: old.id, lastSeenScanId: old.id, resolvedScanId: old.id },
    resolvedLately: { ...base, fingerprint: "resolved-lately", firstSeenScanId: old.id, lastSeenScanId: old.id, resolvedScanId: recent.id },
  };
  await db.finding.createMany({ data: Object.values(rows) });
  // a problem whose primary finding retention deletes keeps its row (the link is cleared)
  const primary = await db.finding.findFirstOrThrow({ where: { fingerprint: "resolved-long-ago" } });
  await db.problem.create({ data: { orgId: org.id, key: "k", ref: "r", path: "p", ruleId: base.ruleId, title: "t", severity: "error", rank: 0, why: "w",
    primaryFindingId: primary.id, firstSeenScanId: old.id, lastSeenScanId: old.id, resolvedScanId: old.id } });
  return org;
}

const left = async () => (await db.finding.findMany({ orderBy: { fingerprint: "asc" } })).map((f) => f.fingerprint);

describe("retention of resolved findings", () => {
  it("deletes only findings resolved longer ago than the retention, never open or suppressed ones", async () => {
    const org = await history();
    expect(await pruneResolvedFindings(db, org.id, 90)).toBe(1);
    expect(await left()).toEqual(["open-old", "resolved-lately", "suppressed-old"]);
    expect((await db.problem.findFirstOrThrow({ where: { key: "k" } })).primaryFindingId).toBeNull();
    // a shorter retention reaches the one resolved 10 days ago too; open and suppressed ones stay
    expect(await pruneResolvedFindings(db, org.id, 7)).toBe(1);
    expect(await left()).toEqual(["open-old", "suppressed-old"]);
  });

  it("keeps everything with 0 (keep forever), and leaves other orgs alone", async () => {
    const org = await history();
    expect(await pruneResolvedFindings(db, org.id, 0)).toBe(0);
    expect(await left()).toHaveLength(4);
    expect(await pruneResolvedFindings(db, org.id + 1, 1)).toBe(0);
    expect(await left()).toHaveLength(4);
  });

  it("reads CACHEGUARD_RETENTION_DAYS: 90 by default, 0 allowed, anything else not a day count refused", () => {
    const days = (v?: string) => readEnv({ NODE_ENV: "test", ...(v === undefined ? {} : { CACHEGUARD_RETENTION_DAYS: v }) }).CACHEGUARD_RETENTION_DAYS;
    expect(days()).toBe(90);
    expect(days("0")).toBe(0);
    expect(days("")).toBe(90);
    expect(() => days("-1")).toThrow(/CACHEGUARD_RETENTION_DAYS/);
    expect(() => days("two weeks")).toThrow(/CACHEGUARD_RETENTION_DAYS/);
  });
});
