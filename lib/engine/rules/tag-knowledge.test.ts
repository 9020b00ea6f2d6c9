import { applyPatch } from "diff";
import { describe, expect, it } from "vitest";
import type { Build, Consumer, RuleContext, Value } from "../types";
import { cacheFromNeverWritten } from "./cache-from-never-written";
import { cacheOverwritesImageTag } from "./cache-overwrites-image-tag";
import { cacheRefImplicitLatest, writesImplicitLatest } from "./cache-ref-implicit-latest";
import { cacheRefUsedAsImage } from "./cache-ref-used-as-image";
import { build, consumer, TestFile } from "./test-model";

const PATH = ".github/workflows/ci.yml";

function ctxOf(f: TestFile, builds: Build[], consumers: Consumer[] = []): RuleContext {
  return { builds, consumers, files: new Map([[f.path, f.text]]) };
}

function v(text: string): Value {
  return { raw: text, text, resolved: !text.includes("${{"), span: { path: PATH, line: 1, column: 1, offset: 0, endOffset: 1 } };
}

describe("writesImplicitLatest", () => {
  it("reads the evaluated text: no tag and no digest after the last slash", () => {
    const yes = ["ghcr.io/org/app", "localhost:5000/app", "${{ env.REGISTRY }}/org/app", "nginx"];
    const no = ["ghcr.io/org/app:latest", "ghcr.io/org/app@sha256:" + "a".repeat(64), "ghcr.io/org/app:${{ env.T }}"];
    // Wholly unknown, or unknown in the last component: the tag may be inside the expression.
    const unknown = ["${{ env.CACHE }}", "ghcr.io/org/${{ inputs.name }}", "ghcr.io/org/app-${{ matrix.v }}"];
    expect(yes.map((t) => writesImplicitLatest(v(t)))).toEqual(yes.map(() => true));
    expect([...no, ...unknown].map((t) => writesImplicitLatest(v(t)))).toEqual([...no, ...unknown].map(() => false));
  });
});

describe("cache-ref-implicit-latest", () => {
  const text = "cache-from: ghcr.io/org/app\ncache-to: ghcr.io/org/app\n---\ntags: ghcr.io/org/app:latest\nrun: docker run ghcr.io/org/app\n";

  function model() {
    const f = new TestFile(PATH, text);
    const from = f.registry(f.value("ghcr.io/org/app"));
    const to = f.registry(f.value("ghcr.io/org/app"));
    const b = build(f, { job: "test", push: false, cacheFrom: [from], cacheTo: [to] });
    const tag = f.value("ghcr.io/org/app:latest");
    const run = consumer(f.value("ghcr.io/org/app"));
    return { f, b, tag, run };
  }

  it("is a warning when nothing pushes or pulls :latest, with a :buildcache fix for cache-to and cache-from", () => {
    const { f, b } = model();
    const [w, ...rest] = cacheRefImplicitLatest.check(ctxOf(f, [b]));
    expect(rest).toEqual([]);
    expect(w).toMatchObject({ severity: "warning", confidence: "high", line: 2, ref: "ghcr.io/org/app:latest" });
    const fixed = applyPatch(text, w.fix?.diff ?? "");
    expect(fixed).toContain("cache-from: ghcr.io/org/app:buildcache\ncache-to: ghcr.io/org/app:buildcache\n");
  });

  it("is an error when a later build pushes :latest or a workflow pulls it bare", () => {
    const { f, b, tag, run } = model();
    const later = build(f, { job: "release", needs: ["test"], tags: [tag] });
    expect(cacheRefImplicitLatest.check(ctxOf(f, [b, later])).map((x) => x.severity)).toEqual(["error"]);
    const [pulled] = cacheRefImplicitLatest.check(ctxOf(f, [b], [run]));
    expect(pulled.severity).toBe("error");
    expect(pulled.related?.map((r) => r.line)).toEqual([5]);
    // the rule object keeps its usual severity
    expect(cacheRefImplicitLatest.severity).toBe("warning");
  });

  it("leaves a spec the collision rules report to them", () => {
    const { f, b, tag } = model();
    const parallel = build(f, { job: "release", tags: [tag] });
    expect(cacheRefImplicitLatest.check(ctxOf(f, [b, parallel]))).toEqual([]);
    const own = { ...b, push: true, tags: [tag] };
    expect(cacheOverwritesImageTag.check(ctxOf(f, [own]))).toHaveLength(1);
    expect(cacheRefImplicitLatest.check(ctxOf(f, [own]))).toEqual([]);
  });

  it("says nothing about a ref that is wholly an unresolved expression", () => {
    const f = new TestFile(PATH, "cache-to: ${{ inputs.cache }}\n");
    const b = build(f, { job: "a", push: false, cacheTo: [f.registry(f.value("${{ inputs.cache }}"))] });
    expect(cacheRefImplicitLatest.check(ctxOf(f, [b]))).toEqual([]);
  });
});

describe("cache-ref-used-as-image with tags that are not known", () => {
  const text = "cache-to: ghcr.io/org/app:ci\ntags: TAGS\nrun: docker run ghcr.io/org/app:ci\n";

  function withTag(tagText: string, repo?: string) {
    const f = new TestFile(PATH, text);
    const writer = build(f, { job: "warm", push: false, cacheTo: [f.registry(f.value("ghcr.io/org/app:ci"))] });
    const pusher = build(f, { job: "publish", stepIndex: 1, tags: [f.value("TAGS", { text: tagText })], ...(repo ? { repo } : {}) });
    const run = consumer(f.value("ghcr.io/org/app:ci"));
    return cacheRefUsedAsImage.check(ctxOf(f, [writer, pusher], [run]));
  }

  it("says nothing when a push of the same repository has an unknown name or registry", () => {
    expect(withTag("${{ steps.meta.outputs.tags }}")).toEqual([]);
    expect(withTag("${{ env.TAGS }}")).toEqual([]);
    expect(withTag("${{ vars.REGISTRY }}/org/app:${{ github.ref_name }}")).toEqual([]);
    expect(withTag("ghcr.io/${{ github.repository_owner }}/app:ci")).toEqual([]);
  });

  it("still reports when every unknown part rules the ref out", () => {
    expect(withTag("ghcr.io/org/app:${{ github.sha }}")).toHaveLength(1);
    expect(withTag("docker.io/${{ vars.NS }}/app:ci")).toHaveLength(1);
    expect(withTag("${{ vars.REGISTRY }}/org/other:ci")).toHaveLength(1);
    // a wholly unknown tag list in another repository of the organization does not silence it
    expect(withTag("${{ steps.meta.outputs.tags }}", "org/elsewhere")).toHaveLength(1);
  });
});

describe("cache-from-never-written", () => {
  it("says nothing about text that is no valid ref, such as a matrix platform with its slash", () => {
    const ref = "ghcr.io/org/app:cache-linux/amd64";
    const f = new TestFile(PATH, `cache-from: ${ref}\ncache-to: ${ref}\ncache-from: ghcr.io/org/app:typo\n`);
    const b = build(f, {
      job: "a",
      matrix: { platform: "linux/amd64" },
      cacheFrom: [f.registry(f.value(ref))],
      cacheTo: [f.registry(f.value(ref))],
    });
    const typo = build(f, { job: "b", cacheFrom: [f.registry(f.value("ghcr.io/org/app:typo"))] });
    expect(cacheFromNeverWritten.check(ctxOf(f, [b, typo])).map((x) => x.line)).toEqual([3]);
  });
});
