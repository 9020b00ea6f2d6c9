import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { rules } from "@/lib/engine/rules/index";
import { ScanAlreadyRunningError, type ScanSummary, runScan, startScan } from "@/lib/server/scan";
import { type ScanEnv, failingRepoProxy, moveCacheRef, scanEnv } from "./scan-helpers";

// every rule the engine has: the demo org shows each of them (lib/demo/fixture/README.md)
const RULES = rules.map((r) => r.id);

let env: ScanEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

async function scan(e: ScanEnv, over: Partial<ScanEnv["config"]> = {}): Promise<ScanSummary> {
  return runScan(e.db, { config: { ...e.config, ...over }, trigger: "manual" });
}

/** kind of each registry tag as the scan stored it: GHCR's by `ghcr.io/acme/<package>:<tag>`, other registries' by their ref */
async function tagKinds(e: ScanEnv): Promise<Map<string, string>> {
  const rows = await e.db.packageTag.findMany({ include: { package: true } });
  const others = await e.db.registryRef.findMany();
  return new Map([...rows.map((r) => [`ghcr.io/acme/${r.package.name}:${r.tag}`, r.kind] as const), ...others.map((r) => [r.ref, r.kind] as const)]);
}

const openFingerprints = async (e: ScanEnv) =>
  (await e.db.finding.findMany({ where: { resolvedScanId: null }, orderBy: { fingerprint: "asc" } })).map((f) => f.fingerprint);

