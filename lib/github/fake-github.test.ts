// Integration: the GitHub and registry clients against helper E's fake GitHub + GHCR server.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "@/lib/demo/fake-github/server";
import { createRegistryClient } from "@/lib/registry/client";
import { classifyManifest } from "@/lib/registry/classify";
import { inspectRef } from "@/lib/registry/inspect";
import { createGitHub, newStats } from "./client";
import { fetchFilesByPath, fetchWorkflowFiles } from "./files";
import { listContainerPackages, listPackageVersions } from "./packages";
import { listOrgRepos, listOrgReposReport } from "./repos";

const TOKEN = "demo-token";
const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const dg = (c: string) => `sha256:${c.repeat(64)}`;
const WORKFLOW = (i: number) => `name: ci\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${i}\n`;

let root: string;
let fake: FakeGitHub;

function write(rel: string, content: string | Buffer) {
  const f = path.join(root, rel);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, content);
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), "cg-fixture-"));
  write("org.json", JSON.stringify({ login: "bigorg" }));
  write("tokens.json", JSON.stringify({
    "demo-token": { login: "octocat", scopes: ["repo", "read:org", "read:packages"], member: true },
    "no-packages-token": { login: "octocat", scopes: ["repo", "read:org"], member: true },
  }));
  for (let i = 0; i < 130; i++) {
    const name = `svc-${String(i).padStart(3, "0")}`;
    if (i === 8) {
      write(`repos/${name}.json`, JSON.stringify({ empty: true }));
      continue;
    }
    if (i < 5) write(`repos/${name}.json`, JSON.stringify({ archived: true }));
    else if (i < 8) write(`repos/${name}.json`, JSON.stringify({ fork: true }));
    if (i === 13) {
      write(`repos/${name}/README.md`, "no workflows here\n");
      continue;
    }
    write(`repos/${name}/.github/workflows/ci.yml`, WORKFLOW(i));
    write(`repos/${name}/.github/workflows/notes.md`, "not a workflow\n");
  }
  // a workflow over GraphQL's 512,000-byte text limit, a binary .yml, bake files
  write("repos/svc-010/.github/workflows/huge.yaml", `# ${"x".repeat(600_000)}\non: push\n`);
  write("repos/svc-011/.github/workflows/bin.yml", Buffer.from([0x6f, 0x6e, 0x00, 0x01, 0x02, 0x03]));
  write("repos/svc-012/docker-bake.hcl", 'target "app" {\n  tags = ["ghcr.io/bigorg/app:latest"]\n}\n');
  write("repos/svc-012/deploy/compose.yaml", "services: {}\n");

  const image = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: dg("a"), size: 1 }, layers: [] };
  write("packages/app/tags/latest.json", JSON.stringify({
    schemaVersion: 2, mediaType: OCI_INDEX,
    manifests: [
      { mediaType: OCI_MANIFEST, digest: dg("1"), size: 1, platform: { os: "linux", architecture: "amd64" } },
      { mediaType: OCI_MANIFEST, digest: dg("2"), size: 1, platform: { os: "linux", architecture: "arm64" } },
      { mediaType: OCI_MANIFEST, digest: dg("3"), size: 1, platform: { os: "unknown", architecture: "unknown" }, annotations: { "vnd.docker.reference.type": "attestation-manifest" } },
    ],
  }));
  write("packages/app/tags/v1.json", JSON.stringify(image));
  write("packages/app/tags/test.json", JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: "application/vnd.buildkit.cacheconfig.v0", digest: dg("b"), size: 1 }, layers: [] }));
  write("packages/app/tags/buildcache.json", JSON.stringify({
    schemaVersion: 2, mediaType: OCI_INDEX,
    manifests: [
      { mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: dg("c"), size: 10 },
      { mediaType: "application/vnd.buildkit.cacheconfig.v0", digest: dg("d"), size: 10 },
    ],
  }));
  write("packages/app/tags/broken.json", "this is not json");
  for (let t = 0; t < 30; t++) write(`packages/many/tags/t${String(t).padStart(2, "0")}.json`, JSON.stringify({ ...image, annotations: { n: String(t) } }));
  write("packages/many/package.json", JSON.stringify({ untagged_versions: 950 }));
  fake = await startFakeGitHub({ fixture: root, port: 0 });
});

