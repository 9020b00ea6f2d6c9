import { describe, expect, it } from "vitest";
import { checkRegistryTags, looksLikeReleaseTag, type RegistryTagInfo } from "@/lib/engine/rules/registry-tag-holds-cache";
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
