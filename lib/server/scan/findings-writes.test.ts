import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Finding } from "@/lib/engine/types";
import { createDb, type Db } from "@/lib/server/db";
import { persistFindings } from "@/lib/server/scan/findings";
import { openFindingsOverTime } from "@/lib/server/queries/scans";
import { freshDbUrl } from "../../../tests/scan-helpers";

let dir: string;
let db: Db;
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "cg-writes-"));
  db = createDb(await freshDbUrl(dir));
});
afterEach(async () => {
  await db.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

const found = (i: number, over: Partial<Finding> = {}): Finding => ({
  ruleId: i % 4 === 3 ? "gha-cache-scope-shared" : "cache-overwrites-image-tag", severity: i % 4 === 3 ? "warning" : "error", confidence: "high",
  repo: "acme/app", path: ".github/workflows/ci.yml", line: 10 + i, column: 11, ref: `ghcr.io/acme/app:t${i}`, key: `job:b${i}/step:0`,
  message: `finding ${i}`, fix: { description: "own tag", diff: "--- a\n+++ b\n" }, ...over,
});

async function org() {
  const o = await db.org.create({ data: { login: "acme" } });
  const repo = await db.repo.create({ data: { orgId: o.id, name: "app" } });
  return { orgId: o.id, repoId: repo.id };
}

/** One scan storing `findings`, ended as the scan pipeline ends it (status and open count). */
async function scan(ids: { orgId: number; repoId: number }, findings: Finding[]) {
  const s = await db.scan.create({ data: { orgId: ids.orgId, trigger: "test", status: "running" } });
  const r = await persistFindings(db, {
    orgId: ids.orgId, scanId: s.id, findings, repoIds: new Map([["acme/app", ids.repoId]]), resolvableRepoIds: new Set([ids.repoId]),
    registry: { packagesComplete: true, packages: new Map() },
  });
  await db.scan.update({ where: { id: s.id }, data: { status: "succeeded", finishedAt: new Date(), openCount: r.openCount } });
  return { ...r, scanId: s.id };
}

/** Rows whose updatedAt moved since `t`: what a scan wrote. */
const touchedSince = (t: Date) => db.finding.findMany({ where: { updatedAt: { gt: t } }, select: { fingerprint: true, line: true } });

describe("a rescan writes only what changed", () => {
  it("stores nothing for findings seen again unchanged, and one row for one moved finding", async () => {
    const ids = await org();
    const first = Array.from({ length: 40 }, (_, i) => found(i));
    const one = await scan(ids, first);
    expect(one.written).toEqual({ created: 40, updated: 0, resolved: 0 });

    await new Promise((r) => setTimeout(r, 5)); // updatedAt has millisecond resolution
    const before = new Date();
    const same = await scan(ids, first);
    expect(same.written).toEqual({ created: 0, updated: 0, resolved: 0 });
    expect(same.newCount).toBe(0);
    expect(await touchedSince(before)).toEqual([]);

    const moved = first.map((f, i) => (i === 7 ? { ...f, line: f.line + 3 } : f));
    const next = await scan(ids, moved);
    expect(next.written).toEqual({ created: 0, updated: 1, resolved: 0 });
    expect(await touchedSince(before)).toEqual([{ fingerprint: expect.any(String), line: 20 }]);
    // the report still lists every finding, the moved one at its new line
    expect(await db.finding.count({ where: { resolvedScanId: null } })).toBe(40);
  });

  it("writes a fixed finding once when resolved and once when it comes back; the chart counts each scan's open findings", async () => {
    const ids = await org();
    const all = Array.from({ length: 12 }, (_, i) => found(i));
    await scan(ids, all);
    const fixed = await scan(ids, all.slice(1));
    expect(fixed.written).toEqual({ created: 0, updated: 0, resolved: 1 });
    const back = await scan(ids, all);
    expect(back.written).toEqual({ created: 0, updated: 1, resolved: 0 });
    expect(back.newCount).toBe(1); // a fixed finding that came back is new again
    const series = await openFindingsOverTime(db, { id: ids.orgId, login: "acme" });
    const errors = all.filter((f) => f.severity === "error").length;
    expect(series.map((p) => [p.open, p.errors])).toEqual([[12, errors], [11, errors - 1], [12, errors]]);
  });
});
