import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SarifUpload } from "@/lib/demo/fake-github/rest-code-scanning";
import { sarifValidator } from "@/lib/demo/fake-github/sarif-schema";
import { sarifFingerprint } from "@/lib/engine/fingerprint";
import { AUTOMATION_ID } from "@/lib/server/code-scanning/sarif";
import { INTEGRATIONS } from "@/lib/server/integrations";
import { runScan } from "@/lib/server/scan";
import { acceptRisk } from "@/lib/server/suppressions";
import { setSetting } from "@/lib/server/schedule/settings";
import { type ScanEnv, moveCacheRef, scanEnv } from "./scan-helpers";

/**
 * Code scanning after a scan, against the fake server's upload endpoint (which decodes gzip + Base64
 * and holds the SARIF against the OASIS 2.1.0 schema): what GitHub would show in each repository's
 * Security tab is what cacheguard stored, for the commit it scanned.
 */

interface SarifResultLike {
  ruleId: string;
  partialFingerprints: Record<string, string>;
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>;
  suppressions?: Array<{ kind: string; justification: string }>;
}
interface SarifLogLike { runs: Array<{ automationDetails?: { id: string }; tool: { driver: { name: string } }; results: SarifResultLike[] }> }

const logOf = (u: SarifUpload) => u.sarif as SarifLogLike;
const byRepo = (uploads: SarifUpload[]) => new Map(uploads.map((u) => [u.repo.split("/")[1], u]));

