import { describe, expect, it } from "vitest";
import { type ProblemFinding, type RegistryState, consumersOf, groupProblems, primaryOf } from "./problems";

let seq = 0;
function f(over: Partial<ProblemFinding> & Pick<ProblemFinding, "ruleId" | "ref">): ProblemFinding {
  seq++;
  return { id: seq, severity: "error", confidence: "high", repo: "api", path: ".github/workflows/ci.yml", line: 10, fingerprint: `fp${seq}`, ...over };
}

const tags = (m: Record<string, RegistryState>) => (ref: string) => m[ref];
const idsOf = (p: { findingIds: number[] }) => [...p.findingIds].sort((a, b) => a - b);

describe("grouping findings into problems (the demo org's shapes)", () => {
  it("api: the cache export over the tag, the registry's cache at it and the jobs that pull it are one problem, ranked confirmed", () => {
    const writer = f({
      ruleId: "cache-overwrites-image-tag", ref: "ghcr.io/acme/api:test", line: 30,
      related: [
        { path: ".github/workflows/ci.yml", line: 28, message: "image tag ghcr.io/acme/api:test pushed here" },
        { path: ".github/workflows/ci.yml", line: 43, message: "pulled as an image (docker-pull)" },
        { path: ".github/workflows/ci.yml", line: 44, message: "pulled as an image (docker-run)" },
      ],
    });
    const registry = f({ ruleId: "registry-tag-holds-cache", ref: "ghcr.io/acme/api:test", line: 28 });
    const [p, ...rest] = groupProblems([registry, writer], tags({ "ghcr.io/acme/api:test": { kind: "cache", digest: "sha256:948a8332526d0000" } }));
    expect(rest).toEqual([]);
    expect(idsOf(p)).toEqual([writer.id, registry.id]);
    expect(p.primaryId).toBe(writer.id); // the code view and the fix are the cache export's
    expect(p.rank).toBe(0);
    expect(p.why).toContain("the registry holds a cache at ghcr.io/acme/api:test (cache, sha256:948a8332526d");
    expect(p.why).toContain("2 places pull it");
    expect(p.key).toBe("ref:api|.github/workflows/ci.yml|ghcr.io/acme/api:test");
    expect(consumersOf([writer, registry]).map((c) => `${c.line} ${c.kind}`)).toEqual(["43 docker-pull", "44 docker-run"]);
  });

  it("e2e: a job running a cache-only ref and the registry's cache there are one problem, the consumer primary", () => {
    const consumer = f({ ruleId: "cache-ref-used-as-image", repo: "e2e", path: ".github/workflows/e2e.yml", ref: "ghcr.io/acme/e2e-runner:cache", line: 31 });
    const registry = f({ ruleId: "registry-tag-holds-cache", repo: "e2e", path: ".github/workflows/e2e.yml", ref: "ghcr.io/acme/e2e-runner:cache", line: 31 });
    const out = groupProblems([registry, consumer]);
    expect(out).toHaveLength(1);
    expect(out[0].primaryId).toBe(consumer.id);
    expect(out[0].rank).toBe(0);
  });

  it("worker: one matrix-merged writer on :cpu takes the registry's :cpu and :gpu caches of the same file", () => {
    const writer = f({ ruleId: "cache-overwrites-image-tag", repo: "worker", path: ".github/workflows/build.yml", ref: "ghcr.io/acme/worker:cpu", line: 28 });
    const cpu = f({ ruleId: "registry-tag-holds-cache", repo: "worker", path: ".github/workflows/build.yml", ref: "ghcr.io/acme/worker:cpu", line: 26 });
    const gpu = f({ ruleId: "registry-tag-holds-cache", repo: "worker", path: ".github/workflows/build.yml", ref: "ghcr.io/acme/worker:gpu", line: 26 });
    const out = groupProblems([gpu, cpu, writer]);
    expect(out).toHaveLength(1);
    expect(idsOf(out[0])).toEqual([writer.id, cpu.id, gpu.id]);
    expect(out[0].ref).toBe("ghcr.io/acme/worker:cpu");
  });

  it("a registry tag no repository uses is a problem of its own, ranked as a warning", () => {
    const legacy = f({ ruleId: "registry-tag-holds-cache", severity: "warning", repo: null, path: "ghcr.io/acme/legacy:v3.1.0", line: 0, ref: "ghcr.io/acme/legacy:v3.1.0" });
    const out = groupProblems([legacy], tags({ "ghcr.io/acme/legacy:v3.1.0": { kind: "cache", digest: "sha256:c7c0661dc14a0000" } }));
    expect(out).toHaveLength(1);
    expect(out[0].rank).toBe(3);
    expect(out[0].why).toMatch(/holds a cache there .* no workflow uses the tag/);
    expect(out[0].repo).toBeNull();
  });

  it("the two builds sharing one gha scope in a repository are one problem; other rules stand alone", () => {
    const a = f({ ruleId: "gha-cache-scope-shared", severity: "warning", repo: "docs-site", path: ".github/workflows/preview.yml", ref: "gha:buildkit" });
    const b = f({ ruleId: "gha-cache-scope-shared", severity: "warning", repo: "docs-site", path: ".github/workflows/publish.yml", ref: "gha:buildkit" });
    const elsewhere = f({ ruleId: "gha-cache-scope-shared", severity: "warning", repo: "web", path: ".github/workflows/a.yml", ref: "gha:buildkit" });
    const note = f({ ruleId: "cache-from-never-written", severity: "note", repo: "analytics", ref: "ghcr.io/acme/analytics:cache" });
    const out = groupProblems([a, b, elsewhere, note]);
    expect(out.map((p) => idsOf(p))).toEqual([[a.id, b.id], [elsewhere.id], [note.id]]);
    expect(out.map((p) => p.rank)).toEqual([3, 3, 4]);
    expect(out[0].ref).toBe("gha:buildkit"); // a cache scope, not an image ref to normalize
    expect(out[0].key).toBe("scope:docs-site|gha:buildkit");
    expect(out[2].key).toBe(`cache-from-never-written|${note.fingerprint}`);
  });
});