describe("org scan against the fake GitHub", () => {
  it("a cold scan of the demo org finds every rule, live cache tags of both forms, nothing on image tags", async () => {
    env = await scanEnv();
    const s = await scan(env);
    expect(s.status, JSON.stringify(s.repoErrors)).toBe("succeeded");
    // 33 repos in the fixture, less the archived one, the fork and the empty one
    expect(s.repos).toBe(30);
    expect(s.reposSkipped).toBe(0);
    const ruleIds = new Set(s.findings.map((f) => f.ruleId));
    for (const id of RULES) expect(ruleIds, `rule ${id}`).toContain(id);

    const kinds = await tagKinds(env);
    const live = s.findings.filter((f) => f.ruleId === "registry-tag-holds-cache");
    const liveKinds = new Set(live.map((f) => kinds.get(f.ref)));
    expect(liveKinds).toEqual(new Set(["cache", "cache-index"]));
    // every tag that holds an image or an index is clean
    const imageTags = [...kinds].filter(([, k]) => k === "image" || k === "index").map(([ref]) => ref);
    expect(imageTags.length).toBeGreaterThan(0);
    for (const f of live) expect(imageTags).not.toContain(f.ref);
    // the error form points at a workflow in a repo; the warning form at the package tag
    expect(live.some((f) => f.severity === "error" && f.repo && f.path.startsWith(".github/workflows/"))).toBe(true);

    // cross-repo: a cache export overwrites an image another repository pushes
    const other = s.findings.filter((f) => f.ruleId === "cache-overwrites-other-image");
    expect(other.some((f) => (f.related ?? []).some((r) => r.repo && r.repo !== f.repo))).toBe(true);

    // stored as the report will read them
    const stored = await env.db.finding.count({ where: { resolvedScanId: null } });
    expect(stored).toBe(s.findings.length);
    expect(s.newCount).toBe(s.findings.length);
    const row = await env.db.scan.findUniqueOrThrow({ where: { id: s.scanId } });
    expect(row).toMatchObject({ status: "succeeded", activeKey: null, openCount: stored, newCount: stored });
    expect(row.graphqlRequests).toBe(s.requests.graphql);
    expect(s.requests.graphql).toBeGreaterThan(0);
    expect(s.requests.registry).toBeGreaterThan(0);
    // the fake server saw the same number of requests the scan counted
    const fake = env.server.stats();
    expect(fake.graphql).toBe(s.requests.graphql);
    // GHCR and the fake Docker Hub (its token service included) together
    expect(fake.registry + fake.hub!.requests).toBe(s.requests.registry);
  });

  it("a warm rescan of the unchanged org reads no workflow and no manifest again", async () => {
    env = await scanEnv();
    const cold = await scan(env);
    env.server.resetStats();
    const warm = await scan(env);
    const fake = env.server.stats();
    expect(warm.status).toBe("succeeded");
    expect(warm.reposSkipped).toBe(warm.repos);
    expect(warm.reposFetched).toBe(0);
    // GraphQL: only the repo listing (one page for a dozen repos), no tree/blob queries
    expect(fake.graphql).toBe(1);
    expect(fake.byRoute["GET /v2/:name/manifests/:ref"] ?? 0).toBe(0);
    expect(fake.byRoute["HEAD /v2/:name/manifests/:ref"] ?? 0).toBe(0);
    expect(warm.findings.map((f) => f.fingerprint).sort()).toEqual(cold.findings.map((f) => f.fingerprint).sort());
    expect(warm.newCount).toBe(0);
    expect(warm.resolvedCount).toBe(0);
    console.log(`request counts cold ${JSON.stringify(cold.requests)} warm ${JSON.stringify(warm.requests)}`);
  });

  it("follows builds into another repo's action and reusable workflow, scripts, Makefiles and bake files; a warm rescan reads none again", async () => {
    env = await scanEnv();
    const cold = await scan(env);
    expect(cold.status, JSON.stringify(cold.repoErrors)).toBe("succeeded");
    const of = (repo: string) =>
      cold.findings.filter((f) => f.repo === `acme/${repo}`).map((f) => `${f.ruleId} ${f.severity} ${f.confidence} ${f.path}:${f.line} ${f.ref}`).sort();
    // the other repository's file, named as the engine names it, read at the ref the caller pins
    expect(of("search")).toEqual(["cache-overwrites-image-tag error high //acme/ci-actions@v1/docker-build/action.yml:28 ghcr.io/acme/search:edge"]);
    expect(of("ledger")).toEqual(["cache-overwrites-image-tag error high //acme/ci-actions@v1/.github/workflows/docker-release.yml:43 ghcr.io/acme/ledger:main"]);
    expect(of("notifications")).toEqual(["cache-overwrites-image-tag error high scripts/build-image.sh:14 ghcr.io/acme/notifications:edge"]);
    expect(of("reports")).toEqual(["cache-overwrites-image-tag error high Makefile:15 ghcr.io/acme/reports:nightly"]);
    expect(of("inventory")).toEqual(["cache-overwrites-image-tag error high ci/docker-bake.hcl:13 ghcr.io/acme/inventory:stable"]);
    // nobody runs it: default variables, so at most medium
    expect(of("storybook")).toEqual(["cache-overwrites-image-tag error medium docker-compose.yml:10 ghcr.io/acme/storybook:dev"]);
    // the reusable workflow on its own, without a caller's inputs
    expect(of("ci-actions")).toEqual(["cache-overwrites-image-tag error medium .github/workflows/docker-release.yml:43 ${{ inputs.image }}:latest"]);
    expect(of("scheduler")).toEqual(["cache-overwritten-by-image warning high .github/workflows/ci.yml:27 ghcr.io/acme/scheduler:edge"]);
    expect(of("mailer")).toEqual(["cache-ref-implicit-latest error high .github/workflows/ci.yml:29 ghcr.io/acme/mailer:latest"]);
    expect(of("status-page")).toEqual([]);
    // one repo for each rule users report most (issue 16)
    expect(of("orders")).toEqual(["registry-rejects-cache-format error high .github/workflows/image.yml:27 123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:buildcache"]);
    expect(of("portal")).toEqual(["untrusted-cache-write error high .github/workflows/preview.yml:27 gha:portal"]);
    expect(of("telemetry")).toEqual(["gha-cache-buildkit-too-old error high .github/workflows/ci.yml:20 gha:telemetry"]);
    expect(of("thumbnails")).toEqual(["gha-cache-token-missing warning high .github/workflows/ci.yml:15 gha:thumbnails"]);
    // the Actions cache: docs-site's is 85 % full (GitHub's usage and cache list, not its workflows)
    expect(of("docs-site")).toContain("gha-cache-near-quota warning medium .github/workflows/preview.yml:18 actions-cache:acme/docs-site");
    // Docker Hub: the release workflow pushes acme/sdk:latest, which holds a cache (only reading Docker Hub tells)
    expect(of("sdk")).toEqual(["registry-tag-holds-cache error high .github/workflows/release.yml:23 docker.io/acme/sdk:latest"]);
    // 24 from workflows and the files they run, 10 registry-tag-holds-cache, 1 gha-cache-near-quota (lib/demo/fixture/README.md)
    expect(cold.findings).toHaveLength(35);

    // where the caller's run enters the followed file is stored first in `related`
    const stored = async (repo: string, path: string) =>
      JSON.parse((await env!.db.finding.findFirstOrThrow({ where: { repo: { name: repo }, path } })).related) as Array<{ path: string; line: number; message: string }>;
    expect((await stored("search", "//acme/ci-actions@v1/docker-build/action.yml"))[0]).toMatchObject({
      path: ".github/workflows/ci.yml", line: 17, message: expect.stringContaining("uses action acme/ci-actions/docker-build@v1"),
    });
    expect((await stored("ledger", "//acme/ci-actions@v1/.github/workflows/docker-release.yml"))[0]).toMatchObject({
      path: ".github/workflows/release.yml", line: 20, message: expect.stringContaining("calls workflow acme/ci-actions/.github/workflows/docker-release.yml@v1"),
    });
    expect((await stored("notifications", "scripts/build-image.sh"))[0]).toMatchObject({
      path: ".github/workflows/image.yml", line: 22, message: expect.stringContaining("runs script ./scripts/build-image.sh"),
    });
    expect((await stored("reports", "Makefile"))[0]).toMatchObject({
      path: ".github/workflows/nightly.yml", line: 22, message: expect.stringContaining("runs make image TAG=nightly"),
    });
    // the caller keeps the file it read from ci-actions, so its page can show the line
    const files = await env.db.sourceFile.findMany({ where: { repo: { name: "search" } }, select: { path: true } });
    expect(files.map((f) => f.path).sort()).toEqual([".github/workflows/ci.yml", "//acme/ci-actions@v1/docker-build/action.yml"]);

    env.server.resetStats();
    const warm = await scan(env);
    const fake = env.server.stats();
    expect(warm.status).toBe("succeeded");
    expect(warm.reposFetched).toBe(0);
    // the repo listing only: no workflow, action, script, Makefile or bake file is read again
    expect(fake.graphql).toBe(1);
    expect(fake.byRoute["GET /v2/:name/manifests/:ref"] ?? 0).toBe(0);
    expect(fake.byRoute["HEAD /v2/:name/manifests/:ref"] ?? 0).toBe(0);
    expect(warm.findings.map((f) => f.fingerprint).sort()).toEqual(cold.findings.map((f) => f.fingerprint).sort());
    expect(warm.newCount).toBe(0);
  });

  it("after a workflow change the fixed finding is resolved and a new one is new", async () => {
    env = await scanEnv();
    const first = await scan(env);
    const seed = first.findings.find((f) => f.ruleId === "cache-overwrites-image-tag" && f.repo === "acme/api");
    expect(seed, "the headline case in acme/api").toBeDefined();
    // fix it: the cache goes to its own ref
    moveCacheRef(env.fixture, seed!);
    // and break a clean repo
    const wf = path.join(env.fixture, "repos", "docs-site", ".github", "workflows");
    mkdirSync(wf, { recursive: true });
    writeFileSync(path.join(wf, "nightly.yml"), [
      "name: nightly", "on: push", "jobs:", "  build:", "    runs-on: ubuntu-latest", "    steps:",
      "      - uses: docker/build-push-action@v6", "        with:", "          push: true",
      "          tags: ghcr.io/acme/docs:nightly", "          cache-to: type=registry,ref=ghcr.io/acme/docs:nightly,mode=max", "",
    ].join("\n"));
    env.server.reload();

    const second = await scan(env);
    expect(second.status).toBe("succeeded");
    expect(second.reposFetched).toBe(2);
    const row = await env.db.finding.findUniqueOrThrow({ where: { orgId_fingerprint: { orgId: 1, fingerprint: seed!.fingerprint } } });
    expect(row.resolvedScanId).toBe(second.scanId);
    expect(second.findings.map((f) => f.fingerprint)).not.toContain(seed!.fingerprint);
    const fresh = second.findings.find((f) => f.repo === "acme/docs-site" && f.ruleId === "cache-overwrites-image-tag");
    expect(fresh).toMatchObject({ isNew: true, path: ".github/workflows/nightly.yml", ref: "ghcr.io/acme/docs:nightly" });
    const freshRow = await env.db.finding.findUniqueOrThrow({ where: { orgId_fingerprint: { orgId: 1, fingerprint: fresh!.fingerprint } } });
    expect(freshRow).toMatchObject({ firstSeenScanId: second.scanId, resolvedScanId: null });
    expect(second.resolvedCount).toBeGreaterThanOrEqual(1);
    expect(second.newCount).toBeGreaterThanOrEqual(1);
    // what did not change is seen again, not new
    const kept = first.findings.filter((f) => f.repo === "acme/web");
    for (const f of kept) expect(second.findings.find((g) => g.fingerprint === f.fingerprint)?.isNew).toBe(false);
  });

  it("an unknown org fails the scan with a clear message", async () => {
    env = await scanEnv();
    const s = await scan(env, { org: "no-such-org" });
    expect(s.status).toBe("failed");
    expect(s.error).toMatch(/no-such-org.*not found/i);
    const row = await env.db.scan.findUniqueOrThrow({ where: { id: s.scanId } });
    expect(row).toMatchObject({ status: "failed", activeKey: null });
    expect(row.error).toMatch(/not found/i);
  });

  it("a bad token fails the scan (401), loses no earlier finding and never stores the token", async () => {
    env = await scanEnv();
    const good = await scan(env);
    const before = await openFingerprints(env);
    const s = await scan(env, { token: "ghp_wrongwrongwrongwrong1234" });
    expect(s.status).toBe("failed");
    expect(s.error).toMatch(/401|rejected the token/i);
    expect(s.error).not.toContain("ghp_wrongwrongwrongwrong1234");
    expect(await openFingerprints(env)).toEqual(before);
    expect(before.length).toBe(good.findings.length);
    const rows = await env.db.scan.findMany();
    expect(JSON.stringify(rows)).not.toContain("wrongwrongwrong");
    // the org can be scanned again right away
    expect((await scan(env)).status).toBe("succeeded");
  });

  it("a token without read:packages gives a partial scan that still stores workflow findings", async () => {
    env = await scanEnv((fixture) => {
      writeFileSync(path.join(fixture, "tokens.json"), JSON.stringify({
        "demo-token": { login: "octocat", scopes: ["repo", "read:org", "read:packages"], member: true },
        "no-packages": { login: "octocat", scopes: ["repo", "read:org"], member: true },
      }));
    });
    const s = await scan(env, { token: "no-packages" });
    expect(s.status).toBe("partial");
    expect(s.repoErrors.find((e) => e.repo === "packages")?.message).toMatch(/403|read:packages/);
    expect(s.findings.some((f) => f.ruleId === "cache-overwrites-image-tag")).toBe(true);
    const row = await env.db.scan.findUniqueOrThrow({ where: { id: s.scanId } });
    expect(row.status).toBe("partial");
    expect(JSON.parse(row.repoErrors)).toEqual(expect.arrayContaining([expect.objectContaining({ repo: "packages" })]));
    expect(await env.db.finding.count({ where: { ruleId: "cache-overwrites-image-tag", resolvedScanId: null } })).toBeGreaterThan(0);
  });

  it("a tag whose manifest is garbage is stored as unknown, with the reason, and the scan goes on", async () => {
    env = await scanEnv((fixture) => {
      const dir = path.join(fixture, "packages", "junk", "tags");
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, "latest.json"), "{ this is not a manifest \u0000\u0001");
    });
    const s = await scan(env);
    expect(["succeeded", "partial"]).toContain(s.status);
    const kinds = await tagKinds(env);
    expect(kinds.get("ghcr.io/acme/junk:latest")).toBe("unknown");
    const tag = await env.db.packageTag.findFirstOrThrow({ where: { tag: "latest", package: { name: "junk" } } });
    expect(tag.reason.length).toBeGreaterThan(0);
    expect(s.findings.some((f) => f.ruleId === "registry-tag-holds-cache")).toBe(true);
  });

  it("two concurrent scans of one org: exactly one runs", async () => {
    env = await scanEnv();
    const results = await Promise.allSettled([scan(env), scan(env)]);
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0].reason).toBeInstanceOf(ScanAlreadyRunningError);
    expect(String(refused[0].reason.message)).toMatch(/already running/);
    expect(await env.db.scan.count()).toBe(1);
  });

  it("startScan returns at once with a running scan that finishes in the background", async () => {
    env = await scanEnv();
    const { scanId } = await startScan(env.db, { config: env.config, trigger: "manual" });
    const row = await env.db.scan.findUniqueOrThrow({ where: { id: scanId } });
    expect(row).toMatchObject({ status: "running", activeKey: "acme", pid: process.pid });
    await expect(startScan(env.db, { config: env.config, trigger: "schedule" })).rejects.toThrow(ScanAlreadyRunningError);
    let done = row;
    for (let i = 0; i < 200 && done.status === "running"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      done = await env.db.scan.findUniqueOrThrow({ where: { id: scanId } });
    }
    expect(done).toMatchObject({ status: "succeeded", activeKey: null, phase: "done" });
    expect(done.reposDone).toBe(done.reposTotal);
    expect(done.openCount).toBeGreaterThan(0);
    expect(done.finishedAt).not.toBeNull();
  });

  it("a repo that fails to read keeps its findings (scan partial) while the others resolve; the next scan reads it", async () => {
    env = await scanEnv();
    const first = await scan(env);
    const overwrite = (repo: string) => first.findings.find((f) => f.ruleId === "cache-overwrites-image-tag" && f.repo === repo)!;
    const api = overwrite("acme/api");
    const billing = overwrite("acme/billing");
    moveCacheRef(env.fixture, api);
    moveCacheRef(env.fixture, billing);
    env.server.reload();
    const proxy = await failingRepoProxy(env.server.url, "billing");
    try {
      const second = await scan(env, { apiUrl: proxy.url });
      expect(second.status).toBe("partial");
      expect(second.repoErrors).toEqual([expect.objectContaining({ repo: "billing", message: expect.stringMatching(/billing/) })]);
      const row = (fp: string) => env!.db.finding.findUniqueOrThrow({ where: { orgId_fingerprint: { orgId: 1, fingerprint: fp } } });
      expect((await row(api.fingerprint)).resolvedScanId).toBe(second.scanId);
      expect((await row(billing.fingerprint)).resolvedScanId).toBeNull();
      const repo = await env.db.repo.findFirstOrThrow({ where: { name: "billing" } });
      expect(repo.lastError).toMatch(/billing/);
      expect(repo.lastCompleteScanId).toBe(first.scanId);
      const scanRow = await env.db.scan.findUniqueOrThrow({ where: { id: second.scanId } });
      expect(JSON.parse(scanRow.repoErrors)).toEqual([expect.objectContaining({ repo: "billing" })]);
    } finally {
      await proxy.close();
    }
    const third = await scan(env);
    expect(third.status).toBe("succeeded");
    expect(third.reposFetched).toBe(1);
    const b = await env.db.finding.findUniqueOrThrow({ where: { orgId_fingerprint: { orgId: 1, fingerprint: billing.fingerprint } } });
    expect(b.resolvedScanId).toBe(third.scanId);
  });
});
