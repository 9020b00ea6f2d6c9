import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "@/lib/demo/fake-github/server";

const DEMO = path.resolve(import.meta.dirname, "../lib/demo/fixture");
const AUTH = { authorization: "Bearer demo-token" };

let fixture: string;
let gh: FakeGitHub;

beforeAll(async () => {
  // A private copy: some tests edit files between requests.
  fixture = mkdtempSync(path.join(tmpdir(), "fake-github-"));
  cpSync(DEMO, fixture, { recursive: true });
  gh = await startFakeGitHub({ fixture });
});
afterAll(async () => {
  await gh.close();
  rmSync(fixture, { recursive: true, force: true });
});
beforeEach(() => gh.resetStats());

const get = (p: string, headers: Record<string, string> = AUTH) => fetch(`${gh.url}${p}`, { headers });
const gitBlobSha = (bytes: Buffer) => createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
const demoRepos = () => [...new Set(readdirSync(path.join(DEMO, "repos")).map((n) => n.replace(/\.json$/, "")))].sort();

describe("REST", () => {
  it("lists org repos page by page with Link headers that Octokit's paginate follows", async () => {
    const res = await get("/orgs/acme/repos?per_page=5");
    const link = res.headers.get("link")!;
    expect(link).toMatch(/<http:\/\/127\.0\.0\.1:\d+\/orgs\/acme\/repos\?per_page=5&page=2>; rel="next"/);
    expect(link).toContain(`page=${Math.ceil(demoRepos().length / 5)}>; rel="last"`);
    expect(res.headers.get("x-ratelimit-remaining")).toBe("4999");
    expect(res.headers.get("x-oauth-scopes")).toBe("repo, read:org, read:packages, workflow");

    const octokit = new Octokit({ baseUrl: gh.url, auth: "demo-token" });
    const repos = await octokit.paginate(octokit.rest.repos.listForOrg, { org: "acme", per_page: 5 });
    expect(repos.map((r) => r.name).sort()).toEqual(demoRepos());
    expect(repos.find((r) => r.name === "legacy-monolith")).toMatchObject({ archived: true, default_branch: "master" });
    expect(repos.find((r) => r.name === "payments")).toMatchObject({ private: true, visibility: "private" });
    expect(gh.stats().rest).toBe(1 + Math.ceil(demoRepos().length / 5));
  });

  it("serves file contents and git trees that match git's own object ids", async () => {
    const octokit = new Octokit({ baseUrl: gh.url, auth: "demo-token" });
    const file = await octokit.rest.repos.getContent({ owner: "acme", repo: "api", path: ".github/workflows/ci.yml" });
    const onDisk = readFileSync(path.join(DEMO, "repos/api/.github/workflows/ci.yml"));
    expect(Array.isArray(file.data)).toBe(false);
    const data = file.data as { content: string; sha: string; encoding: string };
    expect(data.encoding).toBe("base64");
    expect(Buffer.from(data.content, "base64").equals(onDisk)).toBe(true);
    expect(data.sha).toBe(gitBlobSha(onDisk));

    const dir = await octokit.rest.repos.getContent({ owner: "acme", repo: "docs-site", path: ".github/workflows" });
    expect((dir.data as Array<{ name: string; type: string }>).map((e) => `${e.type}:${e.name}`)).toEqual(["file:preview.yml", "file:publish.yml"]);

    const tree = await octokit.rest.git.getTree({ owner: "acme", repo: "platform", tree_sha: "main", recursive: "1" });
    const paths = tree.data.tree.map((e) => `${e.type}:${e.path}`);
    expect(paths).toEqual(expect.arrayContaining(["tree:.github/workflows", "blob:.github/workflows/bake.yml", "blob:docker-bake.hcl"]));
    const hcl = tree.data.tree.find((e) => e.path === "docker-bake.hcl")!;
    const blob = await octokit.rest.git.getBlob({ owner: "acme", repo: "platform", file_sha: hcl.sha! });
    expect(Buffer.from(blob.data.content, "base64").toString()).toContain('target "gateway"');
  });

  it("answers bad credentials, missing scopes, unknown orgs and private repos like GitHub", async () => {
    const bad = await get("/orgs/acme", { authorization: "token nope" });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ message: "Bad credentials", documentation_url: expect.stringContaining("docs.github.com") });

    const unknown = await get("/orgs/nope");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ message: "Not Found" });

    const anonymous = await get("/repos/acme/payments", {});
    expect(anonymous.status).toBe(404);
    const anonList = (await (await get("/orgs/acme/repos?per_page=100", {})).json()) as Array<{ name: string }>;
    expect(anonList.map((r) => r.name)).not.toContain("payments");

    const noAuthPackages = await get("/orgs/acme/packages?package_type=container", {});
    expect(noAuthPackages.status).toBe(401);

    writeFileSync(path.join(fixture, "tokens.json"), JSON.stringify({ "demo-token": { login: "octocat", scopes: ["repo", "read:packages", "read:org"], member: true }, "repo-only": { login: "hubot", scopes: ["repo"] } }));
    try {
      const res = await get("/orgs/acme/packages?package_type=container", { authorization: "Bearer repo-only" });
      expect(res.status).toBe(403);
      expect((await res.json()).message).toBe("You need at least read:packages scope to list packages.");
      expect(res.headers.get("x-oauth-scopes")).toBe("repo");
    } finally {
      rmSync(path.join(fixture, "tokens.json"));
    }
  });

  it("lists packages and pages through thousands of untagged versions", async () => {
    const pkgs = (await (await get("/orgs/acme/packages?package_type=container&per_page=100")).json()) as Array<{ name: string; visibility: string; version_count: number }>;
    expect(pkgs.map((p) => p.name)).toEqual(expect.arrayContaining(["api", "web", "payments", "api-chart"]));
    expect(pkgs.find((p) => p.name === "payments")!.visibility).toBe("private");
    const api = pkgs.find((p) => p.name === "api")!;
    expect(api.version_count).toBeGreaterThan(2000);

    const first = await get("/orgs/acme/packages/container/api/versions?per_page=100");
    expect(first.headers.get("link")).toContain(`page=${Math.ceil(api.version_count / 100)}>; rel="last"`);
    const versions = (await first.json()) as Array<{ name: string; metadata: { container: { tags: string[] } } }>;
    expect(versions).toHaveLength(100);
    const release = versions.find((v) => v.metadata.container.tags.includes("v1.8.0"))!;
    expect(release.metadata.container.tags).toEqual(["latest", "v1.8.0"]);
    expect(release.name).toBe(`sha256:${createHash("sha256").update(readFileSync(path.join(DEMO, "packages/api/tags/v1.8.0.json"))).digest("hex")}`);
    const last = (await (await get(`/orgs/acme/packages/container/api/versions?per_page=100&page=${Math.ceil(api.version_count / 100)}`)).json()) as unknown[];
    expect(last).toHaveLength(api.version_count % 100 || 100);
  });

  it("exhausts a small rate limit with 403, remaining 0 and retry-after", async () => {
    const limited = await startFakeGitHub({ fixture, rateLimit: 2 });
    try {
      const h = { headers: AUTH };
      expect((await fetch(`${limited.url}/orgs/acme`, h)).status).toBe(200);
      expect((await fetch(`${limited.url}/orgs/acme`, h)).status).toBe(200);
      const third = await fetch(`${limited.url}/orgs/acme`, h);
      expect(third.status).toBe(403);
      expect(third.headers.get("x-ratelimit-remaining")).toBe("0");
      expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await third.json()).message).toMatch(/^API rate limit exceeded/);
      const g1 = await fetch(`${limited.url}/graphql`, { method: "POST", headers: AUTH, body: JSON.stringify({ query: "{ viewer { login } }" }) });
      await fetch(`${limited.url}/graphql`, { method: "POST", headers: AUTH, body: JSON.stringify({ query: "{ viewer { login } }" }) });
      const g3 = await fetch(`${limited.url}/graphql`, { method: "POST", headers: AUTH, body: JSON.stringify({ query: "{ viewer { login } }" }) });
      expect(g1.headers.get("x-ratelimit-resource")).toBe("graphql");
      expect((await g3.json()).errors[0].type).toBe("RATE_LIMITED");
    } finally {
      await limited.close();
    }
  });
});

describe("odd input", () => {
  it("serves a garbage manifest as-is, refuses prototype-named tokens, and reloads on request", async () => {
    const dir = path.join(fixture, "packages/broken/tags");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "v1.json"), "this is not json {");
    try {
      expect((await fetch(`${gh.url}/__reload`, { method: "POST" })).status).toBe(204);
      const tok = (await (await fetch(`${gh.url}/token?service=ghcr.io&scope=repository:acme/broken:pull`)).json()) as { token: string };
      const res = await fetch(`${gh.url}/v2/acme/broken/manifests/v1`, { headers: { authorization: `Bearer ${tok.token}`, accept: "application/vnd.oci.image.manifest.v1+json" } });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("this is not json {");
      expect(res.headers.get("docker-content-digest")).toBe(`sha256:${createHash("sha256").update("this is not json {").digest("hex")}`);
    } finally {
      rmSync(path.join(fixture, "packages/broken"), { recursive: true });
    }
    expect((await get("/orgs/acme", { authorization: "token constructor" })).status).toBe(401);
  });
});
