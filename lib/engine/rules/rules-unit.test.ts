import { describe, expect, it } from "vitest";
import { applyPatch } from "diff";
import type { Finding, RuleContext } from "../types";
import { compareRefs } from "../compare";
import { cacheFromNeverWritten } from "./cache-from-never-written";
import { cacheOverwritesImageTag } from "./cache-overwrites-image-tag";
import { cacheOverwritesOtherImage } from "./cache-overwrites-other-image";
import { cacheRefUsedAsImage } from "./cache-ref-used-as-image";
import { ghaCacheScopeShared } from "./gha-cache-scope-shared";
import { build, consumer, TestFile } from "./test-model";

const SEED = `name: ci
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/org/repo:test
          cache-from: type=registry,ref=ghcr.io/org/repo:test  # warm start
          cache-to: type=registry,ref=ghcr.io/org/repo:test,mode=max
  test:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: docker run ghcr.io/org/repo:test
`;

function ctxOf(files: TestFile[], builds: RuleContext["builds"], consumers: RuleContext["consumers"] = []): RuleContext {
  return { builds, consumers, files: new Map(files.map((f) => [f.path, f.text])) };
}

function seedCtx(text = SEED) {
  const f = new TestFile(".github/workflows/ci.yml", text);
  const tag = f.value("ghcr.io/org/repo:test");
  const from = f.value("ghcr.io/org/repo:test");
  const to = f.value("ghcr.io/org/repo:test");
  const run = f.value("ghcr.io/org/repo:test");
  const b = build(f, { job: "build", tags: [tag], cacheFrom: [f.registry(from)], cacheTo: [f.registry(to, { mode: "max" })] });
  return { f, ctx: ctxOf([f], [b], [consumer(run)]) };
}

describe("cache-overwrites-image-tag", () => {
  it("reports the seed case at the cache-to ref, naming the tag and the docker run", () => {
    const { ctx } = seedCtx();
    const [f, ...rest] = cacheOverwritesImageTag.check(ctx);
    expect(rest).toHaveLength(0);
    expect(f).toMatchObject({ ruleId: "cache-overwrites-image-tag", severity: "error", confidence: "high", line: 12, column: 39, ref: "ghcr.io/org/repo:test" });
    expect(f.message).toContain("ghcr.io/org/repo:test");
    expect(f.message).toContain("cache manifest");
    expect(f.message).toContain("docker run");
    expect(f.related?.map((r) => r.line)).toEqual([10, 17]);
  });

  it("fixes cache-to and the matching cache-from, keeping the comment", () => {
    const { ctx } = seedCtx();
    const [f] = cacheOverwritesImageTag.check(ctx);
    const diff = f.fix?.diff ?? "";
    expect(diff.startsWith("--- a/.github/workflows/ci.yml\n+++ b/.github/workflows/ci.yml\n")).toBe(true);
    const patched = applyPatch(SEED, diff);
    expect(patched).toContain("cache-from: type=registry,ref=ghcr.io/org/repo:test-cache  # warm start");
    expect(patched).toContain("cache-to: type=registry,ref=ghcr.io/org/repo:test-cache,mode=max");
    expect(patched).toContain("tags: ghcr.io/org/repo:test\n");
    expect(patched).toContain("docker run ghcr.io/org/repo:test\n");
  });

  it("stays quiet for a separate cache ref and for a build that does not push", () => {
    const text = SEED.replaceAll("ref=ghcr.io/org/repo:test", "ref=ghcr.io/org/repo:test-cache");
    const f = new TestFile(".github/workflows/ci.yml", text);
    const tag = f.value("ghcr.io/org/repo:test");
    const to = f.value("ghcr.io/org/repo:test-cache", {});
    const b = build(f, { job: "build", tags: [tag], cacheTo: [f.registry(f.value("ghcr.io/org/repo:test-cache"))] });
    void to;
    expect(cacheOverwritesImageTag.check(ctxOf([f], [b]))).toEqual([]);
    const { ctx } = seedCtx();
    ctx.builds[0].push = false;
    expect(cacheOverwritesImageTag.check(ctx)).toEqual([]);
  });

  it("uses :buildcache for a ref without tag or with latest", () => {
    const text = "tags: ghcr.io/org/app\ncache-to: type=registry,ref=ghcr.io/org/app\n";
    const f = new TestFile(".github/workflows/a.yml", text);
    const tag = f.value("ghcr.io/org/app");
    const b = build(f, { job: "j", tags: [tag], cacheTo: [f.registry(f.value("ghcr.io/org/app"))] });
    const [finding] = cacheOverwritesImageTag.check(ctxOf([f], [b]));
    expect(finding.ref).toBe("ghcr.io/org/app:latest");
    expect(applyPatch(text, finding.fix?.diff ?? "")).toBe("tags: ghcr.io/org/app\ncache-to: type=registry,ref=ghcr.io/org/app:buildcache\n");
  });

  it("appends after a ref that is wholly an expression", () => {
    const text = "tags: ${{ env.IMAGE }}\ncache-to: type=registry,ref=${{ env.IMAGE }}\n";
    const f = new TestFile(".github/workflows/a.yml", text);
    const tag = f.value("${{ env.IMAGE }}", { text: "ghcr.io/org/app:dev" });
    const ref = f.value("${{ env.IMAGE }}", { text: "ghcr.io/org/app:dev" });
    const b = build(f, { job: "j", tags: [tag], cacheTo: [f.registry(ref)] });
    const [finding] = cacheOverwritesImageTag.check(ctxOf([f], [b]));
    expect(finding.confidence).toBe("high");
    expect(applyPatch(text, finding.fix?.diff ?? "")).toContain("ref=${{ env.IMAGE }}-cache\n");
  });
});

