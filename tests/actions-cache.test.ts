// gha-cache-near-quota from the fake GitHub's Actions cache data: what the scan asks, what it finds,
// what it stores for the repository page, and what it keeps when it cannot read.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { getRepoActionsCache } from "@/lib/server/queries/actions-cache";
import { type ScanSummary, runScan } from "@/lib/server/scan";
import { repoScope, runIncrementalScan } from "@/lib/server/scan/incremental";
import { type ScanEnv, scanEnv } from "./scan-helpers";

const RULE = "gha-cache-near-quota";
const USAGE = "GET /orgs/:org/actions/cache/usage-by-repository";
const LIST = "GET /repos/:owner/:repo/actions/caches";
const LIMIT = "GET /repos/:owner/:repo/actions/cache/storage-limit";
const ORG = { id: 1, login: "acme" };

let env: ScanEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

const scan = (e: ScanEnv, over: Partial<ScanEnv["config"]> = {}): Promise<ScanSummary> => runScan(e.db, { config: { ...e.config, ...over }, trigger: "manual" });
const cacheFindings = (s: ScanSummary) => s.findings.filter((f) => f.ruleId === RULE);

/** Change a demo repository's `actions_cache` in the fixture (the fake re-reads it on reload). */
function editCache(fixture: string, repo: string, edit: (c: { storage_limit_gb?: number; caches: unknown[] }) => void): void {
  const file = path.join(fixture, "repos", `${repo}.json`);
  const meta = JSON.parse(readFileSync(file, "utf8")) as { actions_cache: { storage_limit_gb?: number; caches: unknown[] } };
  edit(meta.actions_cache);
  writeFileSync(file, JSON.stringify(meta));
}

const TOKENS = {
  "demo-token": { login: "octocat", scopes: ["repo", "read:org", "read:packages", "workflow"], member: true },
  // a repository admin's token: the scope GitHub's description names for the storage limit
  "admin-token": { login: "octocat", scopes: ["repo", "read:org", "read:packages", "workflow", "admin:repository"], member: true },
  "no-org-token": { login: "octocat", scopes: ["repo", "read:packages", "workflow"], member: true },
};
const withTokens = (fixture: string) => writeFileSync(path.join(fixture, "tokens.json"), JSON.stringify(TOKENS));

