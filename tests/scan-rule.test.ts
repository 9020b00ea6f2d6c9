import { describe, expect, it } from "vitest";
import { checkRegistryTags, liveRefsToRead, looksLikeReleaseTag, type RegistryTagInfo } from "@/lib/engine/rules/registry-tag-holds-cache";
import type { Build, Consumer, RepoModel, Span, Value } from "@/lib/engine/types";

const span = (path: string, line: number): Span => ({ path, line, column: 15, offset: 0, endOffset: 0 });
const value = (text: string, path: string, line: number): Value => ({ raw: text, text, resolved: true, span: span(path, line) });

function build(repo: string, path: string, tag: string, line: number): Build {
  return {
    id: `${path}#build#0`, source: "build-push-action", repo, path, workflow: path, seq: 0, needs: [], job: "build", tags: [value(tag, path, line)],
    cacheTo: [], cacheFrom: [], push: true, load: false, outputs: [], span: span(path, line - 3),
  };
}
function consumer(repo: string, path: string, ref: string, line: number): Consumer {
  return { kind: "docker-run", repo, path, job: "e2e", ref: value(ref, path, line) };
}
const model = (repo: string, builds: Build[], consumers: Consumer[] = []): RepoModel => ({ repo, builds, consumers, errors: [], warnings: [], wanted: [] });
const tag = (pkg: string, t: string, kind: string): RegistryTagInfo => ({ package: pkg, owner: "acme", tag: t, kind, digest: `sha256:${"ab".repeat(32)}` });

describe("registry-tag-holds-cache", () => {
  it("is an error at the workflow that runs a tag holding a cache (either cache form)", () => {
    const models = [
      model("acme/api", [build("acme/api", ".github/workflows/ci.yml", "ghcr.io/acme/api:test", 20)]),
      model("acme/e2e", [], [consumer("acme/e2e", ".github/workflows/e2e.yml", "ghcr.io/acme/web:edge", 9)]),
    ];
    const findings = checkRegistryTags(models, [tag("api", "test", "cache"), tag("web", "edge", "cache-index")]);
    expect(findings).toHaveLength(2);
    const api = findings.find((f) => f.ref === "ghcr.io/acme/api:test")!;
    expect(api).toMatchObject({ severity: "error", repo: "acme/api", path: ".github/workflows/ci.yml", line: 20 });
    expect(api.fix?.description).toContain("ghcr.io/acme/api:test-cache");
    const web = findings.find((f) => f.ref === "ghcr.io/acme/web:edge")!;
    expect(web).toMatchObject({ severity: "error", repo: "acme/e2e", path: ".github/workflows/e2e.yml", line: 9 });
    expect(web.message).toMatch(/runs it with `docker run` \(job `e2e`\)/);
  });

  it("warns on a cache under a release-looking tag nobody uses, on the package itself", () => {
    const findings = checkRegistryTags([], [tag("api", "latest", "cache"), tag("api", "v1.2.3", "cache-index")]);
    expect(findings.map((f) => [f.severity, f.path, f.line])).toEqual([
      ["warning", "ghcr.io/acme/api:latest", 0],
      ["warning", "ghcr.io/acme/api:v1.2.3", 0],
    ]);
    expect(findings[0].repo).toBeUndefined();
  });

  it("says nothing about image tags, or caches under cache-looking names nobody pulls", () => {
    const models = [model("acme/api", [build("acme/api", ".github/workflows/ci.yml", "ghcr.io/acme/api:test", 20)])];
    expect(checkRegistryTags(models, [
      tag("api", "test", "image"), tag("api", "latest", "index"), tag("api", "buildcache", "cache"), tag("api", "test-cache", "cache-index"),
    ])).toEqual([]);
  });

  it("does not confuse another package or registry with the cached tag", () => {
    const models = [model("acme/api", [build("acme/api", ".github/workflows/ci.yml", "docker.io/acme/api:test", 20)],
      [consumer("acme/api", ".github/workflows/ci.yml", "ghcr.io/acme/api-worker:test", 30)])];
    const findings = checkRegistryTags(models, [tag("api", "test", "cache")]);
    expect(findings.map((f) => f.severity)).toEqual(["warning"]);
  });

  it("recognizes release-like tag names", () => {
    for (const t of ["latest", "main", "stable", "v2", "1.4", "1.4.2-rc.1", "prod", "sha-0a1b2c3d"]) expect(looksLikeReleaseTag(t)).toBe(true);
    for (const t of ["buildcache", "cache", "test-cache", "cache-main", "build-cache-amd64"]) expect(looksLikeReleaseTag(t)).toBe(false);
  });

  it("fixes with a diff when the cache export that writes the tag is in the same file", () => {
    const path = ".github/workflows/ci.yml";
    const text = "    tags: ghcr.io/acme/api:test\n    cache-to: type=registry,ref=ghcr.io/acme/api:test,mode=max\n";
    const refText = "ghcr.io/acme/api:test";
    const offset = text.indexOf(refText, text.indexOf("cache-to"));
    const b = build("acme/api", path, refText, 1);
    b.cacheTo = [{
      type: "registry", attrs: { type: "registry", ref: refText, mode: "max" }, raw: "type=registry,ref=ghcr.io/acme/api:test,mode=max",
      span: { path, line: 2, column: 15, offset: offset - 18, endOffset: offset + refText.length + 9 },
      ref: { raw: refText, text: refText, resolved: true, span: { path, line: 2, column: 33, offset, endOffset: offset + refText.length } },
    }];
    const files = new Map([[`acme/api:${path}`, text]]);
    const [f] = checkRegistryTags([model("acme/api", [b])], [tag("api", "test", "cache")], files);
    expect(f.severity).toBe("error");
    expect(f.fix?.diff).toContain("+    cache-to: type=registry,ref=ghcr.io/acme/api:test-cache,mode=max");
    expect(f.fix?.diff).toContain("--- a/.github/workflows/ci.yml");
  });
});

