import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createDb } from "@/lib/server/db";
import { persistFindings } from "@/lib/server/scan/findings";
import { freshDbUrl } from "../../../tests/scan-helpers";

describe("persistFindings at org scale", () => {
  it("resolves 2,000 findings a scan no longer sees (more than SQLite's bound-parameter limit)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cg-findings-"));
    const db = createDb(await freshDbUrl(dir));
    try {
      const org = await db.org.create({ data: { login: "acme" } });
      const repo = await db.repo.create({ data: { orgId: org.id, name: "app", defaultBranch: "main" } });
      const scan = await db.scan.create({ data: { orgId: org.id, trigger: "test", status: "running" } });
      await db.finding.createMany({
        data: Array.from({ length: 2000 }, (_, i) => ({
          orgId: org.id, repoId: repo.id, fingerprint: `fp${i}`, ruleId: "cache-overwrites-image-tag", severity: "error", severityRank: 0,
          confidence: "high", path: ".github/workflows/ci.yml", line: i + 1, column: 1, ref: `ghcr.io/acme/app:t${i}`,
          message: "m", firstSeenScanId: scan.id, lastSeenScanId: scan.id,
        })),
      });
      const next = await db.scan.create({ data: { orgId: org.id, trigger: "test", status: "running" } });
      const r = await persistFindings(db, {
        orgId: org.id, scanId: next.id, findings: [], repoIds: new Map([["acme/app", repo.id]]),
        resolvableRepoIds: new Set([repo.id]), registry: { packagesComplete: true, packages: new Map() },
      });
      expect(r).toMatchObject({ resolvedCount: 2000, openCount: 0 });
      expect(await db.finding.count({ where: { resolvedScanId: next.id } })).toBe(2000);
    } finally {
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