afterAll(async () => {
  await fake?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

async function serverStats(): Promise<{ rest: number; graphql: number; registry: number }> {
  return (await fetch(`${fake.url}/__stats`)).json() as Promise<{ rest: number; graphql: number; registry: number }>;
}
async function resetStats() {
  await fetch(`${fake.url}/__stats/reset`, { method: "POST" });
}

describe("against the fake GitHub server", () => {
  it("lists >100 repositories in 100-repo GraphQL pages and reports what it skipped", async () => {
    await resetStats();
    const stats = newStats();
    const gh = createGitHub({ apiUrl: fake.url, token: TOKEN }, stats);
    const listing = await listOrgReposReport(gh, "bigorg");
    expect(listing.total).toBe(130);
    expect(listing.skipped).toEqual({ archived: 5, forks: 3, empty: 1 });
    expect(listing.repos).toHaveLength(121);
    expect(listing.repos[0]).toMatchObject({ nameWithOwner: "bigorg/svc-009", defaultBranch: "main", archived: false, fork: false });
    expect(listing.repos[0].headOid).toMatch(/^[0-9a-f]{40}$/);
    expect((await serverStats()).graphql).toBe(2);
    expect(stats.graphql).toBe(2);
    const all = await listOrgRepos(gh, "bigorg", { includeArchived: true, includeForks: true });
    expect(all).toHaveLength(129);
  });

  it("fetches every workflow of 121 repos in ceil(121/25) aliased GraphQL requests", async () => {
    const gh = createGitHub({ apiUrl: fake.url, token: TOKEN });
    const repos = await listOrgRepos(gh, "bigorg");
    await resetStats();
    const got = await fetchWorkflowFiles(gh, "bigorg", repos);
    const s = await serverStats();
    expect(s.graphql).toBe(5);
    expect(s.rest).toBe(1); // the truncated blob, by REST
    expect(got.size).toBe(121);
    const svc20 = got.get("svc-020")!;
    expect(svc20.error).toBeUndefined();
    expect(svc20.files.map((f) => f.path)).toEqual([".github/workflows/ci.yml"]);
    expect(svc20.files[0].text).toBe(WORKFLOW(20));
    expect(svc20.files[0].sha).toMatch(/^[0-9a-f]{40}$/);
    expect(got.get("svc-013")).toEqual({ files: [], rootEntries: [{ name: "README.md", type: "blob" }], codeowners: null });
    const huge = got.get("svc-010")!.files.find((f) => f.path.endsWith("huge.yaml"))!;
    expect(huge.truncated).toBe(true);
    expect(huge.text?.length).toBe(huge.byteSize);
    expect(huge.text?.endsWith("on: push\n")).toBe(true);
    const bin = got.get("svc-011")!.files.find((f) => f.path.endsWith("bin.yml"))!;
    expect(bin).toMatchObject({ binary: true, text: null });
  });

  it("reports a missing repository per repo, not for the whole batch", async () => {
    const gh = createGitHub({ apiUrl: fake.url, token: TOKEN });
    const got = await fetchWorkflowFiles(gh, "bigorg", [{ name: "svc-020" }, { name: "no-such-repo" }]);
    expect(got.get("svc-020")!.files).toHaveLength(1);
    expect(got.get("no-such-repo")!.error).toMatch(/not found/);
  });

  it("fetches named files with one aliased request and leaves out missing ones", async () => {
    const gh = createGitHub({ apiUrl: fake.url, token: TOKEN });
    await resetStats();
    const got = await fetchFilesByPath(gh, "bigorg", [
      { repo: "svc-012", paths: ["docker-bake.hcl", "./deploy/compose.yaml", "docker-bake.json", "deploy"] },
      { repo: "svc-020", paths: ["docker-bake.hcl"] },
    ]);
    expect((await serverStats()).graphql).toBe(1);
    expect(got.get("svc-012")!.map((f) => f.path)).toEqual(["docker-bake.hcl", "deploy/compose.yaml"]);
    expect(got.get("svc-012")![0].text).toContain('target "app"');
    expect(got.get("svc-020")).toEqual([]);
  });

  it("lists container packages", async () => {
    const gh = createGitHub({ apiUrl: fake.url, token: TOKEN });
    const pkgs = await listContainerPackages(gh, "bigorg");
    expect(pkgs.map((p) => p.name).sort()).toEqual(["app", "many"]);
    expect(pkgs[0].updatedAt).toMatch(/^\d{4}-/);
  });

  it("gives clear errors: bad token, missing read:packages scope, unknown org", async () => {
    const bad = createGitHub({ apiUrl: fake.url, token: "ghp_notAValidToken1234567890" });
    await expect(listOrgRepos(bad, "bigorg")).rejects.toThrow("GitHub rejected the token (401 Bad credentials)");
    const noPkgs = createGitHub({ apiUrl: fake.url, token: "no-packages-token" });
    await expect(listContainerPackages(noPkgs, "bigorg")).rejects.toThrow(/read:packages/);
    const gh = createGitHub({ apiUrl: fake.url, token: TOKEN });
    await expect(listOrgRepos(gh, "ghost-org")).rejects.toThrow("Organization 'ghost-org' not found or not visible to this token");
    await expect(listContainerPackages(gh, "ghost-org")).rejects.toThrow("Organization 'ghost-org' not found or not visible to this token");
  });

  it("reads tags through the registry handshake and classifies what they hold", async () => {
    const stats = newStats();
    const reg = createRegistryClient({ registryUrl: fake.url, token: TOKEN, stats, tagsPageSize: 10 });
    expect((await reg.listTags("bigorg/many")).length).toBe(30);
    const tags = (await reg.listTags("bigorg/app")).sort();
    expect(tags).toEqual(["broken", "buildcache", "latest", "test", "v1"]);
    const kinds: Record<string, string> = {};
    for (const tag of tags) {
      const head = await reg.headManifest("bigorg/app", tag);
      expect(head?.digest).toMatch(/^sha256:/);
      const m = await reg.getManifest("bigorg/app", head!.digest);
      kinds[tag] = classifyManifest(m, { tag }).kind;
    }
    expect(kinds).toEqual({ broken: "unknown", buildcache: "cache-index", latest: "index", test: "cache", v1: "image" });
    expect(stats.registry).toBeGreaterThan(0);
    const r = await inspectRef(reg, "ghcr.io/bigorg/app:latest");
    expect(r).toMatchObject({ kind: "index", platforms: ["linux/amd64", "linux/arm64"] });
    expect(await reg.headManifest("bigorg/app", "nope")).toBeNull();
  });

  it("tags from the registry cost far fewer requests than the versions API on a package full of cache exports", async () => {
    const gh = createGitHub({ apiUrl: fake.url, token: TOKEN });
    await resetStats();
    const versions = await listPackageVersions(gh, "bigorg", "many");
    const viaApi = (await serverStats()).rest;
    expect(versions).toHaveLength(980);
    expect(versions.filter((v) => v.tags.length > 0)).toHaveLength(30);
    expect(versions.find((v) => v.tags.includes("t07"))?.digest).toMatch(/^sha256:/);
    await resetStats();
    const reg = createRegistryClient({ registryUrl: fake.url, token: TOKEN });
    expect(await reg.listTags("bigorg/many")).toHaveLength(30);
    const viaRegistry = (await serverStats()).registry;
    expect(viaApi).toBe(10); // 980 versions / 100 per page
    expect(viaRegistry).toBe(3); // challenge, token, one tags/list page
  });
});