describe("registry-tag-holds-cache on other registries: which tags are read", () => {
  /** the demo org's files with GHCR swapped for another registry: every shape of build, now on `host` */
  async function demoModelsOn(host: string) {
    const { readdirSync, readFileSync } = await import("node:fs");
    const nodePath = await import("node:path");
    const root = nodePath.resolve(import.meta.dirname, "..", "lib", "demo", "fixture", "repos");
    const repos = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => {
      const files = readdirSync(nodePath.join(root, d.name), { recursive: true, withFileTypes: true }).filter((f) => f.isFile()).map((f) => {
        const full = nodePath.join(f.parentPath, f.name);
        return { path: nodePath.relative(nodePath.join(root, d.name), full).split(nodePath.sep).join("/"), text: readFileSync(full, "utf8").replaceAll("ghcr.io/", `${host}/`) };
      });
      return { repo: `acme/${d.name}`, files };
    });
    const { analyzeRepos } = await import("@/lib/engine/analyze");
    return (await analyzeRepos(repos)).models;
  }

  /** every resolved tag a build writes (image tags and registry cache refs), on any registry but GHCR */
  function everyWrittenRef(models: RepoModel[]) {
    const out = new Map<string, RegistryTagInfo>();
    for (const m of models) for (const b of m.builds) {
      for (const v of [...b.tags, ...b.cacheTo.flatMap((c) => (c.type === "registry" && c.ref ? [c.ref] : []))]) {
        const r = v.resolved ? /^([^/]+)\/(.+):([^:/]+)$/.exec(v.text.replace(/^acme\//, "docker.io/acme/")) : null;
        if (!r || r[1] === "ghcr.io") continue;
        const [owner, ...rest] = r[2].toLowerCase().split("/");
        out.set(`${r[1]}/${r[2].toLowerCase()}:${r[3]}`, { registry: r[1], owner: rest.length ? owner : "", package: rest.length ? rest.join("/") : owner, tag: r[3], kind: "", digest: `sha256:${"cd".repeat(32)}` });
      }
    }
    return out;
  }

  it("reading only liveRefsToRead gives the same findings as reading every tag the workflows write, whatever each holds", async () => {
    for (const host of ["quay.io", "docker.io", "registry.example.com:5000"]) {
      const models = await demoModelsOn(host);
      const written = everyWrittenRef(models);
      const toRead = new Set(liveRefsToRead(models).map((r) => r.ref));
      expect(written.size, host).toBeGreaterThan(20);
      // some written tags cannot give a finding (cache-only, cache-like names nobody pulls): not read
      expect(toRead.size, host).toBeLessThan(written.size);
      for (const kind of ["cache", "cache-index", "image"]) {
        const all = [...written.values()].map((t) => ({ ...t, kind }));
        const onlyRead = all.filter((t) => toRead.has(`${t.registry}/${t.owner ? `${t.owner}/` : ""}${t.package}:${t.tag}`));
        expect(checkRegistryTags(models, onlyRead), `${host} ${kind}`).toEqual(checkRegistryTags(models, all));
      }
      // and they do give findings: an image tag that holds a cache is an error at its workflow
      const errors = checkRegistryTags(models, [...written.values()].map((t) => ({ ...t, kind: "cache" }))).filter((f) => f.severity === "error");
      expect(errors.filter((f) => f.ref.startsWith(`${host}/`)).length, host).toBeGreaterThan(5);
    }
  });

  it("a loaded-only build's tag is not read; a cache-only tag is read when it is pulled or looks like a release; unresolved tags never", () => {
    const path = ".github/workflows/ci.yml";
    const loaded = { ...build("acme/a", path, "quay.io/acme/a:ci", 10), push: false };
    const pushed = build("acme/a", path, "quay.io/acme/a:${{ github.sha }}", 20);
    pushed.tags[0].resolved = false;
    const cacheRef = (text: string, line: number) => ({ type: "registry", attrs: { type: "registry", ref: text }, raw: `type=registry,ref=${text}`, span: span(path, line), ref: value(text, path, line) });
    pushed.cacheTo = [cacheRef("quay.io/acme/a:buildcache", 21), cacheRef("quay.io/acme/a:latest", 22), cacheRef("quay.io/acme/a:pulled-cache", 23)];
    const models = [model("acme/a", [loaded, pushed], [consumer("acme/a", path, "quay.io/acme/a:pulled-cache", 30)])];
    expect(liveRefsToRead(models).map((r) => r.ref)).toEqual(["quay.io/acme/a:latest", "quay.io/acme/a:pulled-cache"]);
    // the release-like cache-only tag warns where the cache export is written (that repository's finding)
    const [warning] = checkRegistryTags(models, [{ registry: "quay.io", owner: "acme", package: "a", tag: "latest", kind: "cache", digest: `sha256:${"ef".repeat(32)}` }]);
    expect(warning).toMatchObject({ severity: "warning", repo: "acme/a", path, line: 22, ref: "quay.io/acme/a:latest" });
  });
});