describe("SARIF upload to code scanning after each scan", () => {
  let env: ScanEnv;
  beforeAll(async () => {
    env = await scanEnv();
  }, 60_000);
  afterAll(async () => {
    await env?.close();
  });

  it("uploads each repository's SARIF for its head commit; schema-valid, with the stored findings (silenced ones suppressed)", async () => {
    // a first scan with code scanning off: nothing uploaded, nothing recorded
    const first = await runScan(env.db, { config: env.config, trigger: "manual" });
    expect(first.status).toBe("succeeded");
    expect(env.server.sarifUploads()).toEqual([]);
    expect(first.actions ?? []).toEqual([]);

    // a risk accepted in the dashboard: code scanning must show that finding dismissed, not open
    const org = await env.db.org.findUniqueOrThrow({ where: { login: "acme" } });
    const accepted = await env.db.finding.findFirstOrThrow({ where: { repo: { name: "docs-site" }, ruleId: "gha-cache-scope-shared", resolvedScanId: null }, orderBy: { path: "asc" } });
    await acceptRisk(env.db, org, accepted.id, { reason: "each preview has its own runner", expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString() }, "octocat");

    // turned on in /settings (the default task list, as the dashboard runs it)
    await setSetting(env.db, INTEGRATIONS.codeScanning.key, "on");
    const summary = await runScan(env.db, { config: env.config, trigger: "manual" });
    expect(summary.status).toBe("succeeded");

    const repos = await env.db.repo.findMany({ where: { orgId: org.id, headSha: { not: null } } });
    expect(repos).toHaveLength(summary.repos);
    const uploads = env.server.sarifUploads();
    // one accepted upload per repository the scan read, those without findings too
    expect(uploads.map((u) => u.repo).sort()).toEqual(repos.map((r) => `acme/${r.name}`).sort());
    expect(uploads.length).toBeGreaterThanOrEqual(20);
    const validate = sarifValidator();
    const uploaded = byRepo(uploads);
    let results = 0;
    for (const repo of repos) {
      const u = uploaded.get(repo.name)!;
      expect(u.commitSha, repo.name).toBe(repo.headSha);
      expect(u.ref, repo.name).toBe(`refs/heads/${repo.defaultBranch}`);
      expect(u.processingStatus).toBe("complete");
      const log = logOf(u);
      expect(validate(log), `${repo.name}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(log.runs).toHaveLength(1);
      expect(log.runs[0].automationDetails?.id).toBe(AUTOMATION_ID);
      expect(log.runs[0].tool.driver.name).toBe("cacheguard");
      // the results are the repository's stored findings, by the fingerprint `check` gives them too
      const stored = await env.db.finding.findMany({ where: { repoId: repo.id, resolvedScanId: null } });
      const fps = (rs: SarifResultLike[]) => rs.map((r) => `${r.ruleId} ${r.partialFingerprints["cacheguard/v1"]}`).sort();
      expect(fps(log.runs[0].results), repo.name).toEqual(stored.map((f) => `${f.ruleId} ${sarifFingerprint({ ruleId: f.ruleId, path: f.path, ref: f.ref, key: f.locationKey ?? "" })}`).sort());
      for (const r of log.runs[0].results) {
        const uri = r.locations[0].physicalLocation.artifactLocation.uri;
        // relative to the repository's root: never another repository's path
        expect(uri, repo.name).not.toMatch(/^\/|^\/\/|@/);
      }
      results += log.runs[0].results.length;
    }
    expect(results).toBe(await env.db.finding.count({ where: { orgId: org.id, repoId: { not: null }, resolvedScanId: null } }));

    // a repository without findings gets an empty analysis (that is how code scanning closes fixed alerts)
    expect(logOf(uploaded.get("handbook")!).runs[0].results).toEqual([]);
    // api's finding at the line the dashboard shows
    const api = logOf(uploaded.get("api")!).runs[0].results.find((r) => r.ruleId === "cache-overwrites-image-tag")!;
    expect(api.locations[0].physicalLocation).toMatchObject({ artifactLocation: { uri: ".github/workflows/ci.yml" }, region: { startLine: 30 } });
    // search's finding lives in acme/ci-actions' action: shown where search calls it
    const search = logOf(uploaded.get("search")!).runs[0].results[0];
    expect(search.locations[0].physicalLocation).toMatchObject({ artifactLocation: { uri: ".github/workflows/ci.yml" }, region: { startLine: 17 } });
    // the accepted risk is a result with an external suppression and the reason
    const docs = logOf(uploaded.get("docs-site")!).runs[0].results;
    expect(docs.filter((r) => r.suppressions)).toEqual([expect.objectContaining({ suppressions: [expect.objectContaining({ kind: "external", justification: "each preview has its own runner" })] })]);

    // each upload is an action of the scan, linked to its status, which the fake reports processed
    const actions = await env.db.scanAction.findMany({ where: { scanId: summary.scanId, kind: "code-scanning" } });
    expect(actions.map((a) => [a.target, a.status]).sort()).toEqual(repos.map((r) => [r.name, "delivered"]).sort());
    const apiAction = actions.find((a) => a.target === "api")!;
    expect(apiAction.url).toBe(`${env.server.url}/repos/acme/api/code-scanning/sarifs/${uploaded.get("api")!.id}`);
    expect(apiAction.message).toMatch(/^uploaded 2 results for [0-9a-f]{7} on refs\/heads\/main; processing complete$/);
    const status = await (await fetch(apiAction.url!, { headers: { authorization: "Bearer demo-token" } })).json();
    expect(status).toMatchObject({ processing_status: "complete", errors: null });
  }, 120_000);

  it("a rescan with nothing changed uploads nothing; one fixed repository is uploaded again, alone", async () => {
    const before = env.server.sarifUploads().length;
    const again = await runScan(env.db, { config: env.config, trigger: "manual" });
    expect(again.status).toBe("succeeded");
    expect(env.server.sarifUploads()).toHaveLength(before);
    expect(again.actions?.map((a) => [a.kind, a.status, a.target])).toEqual([["code-scanning", "skipped", "acme"]]);
    expect(again.actions?.[0].message).toMatch(/^3\d repositories unchanged since the last upload/);

    // reports' finding fixed by hand: its head moves and its SARIF loses the result
    const reports = await env.db.finding.findFirstOrThrow({ where: { repo: { name: "reports" }, resolvedScanId: null } });
    moveCacheRef(env.fixture, { repo: "acme/reports", path: reports.path, line: reports.line, column: reports.column });
    const fixed = await runScan(env.db, { config: env.config, trigger: "manual" });
    expect(fixed.status).toBe("succeeded");
    const fresh = env.server.sarifUploads().slice(before);
    expect(fresh.map((u) => u.repo)).toEqual(["acme/reports"]);
    const repo = await env.db.repo.findFirstOrThrow({ where: { name: "reports" } });
    expect(fresh[0].commitSha).toBe(repo.headSha);
    expect(logOf(fresh[0]).runs[0].results).toEqual([]);
    expect(fixed.actions?.find((a) => a.target === "reports")).toMatchObject({ status: "delivered", message: expect.stringMatching(/^uploaded 0 results for/) });
  }, 120_000);
});

describe("when code scanning refuses", () => {
  let env: ScanEnv;
  beforeAll(async () => {
    env = await scanEnv((fixture) => {
      writeFileSync(path.join(fixture, "tokens.json"), JSON.stringify({
        "demo-token": { login: "octocat", scopes: ["repo", "read:org", "read:packages", "workflow"], member: true },
        // reads the org (public repositories) but has neither security_events nor public_repo
        "reader-token": { login: "octocat", scopes: ["read:org", "read:packages"], member: true },
      }));
      // a private repository without GitHub Advanced Security
      writeFileSync(path.join(fixture, "repos", "payments.json"), JSON.stringify({ private: true, advanced_security: false }));
    });
    await setSetting(env.db, INTEGRATIONS.codeScanning.key, "on");
  }, 60_000);
  afterAll(async () => {
    await env?.close();
  });

  it("a token without security_events: each repository's upload fails and says which scope, the scan still succeeds", async () => {
    const summary = await runScan(env.db, { config: { ...env.config, token: "reader-token" }, trigger: "manual" });
    // the uploads leave the scan's status alone: without `repo` only the Actions cache lists go unread
    expect(summary.status).not.toBe("failed");
    expect(summary.repoErrors.filter((e) => !/actions cache/i.test(`${e.repo} ${e.message}`))).toEqual([]);
    const row = await env.db.scan.findUniqueOrThrow({ where: { id: summary.scanId } });
    expect(row.status).toBe(summary.status);
    expect(env.server.sarifUploads()).toEqual([]);
    const failed = (summary.actions ?? []).filter((a) => a.kind === "code-scanning");
    expect(failed.length).toBe(summary.repos);
    for (const a of failed) {
      expect(a.status).toBe("failed");
      expect(a.message).toContain(`the token may not upload code scanning results to acme/${a.target}: it needs the security_events scope`);
      expect(a.message).toContain("the token's scopes: read:org, read:packages");
      expect(a.message).not.toContain("reader-token");
    }
    const stored = await env.db.scanAction.findMany({ where: { scanId: summary.scanId } });
    expect(stored.filter((a) => a.status === "failed")).toHaveLength(failed.length);
    expect(await env.db.codeScanningUpload.count()).toBe(0);
  }, 120_000);

  it("a private repository without GitHub Advanced Security fails alone, named; every other repository is uploaded", async () => {
    const summary = await runScan(env.db, { config: env.config, trigger: "manual" });
    expect(summary.status).toBe("succeeded");
    const actions = (summary.actions ?? []).filter((a) => a.kind === "code-scanning");
    const payments = actions.find((a) => a.target === "payments");
    expect(payments).toMatchObject({ status: "failed" });
    expect(payments?.message).toMatch(/^code scanning is not enabled for acme\/payments: a private repository needs GitHub Advanced Security/);
    expect(actions.filter((a) => a.status === "delivered").map((a) => a.target).sort()).toEqual(env.server.sarifUploads().map((u) => u.repo.split("/")[1]).sort());
    expect(actions.filter((a) => a.status === "delivered")).toHaveLength(summary.repos - 1);
    // not recorded as uploaded: the next scan tries payments again
    expect(await env.db.codeScanningUpload.count({ where: { repoName: "payments" } })).toBe(0);
  }, 120_000);
});
