import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyzeRepos } from "@/lib/engine/analyze";
import { changeRepos, collisionCount, generateOrg, type GeneratedOrg } from "@/lib/demo/generate-org";
import { checkRegistryTags, liveRefsToRead } from "@/lib/engine/rules/registry-tag-holds-cache";
import { classifyManifest } from "@/lib/registry/classify";

const root = mkdtempSync(path.join(tmpdir(), "cg-generate-org-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function treeHash(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!d.isFile()) continue;
    const full = path.join(d.parentPath, d.name);
    out.set(path.relative(dir, full), createHash("sha256").update(readFileSync(full)).digest("hex"));
  }
  return out;
}

function filesOf(out: string, name: string) {
  const dir = path.join(out, "repos", name);
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => {
      const full = path.join(d.parentPath, d.name);
      return { path: path.relative(dir, full).split(path.sep).join("/"), text: readFileSync(full, "utf8"), repo: `acme/${name}` };
    });
}

/** rule id -> sorted repo names the engine reports it on, over the repos a default scan reads. */
async function reported(out: string, g: GeneratedOrg): Promise<Record<string, string[]>> {
  const scanned = g.repos.filter((r) => !r.archived && !r.fork && !r.empty);
  const res = await analyzeRepos(scanned.map((r) => ({ repo: `acme/${r.name}`, files: filesOf(out, r.name) })));
  expect(res.errors).toEqual([]);
  const by: Record<string, Set<string>> = {};
  for (const f of res.findings) (by[f.ruleId] ??= new Set()).add(String(f.repo).replace(/^acme\//, ""));
  return Object.fromEntries(Object.entries(by).map(([k, v]) => [k, [...v].sort()]));
}

describe("generateOrg", () => {
  it("writes byte-identical fixtures for the same seed, and a different org for another seed", () => {
    const a = generateOrg({ repos: 120, seed: 7, out: path.join(root, "a") });
    const b = generateOrg({ repos: 120, seed: 7, out: path.join(root, "b") });
    const c = generateOrg({ repos: 120, seed: 8, out: path.join(root, "c") });
    expect(treeHash(path.join(root, "a"))).toEqual(treeHash(path.join(root, "b")));
    expect(a).toEqual(b);
    expect(c.repos.map((r) => r.name)).not.toEqual(a.repos.map((r) => r.name));
  });

  it("plans a few percent of each collision kind in a mostly docker-free org", () => {
    const g = generateOrg({ repos: 200, seed: 1, out: path.join(root, "mix") });
    expect(collisionCount(200)).toBe(4);
    for (const repos of Object.values(g.expected)) expect(repos).toHaveLength(4);
    const docker = g.repos.filter((r) => !["node", "python", "go", "docs", "bare"].includes(r.archetype));
    expect(docker.length / g.repos.length).toBeGreaterThan(0.2);
    expect(docker.length / g.repos.length).toBeLessThan(0.4);
    expect(g.repos.filter((r) => r.archived)).toHaveLength(6);
    expect(g.repos.filter((r) => r.fork)).toHaveLength(4);
    // several workflows, bake files, metadata-action and buildx run steps all occur
    const all = g.repos.filter((r) => !r.empty).flatMap((r) => filesOf(path.join(root, "mix"), r.name));
    expect(all.some((f) => f.path === "docker-bake.hcl")).toBe(true);
    expect(all.some((f) => f.text.includes("docker/metadata-action@v5"))).toBe(true);
    expect(all.some((f) => f.text.includes("docker buildx build"))).toBe(true);
    expect(g.repos.some((r) => filesOf(path.join(root, "mix"), r.name).filter((f) => f.path.startsWith(".github/workflows/")).length >= 2)).toBe(true);
  });

  it("makes the engine report each collision on exactly the planned repos and nowhere else", async () => {
    const out = path.join(root, "engine");
    const g = generateOrg({ repos: 150, seed: 3, out });
    expect(await reported(out, g)).toEqual(g.expected);
  });

  it("writes registry manifests whose digests resolve: index children exist, caches in both forms, shared digests", () => {
    const out = path.join(root, "mix");
    const g = generateOrg({ repos: 200, seed: 1, out });
    const byDigest = new Map<string, unknown>();
    const tagDigests: string[] = [];
    for (const [rel, hash] of treeHash(path.join(out, "packages"))) {
      if (!/\/(tags|manifests)\//.test(rel)) continue;
      const body: unknown = JSON.parse(readFileSync(path.join(out, "packages", rel), "utf8"));
      byDigest.set(`sha256:${hash}`, body);
      if (rel.includes("/tags/")) tagDigests.push(`sha256:${hash}`);
    }
    const bodies = [...byDigest.values()] as Array<{ mediaType?: string; config?: { mediaType: string }; manifests?: Array<{ digest: string; platform?: unknown; mediaType: string }> }>;
    const platformIndexes = bodies.filter((b) => b.manifests?.some((m) => m.platform));
    expect(platformIndexes.length).toBeGreaterThan(0);
    for (const idx of platformIndexes) for (const m of idx.manifests!) expect(byDigest.has(m.digest)).toBe(true);
    expect(bodies.some((b) => b.config?.mediaType === "application/vnd.buildkit.cacheconfig.v0")).toBe(true);
    expect(bodies.some((b) => b.manifests?.some((m) => m.mediaType === "application/vnd.buildkit.cacheconfig.v0"))).toBe(true);
    // several tags point at one digest, so "one GET per digest" is measurable
    expect(new Set(tagDigests).size).toBeLessThan(tagDigests.length);
    expect(g.tags).toBe(tagDigests.length);
    expect(g.expectedRegistry).toHaveLength(8);
  });
});

describe("generateOrg: Docker Hub mirrors", () => {
  it("a third of the single-image repos also push to docker.io; the fake Hub holds each tag, and the live rule reports exactly the planned caches", async () => {
    const out = path.join(root, "hub");
    const g = generateOrg({ repos: 400, seed: 5, out });
    expect(g.hubMirrors).toBeGreaterThan(3);
    const scanned = g.repos.filter((r) => !r.archived && !r.fork && !r.empty);
    const { models } = await analyzeRepos(scanned.map((r) => ({ repo: `acme/${r.name}`, files: filesOf(out, r.name) })));
    const refs = liveRefsToRead(models);
    // the scan reads exactly the mirrors' tags (nothing else the org writes is on another registry)
    expect(refs.map((r) => r.ref)).toHaveLength(g.hubMirrors!);
    const tags = refs.map((r) => {
      const file = path.join(out, "registries", "docker.io", r.repository, "tags", `${r.tag}.json`);
      const bytes = readFileSync(file);
      const body: unknown = JSON.parse(bytes.toString("utf8"));
      const kind = classifyManifest({ mediaType: (body as { mediaType: string }).mediaType, body }, { tag: r.tag }).kind;
      return { registry: r.registry, owner: "acme", package: r.repository.split("/")[1], tag: r.tag, kind, digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}` };
    });
    const errors = checkRegistryTags(models, tags).filter((f) => f.severity === "error").map((f) => f.ref).sort();
    expect(errors).toEqual(g.expectedHub);
    expect(errors.length).toBeGreaterThan(0);
    // and the rest of the org is what it would be without mirrors: the workflow rules report as planned
    expect(await reported(out, g)).toEqual(g.expected);
  });
});

describe("changeRepos", () => {
  it("edits 1 % of the scanned repos, resolving one collision and introducing another", async () => {
    const out = path.join(root, "change");
    const before = generateOrg({ repos: 300, seed: 5, out });
    const hashes = treeHash(out);
    const r = changeRepos({ out, percent: 1 });
    const scanned = before.repos.filter((p) => !p.archived && !p.fork && !p.empty).length;
    expect(r.changed).toHaveLength(Math.round(scanned / 100));
    expect(r.fixed).toHaveLength(1);
    expect(r.broken).toHaveLength(1);
    const after = treeHash(out);
    const touched = [...after].filter(([k, v]) => k.startsWith("repos/") && hashes.get(k) !== v).map(([k]) => k.split("/")[1]);
    expect(new Set(touched)).toEqual(new Set(r.changed));

    const g = JSON.parse(readFileSync(path.join(out, "generated.json"), "utf8")) as GeneratedOrg;
    const found = await reported(out, g);
    expect(found["cache-overwrites-image-tag"]).not.toContain(r.fixed[0]);
    expect(found["cache-overwrites-image-tag"]).toContain(r.broken[0]);
    expect(found["cache-overwrites-image-tag"]).toEqual(g.expected["cache-overwrites-image-tag"]);
  });
});