describe("gha-cache-near-quota from the fake GitHub's cache data", () => {
  it("warns on docs-site's 85 % full cache with BuildKit's share and thrash, lists only type=gha repositories, and stores what the page shows", async () => {
    env = await scanEnv();
    const s = await scan(env);
    expect(s.status, JSON.stringify(s.repoErrors)).toBe("succeeded");
    const found = cacheFindings(s);
    expect(found.map((f) => `${f.repo} ${f.severity} ${f.confidence} ${f.path}:${f.line}`)).toEqual(["acme/docs-site warning medium .github/workflows/preview.yml:18"]);
    const m = found[0].message;
    expect(m).toContain("holds 8.5 GB in 309 entries: 85 % of GitHub's default limit of 10 GB (assumed: the repository's own limit could not be read: GitHub answered 403, the token lacks the 'admin:repository' scope)");
    expect(m).toContain("BuildKit's entries (`buildkit-blob-*`, `index-*`) hold 7.3 GB of it (86 %, 306 of 309 entries)");
    expect(m).toContain("It thrashes: the oldest entry still present was created 14 h before it was listed");

    // one usage page for the org; the entries of the two repositories with type=gha builds and caches (docs-site: 309
    // entries, 4 pages; base-images: 1), never of handbook (npm caches, no type=gha build); the limit asked once, refused
    const byRoute = env.server.stats().byRoute;
    expect([byRoute[USAGE], byRoute[LIST], byRoute[LIMIT]]).toEqual([1, 5, 1]);
    const listed = env.server.requests().filter((r) => r.route === LIST).map((r) => r.path.split("/")[3]);
    expect([...new Set(listed)].sort()).toEqual(["base-images", "docs-site"]);

    const docs = (await getRepoActionsCache(env.db, ORG, "docs-site"))!.usage!;
    expect(docs).toMatchObject({ entries: 309, limitAssumed: true, nearQuota: true, listing: { entries: 309, buildkitEntries: 306, thrash: true } });
    expect(docs.usedBytes).toBe(9_122_635_776);
    const base = (await getRepoActionsCache(env.db, ORG, "base-images"))!.usage!;
    expect(base).toMatchObject({ entries: 82, nearQuota: false, listing: { buildkitEntries: 82, thrash: false } });
    expect(Math.round(base.share * 100)).toBe(23);
    // handbook: usage, but nothing listed; web: no caches at all
    expect((await getRepoActionsCache(env.db, ORG, "handbook"))!.usage).toMatchObject({ entries: 2, listing: null });
    expect((await getRepoActionsCache(env.db, ORG, "web"))!.usage).toBeNull();
  });

  it("holds usage against the repository's own limit when the token may read it: raised, no finding; lowered, a high-confidence one", async () => {
    env = await scanEnv((fixture) => {
      withTokens(fixture);
      editCache(fixture, "docs-site", (c) => { c.storage_limit_gb = 50; });
      editCache(fixture, "base-images", (c) => { c.storage_limit_gb = 2; });
    });
    const s = await scan(env, { token: "admin-token" });
    expect(s.status, JSON.stringify(s.repoErrors)).toBe("succeeded");
    expect(cacheFindings(s).map((f) => `${f.repo} ${f.confidence}`)).toEqual(["acme/base-images high"]);
    expect(cacheFindings(s)[0].message).toContain("holds 2.3 GB in 82 entries: 117 % of its limit of 2 GB.");
    expect(cacheFindings(s)[0].message).toContain("The oldest entry still present is 6 days old: no sign of entries evicted within a day.");
    expect(env.server.stats().byRoute[LIMIT]).toBe(2);
    expect((await getRepoActionsCache(env.db, ORG, "docs-site"))!.usage).toMatchObject({ limitBytes: 50 * 1024 ** 3, limitAssumed: false, nearQuota: false });
  });

  it("reuses a reading younger than 5 minutes, keeps the finding through a webhook's rescan, and resolves it when a new reading is under 80 %", async () => {
    env = await scanEnv();
    const first = await scan(env);
    const [finding] = cacheFindings(first);
    expect(finding.isNew).toBe(true);

    env.server.resetStats();
    const warm = await scan(env);
    const byRoute = env.server.stats().byRoute;
    expect([byRoute[USAGE] ?? 0, byRoute[LIST] ?? 0, byRoute[LIMIT] ?? 0]).toEqual([0, 0, 0]);
    expect(cacheFindings(warm).map((f) => [f.fingerprint, f.isNew])).toEqual([[finding.fingerprint, false]]);

    // a push to docs-site: the webhook's scan reads that repository again and judges its cache by the stored reading
    const hook = await runIncrementalScan(env.db, { config: env.config, scope: repoScope("docs-site") });
    expect(hook.status).toBe("succeeded");
    expect(cacheFindings(hook).map((f) => f.fingerprint)).toEqual([finding.fingerprint]);

    // someone deletes the BuildKit entries; the next reading says 1.2 GB
    editCache(env.fixture, "docs-site", (c) => { c.caches = c.caches.filter((g) => !String((g as { key: string }).key).match(/^(buildkit-blob-|index-)/)); });
    env.server.reload();
    const after = await scan(env, { actionsCacheMaxAgeMs: 0 });
    expect(cacheFindings(after)).toEqual([]);
    const row = await env.db.finding.findUniqueOrThrow({ where: { orgId_fingerprint: { orgId: 1, fingerprint: finding.fingerprint } } });
    expect(row.resolvedScanId).toBe(after.scanId);
    expect((await getRepoActionsCache(env.db, ORG, "docs-site"))!.usage).toMatchObject({ entries: 3, nearQuota: false, listing: { buildkitEntries: 0, entries: 3 } });
  });

  it("is silenced like any finding: an inline ignore on its line, or the repository's .github/cacheguard.yml", async () => {
    env = await scanEnv((fixture) => {
      const file = path.join(fixture, "repos", "docs-site", ".github", "workflows", "preview.yml");
      writeFileSync(file, readFileSync(file, "utf8").replace("          cache-to: type=gha,mode=max", "          # cacheguard: ignore[gha-cache-near-quota] the docs cache is pruned by hand\n          cache-to: type=gha,mode=max"));
      writeFileSync(path.join(fixture, "repos", "base-images", ".github", "cacheguard.yml"), "disable:\n  - rule: gha-cache-near-quota\n    reason: a 2 GB limit on purpose\n");
      withTokens(fixture);
      editCache(fixture, "base-images", (c) => { c.storage_limit_gb = 2; });
    });
    const s = await scan(env, { token: "admin-token" });
    expect(cacheFindings(s)).toEqual([]);
    expect(s.suppressed.filter((f) => f.ruleId === RULE).map((f) => `${f.repo} ${f.suppressed?.kind} ${f.suppressed?.reason}`).sort()).toEqual([
      "acme/base-images config a 2 GB limit on purpose",
      "acme/docs-site inline the docs cache is pruned by hand",
    ]);
  });

  it("a scan that cannot read the usage (no read:org) is partial, says why, and keeps the finding and the last reading", async () => {
    env = await scanEnv(withTokens);
    const first = await scan(env);
    const [finding] = cacheFindings(first);
    // the cache is nearly empty now, but this token may not read the org's usage: nothing may be concluded
    editCache(env.fixture, "docs-site", (c) => { c.caches = []; });
    env.server.reload();
    const s = await scan(env, { token: "no-org-token", actionsCacheMaxAgeMs: 0 });
    expect(s.status).toBe("partial");
    expect(s.repoErrors).toEqual([expect.objectContaining({ repo: "actions-cache", message: expect.stringMatching(/Actions cache usage was not read: .*read:org/) })]);
    expect(cacheFindings(s).map((f) => f.fingerprint)).toEqual([finding.fingerprint]);
    const row = await env.db.finding.findUniqueOrThrow({ where: { orgId_fingerprint: { orgId: 1, fingerprint: finding.fingerprint } } });
    // still open (the scan reported it above); a finding seen again unchanged is not rewritten
    expect(row).toMatchObject({ resolvedScanId: null });
    expect((await getRepoActionsCache(env.db, ORG, "docs-site"))!.usage).toMatchObject({ entries: 309, scanId: first.scanId });
  });

  it("entries a token may not list (no repo scope) leave the usage judged and the scan succeeded, and say so", async () => {
    env = await scanEnv((fixture) => {
      writeFileSync(path.join(fixture, "tokens.json"), JSON.stringify({ "org-reader": { login: "octocat", scopes: ["read:org", "read:packages"], member: true } }));
    });
    const s = await scan(env, { token: "org-reader" });
    expect(s.status, JSON.stringify(s.repoErrors)).toBe("succeeded");
    // the refusal is a warning of the scan, and stored with each repository it kept from being listed
    expect(s.warnings.filter((w) => w.repo.startsWith("actions-cache:")).length).toBeGreaterThan(0);
    for (const w of s.warnings.filter((x) => x.repo.startsWith("actions-cache:"))) expect(w.message).toMatch(/listing the Actions cache entries: .*'repo' scope/);
    expect((await getRepoActionsCache(env.db, ORG, "base-images"))!.usage).toMatchObject({ listing: null, listError: expect.stringContaining("'repo' scope") });
    const [f] = cacheFindings(s);
    expect(f.message).toContain("85 % of GitHub's default limit of 10 GB");
    expect(f.message).toMatch(/Its entries could not be listed \(.*'repo' scope.*\), so BuildKit's share is not known\./);
    expect((await getRepoActionsCache(env.db, ORG, "docs-site"))!.usage).toMatchObject({ listing: null, listError: expect.stringContaining("'repo' scope") });
  });
});
