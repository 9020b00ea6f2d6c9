/**
 * Every REST route the fake serves, asked the way clients ask it (found, not found, not allowed,
 * paged; writes also refused and invalid), each answer held against the response schema GitHub's description gives that operation
 * and status, its rate-limit headers and its `Link`; the rate-limit answers carry `retry-after`.
 * A route added to the fake without a probe here fails the coverage test.
 */
import { generateKeyPairSync, sign } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routes } from "@/lib/demo/fake-github/routes";
import { type FakeAppOptions, type FakeGitHub, startFakeGitHub } from "@/lib/demo/fake-github/server";
import { DEMO_FIXTURE } from "../scan-helpers";
import { type Exchange, recordingProxy, type RecordingProxy } from "./recording-proxy";
import { apiPath, judgeRest } from "./rest-judge";
import { tally } from "./tally";
import { type AppToken, callAs, type Probe, prepareWrites, type Token, writeProbes, type Written } from "./rest-write-probes";

const TOKENS: Record<Exclude<Token, "bad-token" | null | AppToken>, { login: string; scopes: string[]; member: boolean }> = {
  "demo-token": { login: "octocat", scopes: ["repo", "read:org", "read:packages"], member: true },
  // admin:repository: the scope GitHub's description names for a repository's Actions cache storage limit
  "demo-admin-token": { login: "octocat", scopes: ["admin:org", "admin:repository"], member: true },
  "delete-token": { login: "octocat", scopes: ["read:packages", "delete:packages"], member: true },
  "no-scope-token": { login: "hubot", scopes: [], member: true },
  "outsider-token": { login: "stranger", scopes: ["repo", "read:org", "read:packages"], member: false },
};
let dir = "";
let fake: FakeGitHub;
let proxy: RecordingProxy;

/** The fake's GitHub App: a key pair made here, the public half given to the fake. */
const APP_KEYS = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
const OTHER_KEY = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } }).privateKey;
const APP: FakeAppOptions = { id: 90210, slug: "cacheguard-contract", publicKey: APP_KEYS.publicKey };

/** An App JWT as GitHub's docs describe it (RS256; iat, exp, iss), claims shifted to make the bad ones. */
function jwt(claims: { iat?: number; exp?: number; iss?: unknown }, key = APP_KEYS.privateKey): string {
  const now = Math.floor(Date.now() / 1000);
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const body = `${b64({ alg: "RS256", typ: "JWT" })}.${b64({ iat: now - 30, exp: now + 540, iss: APP.id, ...claims })}`;
  return `${body}.${sign("sha256", Buffer.from(body), key).toString("base64url")}`;
}

/** What each App token name stands for: JWTs made now, installation tokens asked of the shared fake once. */
const credentials: Partial<Record<AppToken, string>> = {};

