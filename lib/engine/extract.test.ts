import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { extractRepo, isWorkflowPath } from "./extract";
import type { Build, InputFile, Span } from "./types";

const P = ".github/workflows/ci.yml";
const at = (text: string, span: Span) => text.slice(span.offset, span.endOffset);

async function one(text: string, extra: InputFile[] = [], repo?: string) {
  return extractRepo([{ path: P, text }, ...extra], repo ? { repo } : {});
}

describe("extractRepo: build-push-action", () => {
  const wf = `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: Docker/Build-Push-Action@0123456789abcdef0123456789abcdef01234567
        with:
          push: true
          tags: |
            ghcr.io/acme/app:test
            ghcr.io/acme/app:latest, ghcr.io/acme/app:1
          cache-from: type=registry,ref=ghcr.io/acme/app:test
          cache-to: "type=registry,mode=max,ref=ghcr.io/acme/app:test"
          context: ./app
          file: ./app/Dockerfile
          target: prod
      - uses: docker/build-push-action/subaction@v1
`;
  it("reads tags, cache specs and push, each span on its characters", async () => {
    const m = await one(wf);
    expect(m.errors).toEqual([]);
    expect(m.builds).toHaveLength(1);
    const b = m.builds[0];
    expect(b).toMatchObject({ source: "build-push-action", job: "build", stepIndex: 0, push: true, load: false, id: `${P}#build#0` });
    expect(b.tags.map((t) => t.text)).toEqual(["ghcr.io/acme/app:test", "ghcr.io/acme/app:latest", "ghcr.io/acme/app:1"]);
    for (const t of b.tags) expect(at(wf, t.span)).toBe(t.raw);
    expect(b.tags[1].span.line).toBe(11);
    const [to] = b.cacheTo;
    expect(to).toMatchObject({ type: "registry", attrs: { mode: "max", ref: "ghcr.io/acme/app:test" } });
    expect(at(wf, to.ref!.span)).toBe("ghcr.io/acme/app:test");
    expect(to.ref!.span).toMatchObject({ line: 13, column: 49 });
    expect(at(wf, b.cacheFrom[0].ref!.span)).toBe("ghcr.io/acme/app:test");
    expect(at(wf, b.span)).toMatch(/^Docker\/Build-Push-Action@/);
    expect(b).toMatchObject({ context: "./app", dockerfile: "./app/Dockerfile", target: "prod" });
  });
});

describe("extractRepo: contexts", () => {
  it("evaluates env at workflow, job and step level, inputs defaults and github.repository", async () => {
    const wf = `on:
  workflow_call:
    inputs:
      suffix: { type: string, default: cache }
env:
  REGISTRY: ghcr.io
  NAME: wf
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      NAME: \${{ github.repository }}
    steps:
      - uses: docker/build-push-action@v6
        env:
          TAG: step
        with:
          tags: \${{ env.REGISTRY }}/\${{ env.NAME }}:\${{ env.TAG }}
          cache-to: type=registry,ref=\${{ env.REGISTRY }}/\${{ env.NAME }}:\${{ inputs.suffix }}
          push: \${{ github.event_name != 'pull_request' }}
`;
    const m = await one(wf, [], "acme/app");
    const b = m.builds[0];
    expect(b.tags.map((t) => [t.text, t.resolved])).toEqual([["ghcr.io/acme/app:step", true]]);
    expect(b.cacheTo[0].ref?.text).toBe("ghcr.io/acme/app:cache");
    expect(b.push).toBeNull();
    expect(b.repo).toBe("acme/app");
    const unknownRepo = await one(wf);
    expect(unknownRepo.builds[0].tags[0].resolved).toBe(false);
    expect(unknownRepo.builds[0].tags[0].text).toMatch(/^ghcr\.io\/\$\{\{ github\.repository \}\}:step$/);
  });

  it("gives each matrix combination its own build with its own tags", async () => {
    const wf = `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        variant: [slim, full]
        exclude:
          - variant: full
        include:
          - variant: slim
            base: alpine
          - variant: debug
    steps:
      - uses: docker/build-push-action@v6
        with:
          tags: ghcr.io/acme/app:\${{ matrix.variant }}-\${{ matrix.base }}
          cache-to: type=registry,ref=ghcr.io/acme/app:\${{ matrix.variant }}
`;
    const m = await one(wf);
    const byMatrix = m.builds.map((b: Build) => [b.matrix, b.tags.map((t) => t.text), b.cacheTo[0].ref?.text]);
    expect(byMatrix).toEqual([
      [{ variant: "slim", base: "alpine" }, ["ghcr.io/acme/app:slim-alpine"], "ghcr.io/acme/app:slim"],
      [{ variant: "debug" }, ["ghcr.io/acme/app:debug-"], "ghcr.io/acme/app:debug"],
    ]);
    expect(new Set(m.builds.map((b) => b.id)).size).toBe(2);
  });

  it("expands metadata-action tags into one Value per tag", async () => {
    const wf = `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - id: meta
        uses: docker/metadata-action@v5
        with:
          images: |
            ghcr.io/acme/app
            docker.io/acme/app
          tags: |
            type=raw,value=test
            type=raw,value=stable
      - uses: docker/build-push-action@v6
        with:
          tags: \${{ steps.meta.outputs.tags }}
          cache-to: type=registry,ref=ghcr.io/acme/app:test
`;
    const m = await one(wf);
    const tags = m.builds[0].tags;
    expect(tags.map((t) => t.text).sort()).toEqual(
      ["docker.io/acme/app:stable", "docker.io/acme/app:test", "ghcr.io/acme/app:stable", "ghcr.io/acme/app:test"].sort(),
    );
    for (const t of tags) expect(at(wf, t.span)).toBe("${{ steps.meta.outputs.tags }}");
    expect(tags.every((t) => t.resolved)).toBe(true);
  });
});