describe("compareRefs confidence", () => {
  const span = { path: "w.yml", line: 1, column: 1, offset: 0, endOffset: 1 };
  const v = (text: string, speculative = false) => ({ raw: text, span, text, resolved: !text.includes("${{"), speculative });
  const same = { fileA: "w.yml", fileB: "w.yml" };
  it("is high for equal resolved refs after normalization", () => {
    expect(compareRefs(v("nginx"), v("docker.io/library/nginx:latest"), same)).toBe("high");
  });
  it("is medium for identical unresolved tokens in one file, low across files", () => {
    expect(compareRefs(v("ghcr.io/o/a:${{ inputs.tag }}"), v("ghcr.io/o/a:${{ inputs.tag }}"), same)).toBe("medium");
    expect(compareRefs(v("ghcr.io/o/a:${{ inputs.tag }}"), v("ghcr.io/o/a:${{ inputs.tag }}"), { fileA: "x", fileB: "y" })).toBe("low");
  });
  it("is low for a token tag against a literal tag, but never for run-unique tokens", () => {
    expect(compareRefs(v("ghcr.io/o/a:${{ inputs.tag }}"), v("ghcr.io/o/a:test"), same)).toBe("low");
    expect(compareRefs(v("ghcr.io/o/a:${{ github.sha }}"), v("ghcr.io/o/a:test"), same)).toBeNull();
  });
  it("never matches different repositories or an unknown whole name", () => {
    expect(compareRefs(v("ghcr.io/o/a:test"), v("ghcr.io/o/b:test"), same)).toBeNull();
    expect(compareRefs(v("${{ env.IMAGE }}"), v("ghcr.io/o/a:test"), same)).toBeNull();
  });
  it("reads a bare whole-token name as :latest when the same token is also tagged", () => {
    const bare = v("${{ steps.meta.outputs.image }}");
    expect(compareRefs(bare, v("${{ steps.meta.outputs.image }}:latest"), same)).toBe("medium");
    expect(compareRefs(v("${{ steps.meta.outputs.image }}:latest"), bare, { fileA: "x", fileB: "y" })).toBe("low");
    expect(compareRefs(bare, v("${{ steps.meta.outputs.image }}:v1"), same)).toBeNull();
    expect(compareRefs(bare, v("${{ steps.other.outputs.image }}:latest"), same)).toBeNull();
  });
  it("is low when either value is speculative", () => {
    expect(compareRefs(v("ghcr.io/o/a:test", true), v("ghcr.io/o/a:test"), same)).toBe("low");
  });
});