describe("what must not merge", () => {
  it("two different tags in one file, both overwritten and both holding a cache, stay two problems", () => {
    const wa = f({ ruleId: "cache-overwrites-image-tag", ref: "ghcr.io/acme/app:a", line: 12 });
    const wb = f({ ruleId: "cache-overwrites-image-tag", ref: "ghcr.io/acme/app:b", line: 22 });
    const ra = f({ ruleId: "registry-tag-holds-cache", ref: "ghcr.io/acme/app:a", line: 10 });
    const rb = f({ ruleId: "registry-tag-holds-cache", ref: "ghcr.io/acme/app:b", line: 20 });
    const out = groupProblems([rb, wa, ra, wb]);
    expect(out.map((p) => idsOf(p)).sort((x, y) => x[0] - y[0])).toEqual([[wa.id, ra.id], [wb.id, rb.id]]);
  });

  it("a cache-from nothing writes next to a collision on the same ref is its own problem", () => {
    const writer = f({ ruleId: "cache-overwrites-image-tag", ref: "ghcr.io/acme/api:test", line: 30 });
    const never = f({ ruleId: "cache-from-never-written", severity: "note", ref: "ghcr.io/acme/api:test", line: 29 });
    const out = groupProblems([writer, never]);
    expect(out).toHaveLength(2);
    expect(out.map((p) => p.ruleId)).toEqual(["cache-overwrites-image-tag", "cache-from-never-written"]);
  });

  it("the same ref overwritten in two files of a repository is two places, two problems", () => {
    const ci = f({ ruleId: "cache-overwrites-image-tag", ref: "ghcr.io/acme/api:test", path: ".github/workflows/ci.yml" });
    const rel = f({ ruleId: "cache-overwrites-image-tag", ref: "ghcr.io/acme/api:test", path: ".github/workflows/release.yml" });
    const out = groupProblems([ci, rel]);
    expect(out).toHaveLength(2);
    expect(new Set(out.map((p) => p.key)).size).toBe(2);
  });

  it("a consumer of a ref two repositories write joins neither; with one writer it joins that one", () => {
    const w1 = f({ ruleId: "cache-overwrites-other-image", repo: "deploy", ref: "ghcr.io/acme/base:node20" });
    const w2 = f({ ruleId: "cache-overwrites-other-image", repo: "tools", ref: "ghcr.io/acme/base:node20" });
    const use = f({ ruleId: "cache-ref-used-as-image", repo: "e2e", ref: "ghcr.io/acme/base:node20" });
    expect(groupProblems([w1, w2, use])).toHaveLength(3);
    const joined = groupProblems([w1, use]);
    expect(joined).toHaveLength(1);
    expect(joined[0].primaryId).toBe(w1.id);
    expect(joined[0].repo).toBe("deploy");
  });
});

