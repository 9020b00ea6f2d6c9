// The demo org, read back through the fake server the way a scan reads it, covers every rule.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeRepos } from "@/lib/engine/analyze";
import { rules } from "@/lib/engine/rules/index";
import { checkRegistryTags, type RegistryTagInfo } from "@/lib/engine/rules/registry-tag-holds-cache";
import { type ActionsCacheInfo, checkActionsCache, reposWithGhaBuilds, summarizeListing } from "@/lib/engine/rules/gha-cache-near-quota";
import { classifyManifest } from "@/lib/registry/classify";
import { startFakeGitHub, type FakeGitHub } from "@/lib/demo/fake-github/server";

const DEMO = path.resolve(import.meta.dirname, "../lib/demo/fixture");
const AUTH = { authorization: "bearer demo-token" };
const ACCEPT = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";
let gh: FakeGitHub;

beforeAll(async () => {
  gh = await startFakeGitHub({ fixture: DEMO });
});
afterAll(() => gh.close());

type Entry = { path: string; type: string; object: { text?: string | null; entries?: Entry[] } | null };
async function gql<T>(query: string): Promise<T> {
  const res = await fetch(`${gh.url}/graphql`, { method: "POST", headers: AUTH, body: JSON.stringify({ query }) });
  return ((await res.json()) as { data: T }).data;
}

async function readOrg() {
  const { organization } = await gql<{ organization: { repositories: { nodes: Array<{ name: string; isEmpty: boolean }> } } }>(
    `{ organization(login: "acme") { repositories(first: 100, isFork: false, isArchived: false) { nodes { name isEmpty } } } }`,
  );
  const names = organization.repositories.nodes.filter((n) => !n.isEmpty).map((n) => n.name);
  const aliases = names.map((n, i) => `r${i}: repository(owner: "acme", name: "${n}") { wf: object(expression: "HEAD:.github/workflows") { ... on Tree { entries { path type object { ... on Blob { text } } } } } bake: object(expression: "HEAD:docker-bake.hcl") { ... on Blob { text } } }`);
  const data = await gql<Record<string, { wf: { entries: Entry[] } | null; bake: { text: string } | null }>>(`{ ${aliases.join("\n")} }`);
  return names.map((name, i) => {
    const r = data[`r${i}`];
    const files = (r.wf?.entries ?? []).filter((e) => e.type === "blob").map((e) => ({ path: e.path, text: e.object?.text ?? "", repo: `acme/${name}` }));
    if (r.bake) files.push({ path: "docker-bake.hcl", text: r.bake.text, repo: `acme/${name}` });
    return { repo: `acme/${name}`, files };
  });
}

async function readTags(): Promise<RegistryTagInfo[]> {
  const pkgs = (await (await fetch(`${gh.url}/orgs/acme/packages?package_type=container&per_page=100`, { headers: AUTH })).json()) as Array<{ name: string }>;
  const out: RegistryTagInfo[] = [];
  for (const { name } of pkgs) {
    const tokenRes = await fetch(`${gh.url}/token?service=ghcr.io&scope=repository:acme/${name}:pull`, { headers: { authorization: `Basic ${Buffer.from("x:demo-token").toString("base64")}` } });
    const auth = { authorization: `Bearer ${((await tokenRes.json()) as { token: string }).token}` };
    const { tags } = (await (await fetch(`${gh.url}/v2/acme/${name}/tags/list`, { headers: auth })).json()) as { tags: string[] };
    for (const tag of tags) {
      const res = await fetch(`${gh.url}/v2/acme/${name}/manifests/${tag}`, { headers: { ...auth, accept: ACCEPT } });
      const kind = classifyManifest({ mediaType: res.headers.get("content-type")!, body: await res.json() }, { tag }).kind;
      out.push({ package: name, owner: "acme", tag, kind, digest: res.headers.get("docker-content-digest")! });
    }
  }
  return out;
}

