/**
 * Suppressed findings in the org scan and the dashboard: an inline ignore and a repository config
 * silence findings at the next scan (stored, listed under "Suppressed", left out of every count);
 * accept-risk needs a reason and a future expiry, is audited, survives rescans, and re-opens the
 * finding when it expires; removing an ignore makes the finding count again.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findingFiltersSchema } from "@/lib/server/queries/finding-filters";
import { findingsToCsv, findingsToSarif } from "@/lib/server/queries/export";
import { exportFindings, listFindings } from "@/lib/server/queries/findings";
import type { OrgRef } from "@/lib/server/queries/org";
import { getRepo, listRepos } from "@/lib/server/queries/repos";
import { reportSummary } from "@/lib/server/queries/summary";
import { runScan, type ScanSummary } from "@/lib/server/scan";
import { acceptRisk, expireAcceptances, revokeRisk, SuppressionError } from "@/lib/server/suppressions";
import { type ScanEnv, scanEnv } from "./scan-helpers";

const WORKER = ".github/workflows/build.yml";
let env: ScanEnv;
let org: OrgRef;
let first: ScanSummary;
let workerText: string;

function ignoreWorker(fixture: string): void {
  const file = path.join(fixture, "repos", "worker", WORKER);
  workerText = readFileSync(file, "utf8");
  writeFileSync(file, workerText.replace(
    "          cache-to: type=registry,ref=ghcr.io/acme/worker:${{ matrix.variant }},mode=max",
    "          # cacheguard: ignore[cache-overwrites-image-tag] the worker images are rebuilt on every deploy\n          cache-to: type=registry,ref=ghcr.io/acme/worker:${{ matrix.variant }},mode=max",
  ));
  writeFileSync(path.join(fixture, "repos", "docs-site", ".github", "cacheguard.yml"), "disable:\n  - rule: gha-cache-scope-shared\n    reason: docs builds share one runner pool on purpose\n");
}

const filters = (o: Partial<Record<string, unknown>>) => findingFiltersSchema.parse({ pageSize: 100, ...o });

beforeAll(async () => {
  env = await scanEnv(ignoreWorker);
  first = await runScan(env.db, { config: env.config, trigger: "manual" });
  org = (await env.db.org.findUniqueOrThrow({ where: { login: "acme" }, select: { id: true, login: true } }));
}, 120_000);

afterAll(async () => {
  await env?.close();
});

describe("ignores in the org scan", () => {
  it("stores silenced findings apart: listed under Suppressed with the reason, in no count", async () => {
    expect(first.status).toBe("succeeded");
    const silenced = first.suppressed.map((f) => `${f.repo} ${f.ruleId} ${f.suppressed?.kind}`).sort();
    expect(silenced).toEqual(["acme/docs-site gha-cache-scope-shared config", "acme/docs-site gha-cache-scope-shared config", "acme/worker cache-overwrites-image-tag inline"]);
    expect(first.findings.some((f) => f.repo === "acme/worker" && f.ruleId === "cache-overwrites-image-tag")).toBe(false);

    const suppressed = await listFindings(env.db, org, filters({ status: "suppressed" }));
    expect(suppressed.rows.map((r) => `${r.repo} ${r.ruleId}`).sort()).toEqual(["docs-site gha-cache-scope-shared", "docs-site gha-cache-scope-shared", "worker cache-overwrites-image-tag"]);
    expect(suppressed.rows.find((r) => r.repo === "worker")!.suppression).toMatchObject({ kind: "inline", reason: "the worker images are rebuilt on every deploy" });
    const open = await listFindings(env.db, org, filters({ status: "open" }));
    expect(open.rows.some((r) => r.suppression !== null)).toBe(false);
    expect(first.openCount).toBe(open.total);

    const repos = await listRepos(env.db, org);
    // docs-site's two silenced findings leave its count; what stays open is its nearly full Actions cache
    expect(repos.find((r) => r.name === "docs-site")!.openTotal).toBe(first.findings.filter((f) => f.repo === "acme/docs-site").length);
    expect(first.findings.filter((f) => f.repo === "acme/docs-site").map((f) => f.ruleId)).toEqual(["gha-cache-near-quota"]);
    const worker = await getRepo(env.db, org, "worker");
    expect(worker!.findings.map((f) => f.ruleId)).not.toContain("cache-overwrites-image-tag");
    expect(worker!.suppressed.map((f) => f.ruleId)).toEqual(["cache-overwrites-image-tag"]);
  });

  it("exports say so: CSV status suppressed, SARIF results with a suppression", async () => {
    const rows = await exportFindings(env.db, org, filters({ status: "suppressed" }));
    expect(findingsToCsv(rows).split("\r\n").filter((l) => l.includes(",suppressed,"))).toHaveLength(3);
    const sarif = findingsToSarif("acme", rows, "http://127.0.0.1") as unknown as { runs: Array<{ results: Array<{ suppressions?: Array<{ kind: string; justification: string }> }> }> };
    expect(sarif.runs[0].results.map((r) => r.suppressions?.[0]?.kind)).toEqual(["inSource", "inSource", "inSource"]);
    expect(sarif.runs[0].results.map((r) => r.suppressions?.[0]?.justification)).toContain("the worker images are rebuilt on every deploy");
  });

  it("removing the ignore makes the finding count again at the next scan", async () => {
    writeFileSync(path.join(env.fixture, "repos", "worker", WORKER), workerText);
    const again = await runScan(env.db, { config: env.config, trigger: "manual" });
    expect(again.findings.some((f) => f.repo === "acme/worker" && f.ruleId === "cache-overwrites-image-tag")).toBe(true);
    expect(again.openCount).toBe(first.openCount + 1);
  }, 120_000);
});

describe("accept risk", () => {
  async function seedFinding() {
    return env.db.finding.findFirstOrThrow({ where: { orgId: org.id, repo: { name: "api" }, ruleId: "cache-overwrites-image-tag", resolvedScanId: null } });
  }

  it("needs a reason and a future expiry within a year", async () => {
    const f = await seedFinding();
    const day = 86_400_000;
    await expect(acceptRisk(env.db, org, f.id, { reason: "ok", expiresAt: new Date(Date.now() - day).toISOString() }, "octocat")).rejects.toThrow("expiresAt must be in the future.");
    await expect(acceptRisk(env.db, org, f.id, { reason: "ok", expiresAt: new Date(Date.now() + 400 * day).toISOString() }, "octocat")).rejects.toThrow(/within 366 days/);
    await expect(acceptRisk(env.db, org, 999_999, { reason: "ok", expiresAt: new Date(Date.now() + day).toISOString() }, "octocat")).rejects.toBeInstanceOf(SuppressionError);
  });

  it("leaves the counts until it expires, survives a rescan, is audited, and re-opens when it expires", async () => {
    const f = await seedFinding();
    const before = await reportSummary(env.db, org);
    const until = new Date(Date.now() + 30 * 86_400_000);
    await acceptRisk(env.db, org, f.id, { reason: "test tag, retired next sprint", expiresAt: until.toISOString() }, "octocat");
    const during = await reportSummary(env.db, org);
    expect(during.openErrors).toBe(before.openErrors - 1);

    const rescan = await runScan(env.db, { config: env.config, trigger: "manual" });
    expect(rescan.suppressed.find((x) => x.fingerprint === f.fingerprint)?.suppressed).toMatchObject({ kind: "accepted", reason: "test tag, retired next sprint", at: "octocat" });
    expect((await reportSummary(env.db, org)).openErrors).toBe(during.openErrors);

    const audit = await env.db.suppression.findMany({ where: { fingerprint: f.fingerprint } });
    expect(audit.map((a) => ({ by: a.createdBy, reason: a.reason, revoked: a.revokedAt !== null }))).toEqual([{ by: "octocat", reason: "test tag, retired next sprint", revoked: false }]);

    // the same acceptance, dated so that it ran out a minute ago: the next view counts the finding again
    const past = new Date(Date.now() - 2 * 86_400_000);
    await acceptRisk(env.db, org, f.id, { reason: "short exception", expiresAt: new Date(Date.now() - 60_000).toISOString() }, "monalisa", past);
    // every dashboard view reads the org through currentOrg, which re-opens expired acceptances first
    expect(await expireAcceptances(env.db, org.id)).toBe(1);
    expect((await reportSummary(env.db, org)).openErrors).toBe(before.openErrors);
    const row = await env.db.finding.findUniqueOrThrow({ where: { id: f.id } });
    expect(row.suppressedBy).toBeNull();
    // and the audit trail keeps both decisions, the first revoked by the second
    const trail = await env.db.suppression.findMany({ where: { fingerprint: f.fingerprint }, orderBy: { id: "asc" } });
    expect(trail.map((a) => [a.createdBy, a.revokedBy])).toEqual([["octocat", "monalisa"], ["monalisa", null]]);
  }, 120_000);

  it("revoking counts the finding again at once", async () => {
    const f = await seedFinding();
    const before = await reportSummary(env.db, org);
    await acceptRisk(env.db, org, f.id, { reason: "for a week", expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString() }, "octocat");
    expect((await reportSummary(env.db, org)).openErrors).toBe(before.openErrors - 1);
    await revokeRisk(env.db, org, f.id, "octocat");
    expect((await reportSummary(env.db, org)).openErrors).toBe(before.openErrors);
    await expect(revokeRisk(env.db, org, f.id, "octocat")).rejects.toThrow("no accepted risk");
  });
});