async function appCredentials(base: string): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  Object.assign(credentials, {
    "app-jwt": jwt({}),
    "expired-jwt": jwt({ iat: now - 700, exp: now - 100 }),
    "long-jwt": jwt({ iat: now - 30, exp: now + 3600 }),
    "future-iat-jwt": jwt({ iat: now + 600, exp: now + 900 }),
    "wrong-key-jwt": jwt({}, OTHER_KEY),
    "wrong-iss-jwt": jwt({ iss: 1 }),
    "garbage-jwt": "not.a.jwt",
  });
  const id = fake.app!.installationId;
  const token = async (body: unknown) => {
    const res = await fetch(`${base}/app/installations/${id}/access_tokens`, { method: "POST", headers: { authorization: `Bearer ${credentials["app-jwt"]}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    return ((await res.json()) as { token: string }).token;
  };
  credentials["installation-token"] = await token({});
  credentials["narrow-installation-token"] = await token({ repositories: ["api"] });
  credentials["readonly-installation-token"] = await token({ permissions: { contents: "read", metadata: "read" } });
  credentials["no-workflows-installation-token"] = await token({ permissions: { contents: "write", pull_requests: "write", metadata: "read" } });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "cg-contract-"));
  const fixture = path.join(dir, "fixture");
  cpSync(DEMO_FIXTURE, fixture, { recursive: true });
  writeFileSync(path.join(fixture, "tokens.json"), JSON.stringify(TOKENS));
  // a private repository without GitHub Advanced Security: code scanning refuses its uploads
  writeFileSync(path.join(fixture, "repos", "payments.json"), JSON.stringify({ private: true, advanced_security: false }));
  // a repository that sets its own Actions cache storage limit
  const baseImages = path.join(fixture, "repos", "base-images.json");
  const meta = JSON.parse(readFileSync(baseImages, "utf8")) as { actions_cache: Record<string, unknown> };
  writeFileSync(baseImages, JSON.stringify({ ...meta, actions_cache: { ...meta.actions_cache, storage_limit_gb: 25 } }));
  fake = await startFakeGitHub({ fixture, port: 0, reload: "manual", app: APP });
  proxy = await recordingProxy(fake.url);
  await appCredentials(fake.url);
});
afterAll(async () => {
  await proxy?.close();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function askOf(to: RecordingProxy, p: Probe): Promise<Exchange> {
  const name = p.token === undefined ? "demo-token" : p.token;
  const token = name === null ? null : (credentials[name as AppToken] ?? name);
  const headers = { accept: "application/vnd.github+json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...(p.body !== undefined ? { "content-type": "application/json" } : {}) };
  const res = await fetch(`${to.url}${p.path}`, { method: p.method ?? "GET", headers, body: p.body === undefined ? undefined : JSON.stringify(p.body) });
  await res.arrayBuffer();
  return to.exchanges.at(-1)!;
}

async function ask(p: Probe): Promise<Exchange> {
  if (!p.fresh) return askOf(proxy, p);
  const own = await startFakeGitHub({ fixture: path.join(dir, "fixture"), port: 0, reload: "manual", app: APP });
  const ownProxy = await recordingProxy(own.url);
  try {
    return await askOf(ownProxy, p);
  } finally {
    await ownProxy.close();
    await own.close();
  }
}

const WORKFLOW = ".github/workflows/ci.yml";

/** The probes, by the fake's route name (`/__stats` byRoute): what each route answers, and how. */
function probes(blobSha: string, written: Written, installationId = 0): Record<string, Probe[]> {
  const inst = `/app/installations/${installationId}`;
  return {
    ...writeProbes(written, installationId),
    // the App's own routes: its JWT, and GitHub's 401 for every JWT it would not take (and for anything else)
    "GET /app": [
      { path: "/app", token: "app-jwt", status: 200 },
      { path: "/app", token: "expired-jwt", status: 401 },
      { path: "/app", token: "long-jwt", status: 401 },
      { path: "/app", token: "future-iat-jwt", status: 401 },
      { path: "/app", token: "wrong-key-jwt", status: 401 },
      { path: "/app", token: "wrong-iss-jwt", status: 401 },
      { path: "/app", token: "garbage-jwt", status: 401 },
      { path: "/app", token: "installation-token", status: 401 },
      { path: "/app", status: 401 },
      { path: "/app", token: null, status: 401 },
    ],
    "GET /app/installations": [
      { path: "/app/installations", token: "app-jwt", status: 200 },
      { path: "/app/installations?per_page=1&page=1", token: "app-jwt", status: 200 },
      { path: "/app/installations?per_page=1&page=2", token: "app-jwt", status: 200 },
      { path: "/app/installations", token: "demo-token", status: 401 },
    ],
    "GET /app/installations/:installation_id": [
      { path: inst, token: "app-jwt", status: 200 },
      { path: "/app/installations/1", token: "app-jwt", status: 404 },
      { path: inst, token: "expired-jwt", status: 401 },
      { path: inst, token: "installation-token", status: 401 },
    ],
    "GET /orgs/:org/installation": [
      { path: "/orgs/acme/installation", token: "app-jwt", status: 200 },
      { path: "/orgs/nobody/installation", token: "app-jwt", status: 404 },
      { path: "/orgs/acme/installation", token: "demo-token", status: 401 },
      { path: "/orgs/acme/installation", token: null, status: 401 },
    ],
    "GET /orgs/:org": [{ path: "/orgs/acme", status: 200 }, { path: "/orgs/acme", token: null, status: 200 }, { path: "/orgs/nobody", status: 404 }],
    "GET /orgs/:org/repos": [
      { path: "/orgs/acme/repos", status: 200 },
      { path: "/orgs/acme/repos?per_page=5&sort=full_name", status: 200 },
      { path: "/orgs/acme/repos?per_page=5&page=3&sort=full_name", status: 200 },
      { path: "/orgs/acme/repos?per_page=5&page=6&sort=full_name", status: 200 },
      { path: "/orgs/acme/repos", token: null, status: 200 },
      { path: "/orgs/acme/repos", token: "bad-token", status: 401 },
      { path: "/orgs/nobody/repos", status: 404 },
      { path: "/orgs/acme/repos", token: "installation-token", status: 200 },
      { path: "/orgs/acme/repos", token: "narrow-installation-token", status: 200 },
      { path: "/orgs/acme/repos", token: "app-jwt", status: 401 },
    ],
    "GET /orgs/:org/packages": [
      { path: "/orgs/acme/packages?package_type=container", status: 200 },
      { path: "/orgs/acme/packages?package_type=container&per_page=4&page=2", status: 200 },
      { path: "/orgs/acme/packages?package_type=container&visibility=private", status: 200 },
      { path: "/orgs/acme/packages?package_type=container", token: "outsider-token", status: 200 },
      { path: "/orgs/acme/packages?package_type=npm", status: 200 },
      { path: "/orgs/acme/packages", status: 400 },
      { path: "/orgs/acme/packages?package_type=container", token: null, status: 401 },
      { path: "/orgs/acme/packages?package_type=container", token: "no-scope-token", status: 403 },
      { path: "/orgs/nobody/packages?package_type=container", status: 404 },
      // the Packages API takes no installation token (GitHub documents a personal access token (classic))
      { path: "/orgs/acme/packages?package_type=container", token: "installation-token", status: 400 },
    ],
    "GET /orgs/:org/packages/:type/:name": [
      { path: "/orgs/acme/packages/container/api", status: 200 },
      { path: "/orgs/acme/packages/container/payments", status: 200 },
      { path: "/orgs/acme/packages/container/payments", token: "outsider-token", status: 404 },
      { path: "/orgs/acme/packages/container/nothing", status: 404 },
      { path: "/orgs/acme/packages/container/api", token: "installation-token", status: 404 },
    ],
    "GET /orgs/:org/packages/:type/:name/versions": [
      { path: "/orgs/acme/packages/container/api/versions?per_page=100&state=active", status: 200 },
      { path: "/orgs/acme/packages/container/api/versions?per_page=100&page=21", status: 200 },
      { path: "/orgs/acme/packages/container/web/versions", status: 200 },
      { path: "/orgs/acme/packages/container/api/versions", token: null, status: 401 },
      { path: "/orgs/acme/packages/container/nothing/versions", status: 404 },
      { path: "/orgs/acme/packages/container/api/versions", token: "installation-token", status: 404 },
    ],
    "GET /orgs/:org/properties/schema": [
      { path: "/orgs/acme/properties/schema", status: 200 },
      { path: "/orgs/acme/properties/schema", token: null, status: 401 },
      { path: "/orgs/acme/properties/schema", token: "outsider-token", status: 403 },
      { path: "/orgs/nobody/properties/schema", status: 404 },
    ],
    "GET /orgs/:org/properties/values": [
      { path: "/orgs/acme/properties/values", status: 200 },
      { path: "/orgs/acme/properties/values?per_page=5&page=2", status: 200 },
      { path: "/orgs/acme/properties/values", token: null, status: 401 },
      { path: "/orgs/acme/properties/values", token: "outsider-token", status: 403 },
      { path: "/orgs/acme/properties/values", token: "no-scope-token", status: 403 },
      { path: "/orgs/nobody/properties/values", status: 404 },
    ],
    "GET /orgs/:org/members/:user": [
      { path: "/orgs/acme/members/octocat", status: 204 },
      { path: "/orgs/acme/members/stranger", status: 404 },
      { path: "/orgs/acme/members/octocat", token: null, status: 401 },
      { path: "/orgs/acme/members/octocat", token: "installation-token", status: 204 },
      { path: "/orgs/acme/members/stranger", token: "installation-token", status: 404 },
      { path: "/orgs/acme/members/octocat", token: "readonly-installation-token", status: 403 },
    ],
    "GET /orgs/:org/actions/cache/usage-by-repository": [
      { path: "/orgs/acme/actions/cache/usage-by-repository", status: 200 },
      { path: "/orgs/acme/actions/cache/usage-by-repository?per_page=1&page=1", status: 200 },
      { path: "/orgs/acme/actions/cache/usage-by-repository?per_page=1&page=2", status: 200 },
      { path: "/orgs/acme/actions/cache/usage-by-repository?per_page=1&page=3", status: 200 },
      { path: "/orgs/acme/actions/cache/usage-by-repository", token: null, status: 401 },
      { path: "/orgs/acme/actions/cache/usage-by-repository", token: "no-scope-token", status: 403 },
      { path: "/orgs/acme/actions/cache/usage-by-repository", token: "outsider-token", status: 404 },
      { path: "/orgs/nobody/actions/cache/usage-by-repository", status: 404 },
      { path: "/orgs/acme/actions/cache/usage-by-repository", token: "installation-token", status: 200 },
      { path: "/orgs/acme/actions/cache/usage-by-repository", token: "readonly-installation-token", status: 403 },
    ],
    "GET /repos/:owner/:repo/actions/caches": [
      { path: "/repos/acme/docs-site/actions/caches", status: 200 },
      { path: "/repos/acme/docs-site/actions/caches?per_page=100&page=2", status: 200 },
      { path: "/repos/acme/docs-site/actions/caches?per_page=100&page=4", status: 200 },
      { path: "/repos/acme/docs-site/actions/caches?key=index-&sort=created_at&direction=asc", status: 200 },
      { path: "/repos/acme/docs-site/actions/caches?ref=refs/pull/57/merge&sort=size_in_bytes", status: 200 },
      { path: "/repos/acme/web/actions/caches", status: 200 },
      { path: "/repos/acme/payments/actions/caches", token: "outsider-token", status: 404 },
      { path: "/repos/acme/nothing/actions/caches", status: 404 },
      { path: "/repos/acme/docs-site/actions/caches", token: null, status: 401 },
      { path: "/repos/acme/docs-site/actions/caches", token: "no-scope-token", status: 403 },
      { path: "/repos/acme/docs-site/actions/caches", token: "installation-token", status: 200 },
      { path: "/repos/acme/docs-site/actions/caches", token: "readonly-installation-token", status: 403 },
    ],
    "GET /repos/:owner/:repo/actions/cache/storage-limit": [
      { path: "/repos/acme/base-images/actions/cache/storage-limit", token: "demo-admin-token", status: 200 },
      { path: "/repos/acme/docs-site/actions/cache/storage-limit", token: "demo-admin-token", status: 200 },
      { path: "/repos/acme/docs-site/actions/cache/storage-limit", status: 403 },
      { path: "/repos/acme/nothing/actions/cache/storage-limit", token: "demo-admin-token", status: 404 },
      { path: "/repos/acme/docs-site/actions/cache/storage-limit", token: null, status: 401 },
      { path: "/repos/acme/docs-site/actions/cache/storage-limit", token: "installation-token", status: 403 },
    ],
    "GET /repos/:owner/:repo": [
      { path: "/repos/acme/api", status: 200 },
      { path: "/repos/acme/payments", status: 200 },
      { path: "/repos/acme/legacy-monolith", status: 200 },
      { path: "/repos/acme/payments", token: "outsider-token", status: 404 },
      { path: "/repos/acme/nothing", status: 404 },
      { path: "/repos/acme/payments", token: "installation-token", status: 200 },
      { path: "/repos/acme/payments", token: "narrow-installation-token", status: 404 },
      { path: "/repos/acme/api", token: "narrow-installation-token", status: 200 },
    ],
    "GET /repos/:owner/:repo/contents/:path": [
      { path: `/repos/acme/api/contents/${WORKFLOW}`, status: 200 },
      { path: `/repos/acme/api/contents/${WORKFLOW}?ref=main`, status: 200 },
      { path: "/repos/acme/api/contents/.github/workflows", status: 200 },
      { path: "/repos/acme/ci-actions/contents/docker-build?ref=v1", status: 200 },
      { path: `/repos/acme/api/contents/${WORKFLOW}?ref=no-such-branch`, status: 404 },
      { path: "/repos/acme/api/contents/no/such/file.yml", status: 404 },
      { path: "/repos/acme/sandbox/contents/README.md", status: 404 },
    ],
    "GET /repos/:owner/:repo/git/trees/:ref": [
      { path: "/repos/acme/api/git/trees/HEAD", status: 200 },
      { path: "/repos/acme/api/git/trees/main?recursive=1", status: 200 },
      { path: "/repos/acme/ci-actions/git/trees/v1?recursive=true", status: 200 },
      { path: "/repos/acme/api/git/trees/no-such-ref", status: 404 },
      { path: "/repos/acme/sandbox/git/trees/HEAD", status: 409 },
    ],
    "GET /repos/:owner/:repo/git/blobs/:sha": [
      { path: `/repos/acme/api/git/blobs/${blobSha}`, status: 200 },
      { path: `/repos/acme/api/git/blobs/${"0".repeat(40)}`, status: 404 },
    ],
    "GET /user": [{ path: "/user", status: 200 }, { path: "/user", token: null, status: 401 }, { path: "/user", token: "bad-token", status: 401 }, { path: "/user", token: "installation-token", status: 403 }],
    "GET /user/orgs": [{ path: "/user/orgs", status: 200 }, { path: "/user/orgs", token: "outsider-token", status: 200 }, { path: "/user/orgs", token: null, status: 401 }, { path: "/user/orgs", token: "installation-token", status: 403 }],
    "GET /users/:login": [{ path: "/users/octocat", status: 200 }, { path: "/users/acme", status: 200 }],
    "GET /rate_limit": [{ path: "/rate_limit", status: 200 }, { path: "/rate_limit", token: null, status: 200 }],
  };
}

describe("every REST route the fake serves, held against GitHub's REST description", () => {
  let all: Record<string, Probe[]> = {};

  beforeAll(async () => {
    const tree = (await (await fetch(`${fake.url}/repos/acme/api/git/trees/HEAD?recursive=1`, { headers: { authorization: "Bearer demo-token" } })).json()) as { tree: Array<{ path: string; sha: string }> };
    all = probes(tree.tree.find((e) => e.path === WORKFLOW)!.sha, await prepareWrites(callAs(fake.url)), fake.app!.installationId);
  });

  it.each(routes.filter((r) => r.kind === "rest").map((r) => r.name))("%s: status, body and headers as GitHub documents them", async (name) => {
    const list = all[name];
    expect(list, `no contract probe for ${name}: add its answers to tests/contract/rest-routes.test.ts`).toBeDefined();
    const problems: string[] = [];
    for (const p of list) {
      const e = await ask(p);
      const who = `${p.method ?? "GET"} ${p.path} (${p.token === undefined ? "demo-token" : String(p.token)})`;
      if (e.status !== p.status) problems.push(`${who}: status ${e.status}, expected ${p.status}`);
      const judged = judgeRest(e);
      problems.push(...judged.problems.map((x) => `${who}: ${x}`));
      if (judged.problems.length === 0) {
        tally("REST operations validated", judged.operation!.operationId);
        tally("REST answers validated", judged.id);
      }
    }
    expect(problems).toEqual([]);
  });

  it("pages as GitHub does: a Link with next and last on page 1, all four in the middle, prev and first on the last page", async () => {
    const at = async (page: number) => (await ask({ path: `/orgs/acme/repos?per_page=5&page=${page}&sort=full_name`, status: 200 })).headers.link ?? "";
    const rels = (link: string) => [...link.matchAll(/rel="(\w+)"/g)].map((m) => m[1]);
    const first = await at(1);
    expect(rels(first)).toEqual(["next", "last"]);
    const last = Number(/[?&]page=(\d+)[^>]*>; rel="last"/.exec(first)?.[1]);
    expect(last).toBeGreaterThan(3);
    expect(rels(await at(3))).toEqual(["prev", "next", "last", "first"]);
    // the last page of the demo org's repositories, five a page (it grows as the demo does)
    const all = (await (await fetch(`${fake.url}/orgs/acme/repos?per_page=100`, { headers: { authorization: "Bearer demo-token" } })).json()) as unknown[];
    expect(rels(await at(Math.ceil(all.length / 5)))).toEqual(["prev", "first"]);
    expect(await at(1)).toMatch(new RegExp(`^<${proxy.url.replace(/[.:/]/g, "\\$&")}/orgs/acme/repos\\?per_page=5&page=2&sort=full_name>; rel="next"`.replace("\\?per_page=5&page=2&sort=full_name", "\\?[^>]*page=2[^>]*")));
  });
});

describe("rate limits, as GitHub answers them", () => {
  async function withFake<T>(opts: Parameters<typeof startFakeGitHub>[0] extends infer O ? Partial<O> : never, run: (url: string) => Promise<T>): Promise<T> {
    const f = await startFakeGitHub({ fixture: path.join(dir, "fixture"), port: 0, reload: "manual", ...opts });
    try {
      return await run(f.url);
    } finally {
      await f.close();
    }
  }
  const get = async (url: string): Promise<Exchange> => {
    const res = await fetch(url, { headers: { authorization: "Bearer demo-token" } });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => { headers[k] = v; });
    return { method: "GET", url: new URL(url).pathname + new URL(url).search, requestBody: "", status: res.status, headers, body: await res.text() };
  };

  it.each(["403-secondary", "429"] as const)("a secondary limit (%s) says how long to wait in retry-after, with GitHub's error body", async (kind) => {
    const e = await withFake({ faults: { rate: 1, kinds: [kind], max: 1 } }, (url) => get(`${url}/orgs/acme/packages?package_type=container`));
    expect(e.status).toBe(kind === "429" ? 429 : 403);
    expect(e.headers["retry-after"]).toMatch(/^\d+$/);
    expect(JSON.parse(e.body).message).toMatch(/secondary rate limit/);
    // a fault is sent before the request is authenticated: its rate-limit headers are not judged
    const judged = judgeRest(e, { rateHeaders: false });
    expect(judged.problems).toEqual([]);
    tally("REST answers validated", judged.id);
  });

  it("the primary limit answers 403 with remaining 0, the reset time and retry-after; GET /rate_limit still answers", async () => {
    await withFake({ rateLimit: 2 }, async (url) => {
      for (let i = 0; i < 2; i++) expect((await get(`${url}/orgs/acme`)).status).toBe(200);
      const e = await get(`${url}/orgs/acme`);
      expect(e.status).toBe(403);
      expect(e.headers["x-ratelimit-remaining"]).toBe("0");
      expect(Number(e.headers["x-ratelimit-reset"])).toBeGreaterThan(Date.now() / 1000);
      expect(e.headers["retry-after"]).toMatch(/^\d+$/);
      const judged = judgeRest(e);
      expect(judged.problems).toEqual([]);
      tally("REST answers validated", judged.id);
      const limit = await get(`${url}/rate_limit`);
      expect(limit.status).toBe(200);
      expect(judgeRest(limit).problems).toEqual([]);
      expect(JSON.parse(limit.body).resources.core.remaining).toBe(0);
    });
  });
});

it("probes name real routes only", () => {
  const names = new Set(routes.map((r) => r.name));
  for (const name of Object.keys(probes("x", { head: "x", baseTree: "x", tree: "x", commit: "x", workflowCommit: "x", sarifId: "x", failedSarifId: "x" }))) expect(names, name).toContain(name);
  expect(apiPath("/api/v3/orgs/acme")).toBe("/orgs/acme");
});
