import { generateKeyPairSync } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { run as pr } from "@/lib/cli/commands/pr";
import { DEFAULT_APP_PERMISSIONS } from "@/lib/demo/fake-github/app";
import { DEFAULT_TOKENS } from "@/lib/demo/fake-github/fixture";
import type { FakeRequest } from "@/lib/demo/fake-github/server";
import { runScan } from "@/lib/server/scan";
import { packageScope, runIncrementalScan } from "@/lib/server/scan/incremental";
import { type ScanEnv, appConfig, scanEnv } from "./scan-helpers";

/**
 * GitHub App mode end to end on the demo org: the App's JWT traded for installation tokens, every
 * org request made with them, the registry side with GHCR_TOKEN (a classic PAT beside the App),
 * refreshed tokens, and what a scan says when the App cannot be used or the registry cannot be read.
 */
const GHCR = "ghp_ghcrClassicPatForTheRegistry0123";
const withGhcrPat = (fixture: string) =>
  writeFileSync(path.join(fixture, "tokens.json"), JSON.stringify({
    ...DEFAULT_TOKENS,
    [GHCR]: { login: "registry-reader", scopes: ["read:packages"], member: true },
  }));

const ACCESS_TOKENS = "POST /app/installations/:installation_id/access_tokens";
/** the registry's challenge: the first request goes without credentials to learn the token realm (401, by design) */
const isChallenge = (r: FakeRequest) => r.kind === "registry" && r.auth.kind === "none" && r.status === 401;
const refused = (log: FakeRequest[]) => log.filter((r) => r.status === 401 && !isChallenge(r));
const ORG_INSTALLATION = "GET /orgs/:org/installation";
const isPackagesApi = (r: FakeRequest) => !!r.route?.startsWith("GET /orgs/:org/packages");
/** the org's REST and GraphQL, the App's own routes and the Packages API aside */
const orgRequests = (log: FakeRequest[]) =>
  log.filter((r) => (r.kind === "rest" || r.kind === "graphql") && r.route !== ACCESS_TOKENS && r.route !== ORG_INSTALLATION && !r.route?.startsWith("GET /app") && !isPackagesApi(r));

let envs: ScanEnv[] = [];
afterEach(async () => {
  await Promise.all(envs.map((e) => e.close()));
  envs = [];
});
async function env(opts: Parameters<typeof scanEnv>[1] = { app: {} }): Promise<ScanEnv> {
  const e = await scanEnv(withGhcrPat, opts);
  envs.push(e);
  return e;
}
const scan = (e: ScanEnv, config: ScanEnv["config"]) => runScan(e.db, { config, trigger: "manual" });
const fingerprints = (s: { findings: Array<{ fingerprint: string }> }) => s.findings.map((f) => f.fingerprint).sort();