describe("cross-build rules", () => {
  it("cache-overwrites-other-image: a cache export onto another job's image", () => {
    const text = "tags: ghcr.io/org/app:latest\n---\ncache-to: type=registry,ref=ghcr.io/org/app\n";
    const f = new TestFile(".github/workflows/a.yml", text);
    const rel = build(f, { job: "release", tags: [f.value("ghcr.io/org/app:latest")] });
    const ci = build(f, { job: "ci", push: false, cacheTo: [f.registry(f.value("ghcr.io/org/app"))] });
    const out = cacheOverwritesOtherImage.check(ctxOf([f], [rel, ci]));
    expect(out).toHaveLength(1);
    expect(out[0].message).toContain('job "release"');
    expect(out[0].line).toBe(3);
    expect(cacheOverwritesImageTag.check(ctxOf([f], [rel, ci]))).toEqual([]);
  });

  it("cache-ref-used-as-image: a cache-only ref that is run", () => {
    const text = "cache-to: type=registry,ref=ghcr.io/org/app:cache\nrun: docker run ghcr.io/org/app:cache\n";
    const f = new TestFile(".github/workflows/a.yml", text);
    const b = build(f, { job: "ci", push: false, cacheTo: [f.registry(f.value("ghcr.io/org/app:cache"))] });
    const c = consumer(f.value("ghcr.io/org/app:cache"));
    const out: Finding[] = cacheRefUsedAsImage.check(ctxOf([f], [b], [c]));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ line: 2, column: 17, severity: "error", confidence: "high" });
    // once an image is pushed there too, it is not cache-only
    const img = build(f, { job: "rel", stepIndex: 3, tags: [c.ref] });
    expect(cacheRefUsedAsImage.check(ctxOf([f], [b, img], [c]))).toEqual([]);
  });

  it("gha-cache-scope-shared: default scope shared by two steps, distinct scopes fine", () => {
    const text = "cache-to: type=gha\ncache-to: type=gha\ncache-to: type=gha,scope=a\ncache-to: type=gha,scope=b\n";
    const f = new TestFile(".github/workflows/a.yml", text);
    const b1 = build(f, { job: "a", cacheTo: [f.spec("gha", "type=gha")] });
    const b2 = build(f, { job: "b", cacheTo: [f.spec("gha", "type=gha")] });
    const b3 = build(f, { job: "c", cacheTo: [f.spec("gha", "type=gha,scope=a", { scope: "a" })] });
    const b4 = build(f, { job: "d", cacheTo: [f.spec("gha", "type=gha,scope=b", { scope: "b" })] });
    const out = ghaCacheScopeShared.check(ctxOf([f], [b1, b2, b3, b4]));
    expect(out.map((x) => x.line)).toEqual([1, 2]);
    expect(out[0].message).toContain('"buildkit"');
  });

  it("cache-from-never-written: only resolved refs nobody writes", () => {
    const text = "cache-from: ghcr.io/org/app:cache\ncache-to: ghcr.io/org/app:buildcache\ncache-from: ghcr.io/org/app:${{ inputs.t }}\n";
    const f = new TestFile(".github/workflows/a.yml", text);
    const b = build(f, {
      job: "a",
      cacheFrom: [f.registry(f.value("ghcr.io/org/app:cache"))],
      cacheTo: [f.registry(f.value("ghcr.io/org/app:buildcache"))],
    });
    const b2 = build(f, { job: "b", cacheFrom: [f.registry(f.value("ghcr.io/org/app:${{ inputs.t }}"))] });
    const out = cacheFromNeverWritten.check(ctxOf([f], [b, b2]));
    expect(out.map((x) => [x.line, x.severity, x.ref])).toEqual([[1, "note", "ghcr.io/org/app:cache"]]);
  });
});
