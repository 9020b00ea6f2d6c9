import { applyPatch } from "diff";
import { describe, expect, it } from "vitest";
import type { Build, RuleContext } from "../types";
import { cacheOverwritesImageTag } from "./cache-overwrites-image-tag";
import { cacheOverwritesOtherImage } from "./cache-overwrites-other-image";
import { cacheOverwrittenByImage } from "./cache-overwritten-by-image";
import { runsBefore } from "./shared";
import { build, TestFile } from "./test-model";

const PATH = ".github/workflows/ci.yml";

function ctxOf(f: TestFile, builds: Build[]): RuleContext {
  return { builds, consumers: [], files: new Map([[f.path, f.text]]) };
}

/** A cache export in job `test` and an image push of the same tag, placed by `push`. */
function pair(push: Partial<Build> & { job: string }, cache: Partial<Build> = {}) {
  const text = "cache-to: type=registry,ref=ghcr.io/org/app:main,mode=max\n---\ntags: ghcr.io/org/app:main\n";
  const f = new TestFile(PATH, text);
  const c = build(f, { job: "test", push: false, cacheTo: [f.registry(f.value("ghcr.io/org/app:main"))], ...cache });
  const p = build(f, { tags: [f.value("ghcr.io/org/app:main")], ...push });
  return { f, c, p, ctx: ctxOf(f, [c, p]) };
}

function ruleIds(ctx: RuleContext) {
  return [cacheOverwritesImageTag, cacheOverwritesOtherImage, cacheOverwrittenByImage].flatMap((r) => r.check(ctx)).map((x) => `${x.ruleId}:${x.severity}`);
}

describe("runsBefore", () => {
  const f = new TestFile(PATH, "x");
  it("orders steps of one job and jobs that wait through needs", () => {
    const a = build(f, { job: "build", stepIndex: 0 });
    const b = build(f, { job: "build", stepIndex: 2 });
    expect([runsBefore(a, b), runsBefore(b, a)]).toEqual([true, false]);
    const rel = build(f, { job: "release", stepIndex: 0, needs: ["build"] });
    expect([runsBefore(a, rel), runsBefore(rel, a)]).toEqual([true, false]);
  });

  it("leaves parallel things unordered: other jobs, matrix combinations, workflows, repositories, one bake step", () => {
    const a = build(f, { job: "build", stepIndex: 0 });
    expect(runsBefore(a, build(f, { job: "other", stepIndex: 3 }))).toBe(false);
    const m1 = build(f, { job: "build", stepIndex: 0, matrix: { v: "1" } });
    const m2 = build(f, { job: "build", stepIndex: 1, matrix: { v: "2" } });
    expect(runsBefore(m1, m2)).toBe(false);
    expect(runsBefore(m1, build(f, { job: "build", stepIndex: 1, matrix: { v: "1" } }))).toBe(true);
    expect(runsBefore(a, build(f, { job: "build", stepIndex: 1, workflow: ".github/workflows/other.yml" }))).toBe(false);
    expect(runsBefore(a, build(f, { job: "build", stepIndex: 1, repo: "org/other" }))).toBe(false);
    const t1 = build(f, { job: "build", stepIndex: 4, bakeTarget: "api", seq: 4 });
    const t2 = build(f, { job: "build", stepIndex: 4, bakeTarget: "web", seq: 5 });
    expect(runsBefore(t1, t2)).toBe(false);
  });

  it("follows needs across a reusable-workflow call, by the caller's job", () => {
    const site = { kind: "reusable-workflow" as const, path: PATH, line: 1, column: 1, job: "call", target: "./.github/workflows/r.yml" };
    const inner = build(f, { job: "call/build", path: ".github/workflows/r.yml", via: [site] });
    const after = build(f, { job: "deploy", needs: ["call"] });
    expect(runsBefore(inner, after)).toBe(true);
    const sibling = build(f, { job: "call/push", path: ".github/workflows/r.yml", via: [site], needs: ["call/build"] });
    expect(runsBefore(inner, sibling)).toBe(true);
    expect(runsBefore(inner, build(f, { job: "deploy" }))).toBe(false);
  });
});

describe("cache export and image push by run order", () => {
  it("a push in a job that needs the exporting one: cache-overwritten-by-image, a warning with the separate-cache fix", () => {
    const { f, ctx } = pair({ job: "release", needs: ["test"] });
    expect(ruleIds(ctx)).toEqual(["cache-overwritten-by-image:warning"]);
    const [w] = cacheOverwrittenByImage.check(ctx);
    expect(w).toMatchObject({ line: 1, confidence: "high", ref: "ghcr.io/org/app:main" });
    expect(w.message).toContain('job "release" waits for this one');
    expect(w.related?.map((r) => r.line)).toEqual([3]);
    expect(applyPatch(f.text, w.fix?.diff ?? "")).toContain("ref=ghcr.io/org/app:main-cache,mode=max");
  });

  it("a later step of the same job is ordered too", () => {
    const { ctx } = pair({ job: "test", stepIndex: 1 });
    expect(ruleIds(ctx)).toEqual(["cache-overwritten-by-image:warning"]);
    expect(cacheOverwrittenByImage.check(ctx)[0].message).toContain("a later step of the same job");
  });

  it("a push before the export, a parallel job or a push decided at run time stays an error", () => {
    const first = pair({ job: "test", stepIndex: 0 }, { stepIndex: 1 });
    expect(ruleIds(first.ctx)).toEqual(["cache-overwrites-other-image:error"]);
    expect(cacheOverwritesOtherImage.check(first.ctx)[0].message).toContain("earlier in the same run");
    expect(ruleIds(pair({ job: "release" }).ctx)).toEqual(["cache-overwrites-other-image:error"]);
    const maybe = pair({ job: "release", needs: ["test"], push: null });
    expect(ruleIds(maybe.ctx)).toEqual(["cache-overwrites-other-image:error"]);
    expect(cacheOverwritesOtherImage.check(maybe.ctx)[0].message).toContain("decided at run time");
  });

  it("a later push and a parallel one: the race wins, reported once", () => {
    const { f, c, p } = pair({ job: "release", needs: ["test"] });
    const rival = build(f, { job: "nightly", stepIndex: 5, tags: p.tags });
    expect(ruleIds(ctxOf(f, [c, p, rival]))).toEqual(["cache-overwrites-other-image:error"]);
  });

  it("a build caching to its own tag stays cache-overwrites-image-tag, even with a later push", () => {
    const text = "tags: ghcr.io/org/app:main\ncache-to: ghcr.io/org/app:main\n---\ntags: ghcr.io/org/app:main\n";
    const f = new TestFile(PATH, text);
    const own = build(f, { job: "test", tags: [f.value("ghcr.io/org/app:main")], cacheTo: [f.registry(f.value("ghcr.io/org/app:main"))] });
    const later = build(f, { job: "release", needs: ["test"], tags: [f.value("ghcr.io/org/app:main")] });
    expect(ruleIds(ctxOf(f, [own, later]))).toEqual(["cache-overwrites-image-tag:error"]);
  });
});