describe("GitHub App mode", () => {
  it("scans the demo org end to end through installation tokens, with the registry read with GHCR_TOKEN: the same findings as a PAT", async () => {
    const patEnv = await env();
    const pat = await scan(patEnv, patEnv.config);
    expect(pat.status).toBe("succeeded");

    const e = await env();
    const s = await scan(e, appConfig(e, { registryToken: GHCR }));
    expect(s.status, JSON.stringify([s.error, s.repoErrors])).toBe("succeeded");
    expect(s.auth).toEqual({ kind: "app", appId: "4242", installationId: e.app!.installationId, registry: "ghcr-token" });
    // the same org, the same findings, live registry ones included
    expect(s.repos).toBe(pat.repos);
    expect(s.packages).toBe(pat.packages);
    expect(fingerprints(s)).toEqual(fingerprints(pat));
    expect(s.findings.some((f) => f.ruleId === "registry-tag-holds-cache")).toBe(true);

    const log = e.server.requests();
    // no installation id was given: the App found it with its JWT, then traded the JWT for one token
    expect(log.filter((r) => r.route === ORG_INSTALLATION)).toEqual([expect.objectContaining({ path: "/orgs/acme/installation", status: 200, auth: { kind: "app-jwt", appId: 4242 } })]);
    expect(log.filter((r) => r.route === ACCESS_TOKENS)).toEqual([expect.objectContaining({ method: "POST", status: 201, auth: { kind: "app-jwt", appId: 4242 } })]);
    // every org request (REST and GraphQL) carried that installation token
    const org = orgRequests(log);
    expect(org.some((r) => r.kind === "graphql")).toBe(true);
    for (const r of org) expect(r.auth, `${r.method} ${r.path}`).toEqual({ kind: "installation", installationId: e.app!.installationId, token: 1 });
    // the Packages API and the registry were read with GHCR_TOKEN, never with the App's token
    const packagesApi = log.filter(isPackagesApi);
    expect(packagesApi.length).toBeGreaterThan(0);
    for (const r of packagesApi) expect(r.auth).toEqual({ kind: "token", login: "registry-reader" });
    const registry = log.filter((r) => r.kind === "registry");
    expect(registry.filter((r) => r.route === "GET /token").length).toBeGreaterThan(0);
    expect(registry.filter(isChallenge)).toHaveLength(1);
    for (const r of registry.filter((x) => !isChallenge(x))) {
      if (r.route === "GET /token") expect(r.auth).toEqual({ kind: "token", login: "registry-reader" });
      else expect(r.auth).toEqual({ kind: "registry-token", login: "registry-reader" });
    }
    expect(refused(log)).toEqual([]);
    // the scan's own request count includes the App's two requests
    expect(s.requests.rest).toBe(log.filter((r) => r.kind === "rest").length);
  });

  it("without GHCR_TOKEN the scan says the registry was not read (partial), reads none of it and resolves no registry finding", async () => {
    const e = await env();
    const first = await scan(e, appConfig(e, { registryToken: GHCR }));
    expect(first.status).toBe("succeeded");
    // the package behind a live registry finding is deleted: a scan that reads the registry resolves it
    const live = first.findings.filter((f) => f.ruleId === "registry-tag-holds-cache");
    const pkg = /^ghcr\.io\/acme\/(.+):[^:]+$/.exec(live[0].ref)![1];
    const ofPkg = live.filter((f) => f.ref.startsWith(`ghcr.io/acme/${pkg}:`)).map((f) => f.fingerprint);
    rmSync(path.join(e.fixture, "packages", pkg), { recursive: true });
    e.server.reload();
    e.server.resetStats();

    const blind = await scan(e, appConfig(e));
    expect(blind.status).toBe("partial");
    expect(blind.auth?.registry).toBe("not-read");
    expect(blind.repoErrors).toEqual([{ repo: "packages", message: expect.stringMatching(/^the registry was not read: .*installation token.*set GHCR_TOKEN to a personal access token \(classic\) with read:packages/) }]);
    expect(blind.resolvedCount).toBe(0);
    const stillOpen = await e.db.finding.findMany({ where: { fingerprint: { in: ofPkg } } });
    expect(stillOpen.map((f) => f.resolvedScanId)).toEqual(ofPkg.map(() => null));
    // the workflows were read as usual; nothing of the registry or the Packages API was asked
    const log = e.server.requests();
    expect(orgRequests(log).length).toBeGreaterThan(0);
    expect(log.filter((r) => r.kind === "registry" || isPackagesApi(r))).toEqual([]);
    // the scan's page shows why: the stored scan row says partial and names the registry
    const row = await e.db.scan.findUniqueOrThrow({ where: { id: blind.scanId } });
    expect(row.status).toBe("partial");
    expect(JSON.parse(row.repoErrors)).toEqual([{ repo: "packages", message: blind.repoErrors[0].message }]);

    // with GHCR_TOKEN the same findings do resolve: the check above could have failed
    const seeing = await scan(e, appConfig(e, { registryToken: GHCR }));
    expect(seeing.status).toBe("succeeded");
    const after = await e.db.finding.findMany({ where: { fingerprint: { in: ofPkg } } });
    expect(after.every((f) => f.resolvedScanId === seeing.scanId)).toBe(true);
  });

  it("replaces short-lived installation tokens before they expire: a scan longer than a token's life sees no 401", async () => {
    // tokens live 2 s here (GitHub: an hour) and every answer takes 300 ms: the scan outlives its first token
    const e = await env({ app: { tokenLifetimeMs: 2000 }, fake: { latencyMs: 300 } });
    const s = await scan(e, appConfig(e, { registryToken: GHCR, installationId: e.app!.installationId }));
    expect(s.status, JSON.stringify([s.error, s.repoErrors])).toBe("succeeded");
    const log = e.server.requests();
    const exchanges = log.filter((r) => r.route === ACCESS_TOKENS);
    expect(exchanges.length).toBeGreaterThanOrEqual(2);
    expect(exchanges.every((r) => r.status === 201)).toBe(true);
    // the installation id was given: no lookup
    expect(log.filter((r) => r.route === ORG_INSTALLATION)).toEqual([]);
    const used = new Set(orgRequests(log).map((r) => (r.auth.kind === "installation" ? r.auth.token : -1)));
    expect(used.has(-1)).toBe(false);
    expect(used.size).toBeGreaterThanOrEqual(2);
    expect(refused(log)).toEqual([]);
    // and the fake does refuse a token once it has expired: the first one, now
    const first = e.server.installationTokens()[0];
    const res = await fetch(`${e.server.url}/orgs/acme/repos`, { headers: { authorization: `token ${first}` } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toBe("Bad credentials");
  });

  it("a JWT GitHub refuses (another key) fails the scan with a clear message and no key material", async () => {
    const e = await env();
    const other = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs1", format: "pem" } }).privateKey;
    const s = await scan(e, appConfig(e, { registryToken: GHCR, privateKey: other }));
    expect(s.status).toBe("failed");
    expect(s.error).toMatch(/^GitHub refused the GitHub App's JWT while finding the GitHub App's installation on 'acme' .*\(401: A JSON web token could not be decoded\): GITHUB_APP_PRIVATE_KEY must be a current private key of the App whose id is GITHUB_APP_ID \(4242\)/);
    for (const secret of [other, e.app!.privateKey]) {
      for (const line of secret.split("\n").filter((l) => l.length > 20)) expect(s.error).not.toContain(line);
    }
    expect(s.error).not.toMatch(/PRIVATE KEY|eyJ/); // no PEM, no JWT
    const row = await e.db.scan.findUniqueOrThrow({ where: { id: s.scanId } });
    expect(row).toMatchObject({ status: "failed", error: s.error });
    // nothing of the org was asked with it
    expect(orgRequests(e.server.requests())).toEqual([]);
  });

  it("opens a fix pull request as the App (Contents, Pull requests, Workflows: write); without Workflows it says which permission", async () => {
    const cli = async (e: ScanEnv) => {
      let stdout = "";
      let stderr = "";
      const code = await pr(["--org", "acme", "--api-url", e.server.url, "--repo", "billing", "--format", "json"], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) },
        { DATABASE_URL: e.dbUrl, GITHUB_APP_ID: String(e.app!.id), GITHUB_APP_PRIVATE_KEY: e.app!.privateKey, CACHEGUARD_URL: "http://cacheguard.test" });
      return { code, stdout, stderr };
    };
    const e = await env();
    expect((await scan(e, appConfig(e, { registryToken: GHCR }))).status).toBe("succeeded");
    e.server.resetStats();
    const opened = await cli(e);
    expect(opened.code, opened.stderr).toBe(0);
    expect(JSON.parse(opened.stdout).pullRequest).toMatchObject({ number: 1, state: "open", branch: "cacheguard/fix-all", files: [".github/workflows/release.yml"] });
    const writes = e.server.requests().filter((r) => r.method !== "GET" && r.route !== ACCESS_TOKENS);
    expect(writes.map((r) => r.route)).toContain("POST /repos/:owner/:repo/pulls");
    for (const r of writes) expect(r.auth, `${r.method} ${r.path}`).toMatchObject({ kind: "installation" });

    const { workflows: _w, ...noWorkflows } = DEFAULT_APP_PERMISSIONS;
    const limited = await env({ app: { permissions: noWorkflows } });
    expect((await scan(limited, appConfig(limited, { registryToken: GHCR }))).status).toBe("succeeded");
    const refusedPr = await cli(limited);
    expect(refusedPr.code).toBe(1);
    expect(refusedPr.stderr).toMatch(/GitHub refuses to let the GitHub App installation \(GITHUB_APP_ID\) change \.github\/workflows\/release\.yml: .*`workflows` permission/);
  });

  it("a wrong installation id, and a key that is no key, fail the scan saying which setting to fix", async () => {
    const e = await env();
    const wrongId = await scan(e, appConfig(e, { registryToken: GHCR, installationId: 999 }));
    expect(wrongId.status).toBe("failed");
    expect(wrongId.error).toMatch(/GitHub App 4242 has no installation 999 \(404 .*\): check GITHUB_APP_INSTALLATION_ID/);

    e.server.resetStats();
    const garbage = await scan(e, appConfig(e, { registryToken: GHCR, privateKey: "-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEAnotreallyakey\\n-----END RSA PRIVATE KEY-----" }));
    expect(garbage.status).toBe("failed");
    expect(garbage.error).toMatch(/^GITHUB_APP_PRIVATE_KEY is not a usable GitHub App private key: the PEM does not decode/);
    expect(garbage.error).not.toContain("notreallyakey");
    expect(e.server.requests()).toEqual([]);
  });
  it("a webhook's package re-read as the App without GHCR_TOKEN reads nothing and changes nothing (not 'gone')", async () => {
    const e = await env();
    const first = await scan(e, appConfig(e, { registryToken: GHCR }));
    const registryOpen = first.findings.filter((f) => f.ruleId === "registry-tag-holds-cache" && f.ref.startsWith("ghcr.io/acme/api:"));
    expect(registryOpen.length).toBeGreaterThan(0);
    const tagsBefore = await e.db.packageTag.count({ where: { package: { name: "api" } } });
    e.server.resetStats();
    const s = await runIncrementalScan(e.db, { config: appConfig(e), scope: packageScope("api"), afterScanTasks: [] });
    expect(s.status).toBe("partial");
    expect(s.repoErrors.map((r) => r.message).join(" ")).toMatch(/GHCR_TOKEN/);
    // no Packages API or registry request was made, the package and its tags are kept, no finding resolved
    expect(e.server.requests().filter((r) => isPackagesApi(r) || r.kind === "registry")).toEqual([]);
    expect(await e.db.packageTag.count({ where: { package: { name: "api" } } })).toBe(tagsBefore);
    expect(s.resolvedCount).toBe(0);
    const still = await e.db.finding.count({ where: { id: { in: (await e.db.finding.findMany({ where: { fingerprint: { in: registryOpen.map((f) => f.fingerprint) } } })).map((f) => f.id) }, resolvedScanId: null } });
    expect(still).toBe(registryOpen.length);
  });
});