/** The org's Actions cache usage, and the entries of the repositories with type=gha builds (the limit is an admin's read: not asked). */
async function readCaches(gha: Set<string>): Promise<ActionsCacheInfo[]> {
  const usage = (await (await fetch(`${gh.url}/orgs/acme/actions/cache/usage-by-repository?per_page=100`, { headers: AUTH })).json()) as {
    repository_cache_usages: Array<{ full_name: string; active_caches_size_in_bytes: number; active_caches_count: number }>;
  };
  const out: ActionsCacheInfo[] = [];
  for (const u of usage.repository_cache_usages) {
    const info: ActionsCacheInfo = { repo: u.full_name, usedBytes: u.active_caches_size_in_bytes, activeCaches: u.active_caches_count, readAt: new Date().toISOString(), limitBytes: null };
    if (gha.has(u.full_name)) {
      const entries = [];
      for (let page = 1; entries.length < u.active_caches_count; page++) {
        const got = (await (await fetch(`${gh.url}/repos/${u.full_name}/actions/caches?per_page=100&page=${page}`, { headers: AUTH })).json()) as {
          actions_caches: Array<{ key: string; size_in_bytes: number; created_at: string }>;
        };
        entries.push(...got.actions_caches.map((e) => ({ key: e.key, sizeInBytes: e.size_in_bytes, createdAt: e.created_at })));
      }
      info.listing = summarizeListing(entries, new Date().toISOString());
    }
    out.push(info);
  }
  return out;
}

describe("demo org fixture", () => {
  it("produces every rule's finding, in the repos its README names, and none in the clean ones", async () => {
    const repos = await readOrg();
    const result = await analyzeRepos(repos);
    const registry = checkRegistryTags(result.models, await readTags());
    const caches = checkActionsCache(result.models, await readCaches(reposWithGhaBuilds(result.models)));
    const findings = [...result.findings, ...registry, ...caches];
    expect(new Set(findings.map((f) => f.ruleId))).toEqual(new Set(rules.map((r) => r.id)));

    const byRepo = (repo: string) => result.findings.filter((f) => f.repo === `acme/${repo}`).map((f) => f.ruleId).sort();
    expect(byRepo("api")).toEqual(["cache-overwrites-image-tag"]);
    expect(byRepo("deploy")).toEqual(["cache-overwrites-other-image"]);
    expect(byRepo("e2e")).toEqual(["cache-ref-used-as-image"]);
    expect(byRepo("analytics")).toEqual(["cache-from-never-written"]);
    expect(byRepo("docs-site")).toContain("gha-cache-scope-shared");
    expect(byRepo("scheduler")).toEqual(["cache-overwritten-by-image"]);
    // an error, not the warning: the release job pushes the :latest the cache lands on
    expect(result.findings.filter((f) => f.repo === "acme/mailer").map((f) => `${f.ruleId} ${f.severity} ${f.ref}`)).toEqual([
      "cache-ref-implicit-latest error ghcr.io/acme/mailer:latest",
    ]);
    for (const clean of ["web", "handbook", "payments", "base-images", "status-page"]) expect(byRepo(clean)).toEqual([]);
    // docs-site's cache is 85 % full and BuildKit's entries are under a day old; base-images uses 23 %, handbook has no type=gha build
    expect(caches.map((f) => `${f.repo} ${f.severity} ${f.confidence}`)).toEqual(["acme/docs-site warning medium"]);
    expect(caches[0].message).toMatch(/holds 8\.5 GB in 309 entries: 85 % of GitHub's default limit of 10 GB \(assumed.*BuildKit's entries .* hold 7\.3 GB of it \(86 %, 306 of 309 entries\)\. It thrashes: the oldest entry still present was created 14 h before/);

    const held = registry.map((f) => `${f.severity} ${f.ref}`).sort();
    expect(held).toEqual([
      "error ghcr.io/acme/api:test",
      "error ghcr.io/acme/billing:latest",
      "error ghcr.io/acme/cli:edge",
      "error ghcr.io/acme/e2e-runner:cache",
      "error ghcr.io/acme/frontend:latest",
      "error ghcr.io/acme/gateway:main",
      "error ghcr.io/acme/worker:cpu",
      "error ghcr.io/acme/worker:gpu",
      "warning ghcr.io/acme/legacy:v3.1.0",
    ]);
  });
});