describe("extractRepo: files that are not workflows", () => {
  it("reports broken, binary and non-mapping files and keeps going", async () => {
    const good = `on: push
jobs:
  a:
    runs-on: x
    container: ghcr.io/acme/app:test
`;
    const m = await extractRepo([
      { path: ".github/workflows/bin.yml", text: "\u0000\u0001\u0002\uFFFD\uFFFD" },
      { path: ".github/workflows/broken.yaml", text: "jobs:\n  a: [\n" },
      { path: ".github/workflows/list.yml", text: "- 1\n" },
      { path: ".github/workflows/good.yml", text: good },
      { path: "README.md", text: "not a workflow" },
    ]);
    expect(m.errors.map((e) => e.path).sort()).toEqual([".github/workflows/bin.yml", ".github/workflows/broken.yaml", ".github/workflows/list.yml"]);
    expect(m.consumers.map((c) => c.ref.text)).toEqual(["ghcr.io/acme/app:test"]);
  });

  it("knows which paths are workflows", () => {
    expect(isWorkflowPath(".github/workflows/ci.yml")).toBe(true);
    expect(isWorkflowPath(".github/workflows/ci.yaml")).toBe(true);
    expect(isWorkflowPath(".github/workflows/sub/ci.yml")).toBe(false);
    expect(isWorkflowPath("ci.yml")).toBe(false);
  });

  it("runs the whole actionlint corpus without throwing", async () => {
    const root = "/work/shared/corpus/actionlint";
    const walk = (d: string): string[] =>
      readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
    const files = walk(root).map((p) => ({ path: `.github/workflows/${relative(root, p).replace(/\//g, "__")}`, text: readFileSync(p, "utf8") }));
    expect(files.length).toBeGreaterThan(100);
    const m = await extractRepo(files, { repo: "acme/app" });
    expect(m.consumers.length).toBeGreaterThan(0);
    for (const e of m.errors) expect(e.path).toMatch(/^\.github\/workflows\//);
    // every failure is a reported parse problem, never a crash caught at the top
    expect(m.errors.filter((e) => /could not analyse/.test(e.message))).toEqual([]);
  });

  it("finishes a 5 MB workflow quickly, capping work", async () => {
    const step = `      - uses: docker/build-push-action@v6\n        with:\n          tags: ghcr.io/acme/app:\${{ matrix.v }}\n      - run: docker build -t x:1 --cache-to=type=gha . && docker run --rm alpine\n`;
    let big = "on: push\njobs:\n";
    for (let j = 0; big.length < 5_000_000; j++) big += `  j${j}:\n    runs-on: x\n    strategy:\n      matrix:\n        v: [a, b]\n    steps:\n${step.repeat(20)}`;
    const started = Date.now();
    const m = await one(big);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(m.errors).toEqual([]);
    expect(m.warnings.some((w) => /too many/.test(w.message))).toBe(true);
  });
});

describe("bake files discovery reads", () => {
  it("asks for files named by bake-action and buildx bake -f, or the defaults", async () => {
    const wf = `on: push
jobs:
  a:
    runs-on: x
    steps:
      - uses: docker/bake-action@v5
        with:
          workdir: docker
          files: |
            ./bake.hcl
            cwd://\${{ steps.meta.outputs.bake-file }}
      - run: docker buildx bake -f ci/compose.yml --push
        working-directory: ./svc
  b:
    runs-on: x
    steps:
      - uses: docker/bake-action@v6
`;
    // nothing known missing yet: every bake file extraction looks for is asked for
    const names = (await extractRepo([{ path: P, text: wf }], { missing: new Map() })).wanted.map((w) => w.path);
    expect(names).toContain("docker/bake.hcl");
    expect(names).toContain("svc/ci/compose.yml");
    expect(names).toContain("docker-bake.hcl");
    expect(names.some((n) => n.includes("${{"))).toBe(false);
  });
});