describe("rank and why", () => {
  const writer = (over: Partial<ProblemFinding> = {}) => f({ ruleId: "cache-overwrites-image-tag", ref: "ghcr.io/acme/app:main", ...over });

  it("an error the analysis is sure of, with no evidence, is likely", () => {
    const [p] = groupProblems([writer()]);
    expect(p.rank).toBe(1);
    expect(p.why).toMatch(/^likely/);
  });

  it("a low-confidence collision is possible, even when something pulls the ref", () => {
    const [p] = groupProblems([writer({ confidence: "low", related: [{ path: "x.yml", line: 3, message: "pulled as an image (docker-run)" }] })]);
    expect(p.rank).toBe(2);
    expect(p.why).toMatch(/^possible: low confidence.*1 place pulls the ref/);
  });

  it("a collision on a tag the registry shows holding an image is possible", () => {
    const [p] = groupProblems([writer()], tags({ "ghcr.io/acme/app:main": { kind: "image", digest: "sha256:7de4abd15df70000" } }));
    expect(p.rank).toBe(2);
    expect(p.why).toContain("the registry shows an image at ghcr.io/acme/app:main (image, sha256:7de4abd15df7");
  });

  it("confirmed ranks first, then likely, then possible, then warnings and notes", () => {
    const out = groupProblems([
      f({ ruleId: "cache-from-never-written", severity: "note", repo: "n", ref: "ghcr.io/acme/n:cache" }),
      f({ ruleId: "cache-overwritten-by-image", severity: "warning", repo: "w", ref: "ghcr.io/acme/w:edge" }),
      writer({ repo: "low", confidence: "low" }),
      writer({ repo: "sure" }),
      f({ ruleId: "registry-tag-holds-cache", repo: "held", ref: "ghcr.io/acme/held:test" }),
    ]);
    expect(out.map((p) => [p.repo, p.rank])).toEqual([["held", 0], ["sure", 1], ["low", 2], ["w", 3], ["n", 4]]);
  });
});

describe("identity across scans", () => {
  it("the problem keeps its key when the cache export is fixed and only the registry's evidence is left", () => {
    const w = f({ ruleId: "cache-overwrites-image-tag", ref: "ghcr.io/acme/api:test", line: 30 });
    const r = f({ ruleId: "registry-tag-holds-cache", ref: "ghcr.io/acme/api:test", line: 28 });
    const before = groupProblems([w, r]);
    const after = groupProblems([r]);
    expect(after[0].key).toBe(before[0].key);
    expect(after[0].primaryId).toBe(r.id);
  });

  it("the grouping does not depend on the order findings come in", () => {
    const all = [
      f({ ruleId: "cache-overwrites-image-tag", repo: "worker", ref: "ghcr.io/acme/worker:cpu" }),
      f({ ruleId: "registry-tag-holds-cache", repo: "worker", ref: "ghcr.io/acme/worker:gpu" }),
      f({ ruleId: "registry-tag-holds-cache", repo: "worker", ref: "ghcr.io/acme/worker:cpu" }),
      f({ ruleId: "cache-ref-used-as-image", repo: "e2e", ref: "ghcr.io/acme/e2e:cache" }),
      f({ ruleId: "gha-cache-scope-shared", severity: "warning", repo: "docs", ref: "gha:buildkit" }),
    ];
    const a = groupProblems(all);
    const b = groupProblems([...all].reverse());
    expect(b).toEqual(a);
    expect(primaryOf(all)?.ruleId).toBe("cache-overwrites-image-tag");
  });
});
