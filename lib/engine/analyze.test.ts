import { describe, expect, it } from "vitest";
import { analyze, analyzeRepos } from "./analyze";
import { fingerprint } from "./fingerprint";

const RELEASE = `name: release
on: { push: { tags: ["v*"] } }
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/acme/base:latest
`;

const CONSUMER = `name: ci
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          cache-from: type=registry,ref=ghcr.io/acme/base
          cache-to: type=registry,ref=ghcr.io/acme/base,mode=max
`;

describe("analyzeRepos", () => {
  it("finds a cache in one repository overwriting an image another repository pushes", async () => {
    const r = await analyzeRepos([
      { repo: "acme/base", files: [{ path: ".github/workflows/release.yml", text: RELEASE }] },
      { repo: "acme/app", files: [{ path: ".github/workflows/ci.yml", text: CONSUMER }] },
    ]);
    expect(r.errors).toEqual([]);
    expect(r.findings).toHaveLength(1);
    const [f] = r.findings;
    expect(f).toMatchObject({ ruleId: "cache-overwrites-other-image", repo: "acme/app", path: ".github/workflows/ci.yml", line: 10, ref: "ghcr.io/acme/base:latest" });
    expect(f.message).toContain("acme/base: .github/workflows/release.yml");
    expect(f.related?.[0]).toMatchObject({ repo: "acme/base", path: ".github/workflows/release.yml", line: 10 });
    expect(f.fix?.diff).toContain("+          cache-to: type=registry,ref=ghcr.io/acme/base:buildcache,mode=max");
    // Analyzed alone, neither repository shows the problem.
    expect((await analyze([{ path: ".github/workflows/ci.yml", text: CONSUMER }], { repo: "acme/app" })).findings.filter((x) => x.severity === "error")).toEqual([]);
  });
});

describe("fingerprint", () => {
  it("survives lines moving but changes with the ref", async () => {
    const seed = (pad: string, tag: string) => `name: ci
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:${pad}
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/org/app:${tag}
          cache-to: type=registry,ref=ghcr.io/org/app:${tag}
`;
    const fp = async (text: string) => {
      const r = await analyze([{ path: ".github/workflows/ci.yml", text }], { repo: "org/app" });
      expect(r.findings).toHaveLength(1);
      return { f: r.findings[0], fp: fingerprint(r.findings[0]) };
    };
    const a = await fp(seed("", "test"));
    const b = await fp(seed("\n      - run: echo one\n      - run: echo two", "test"));
    const c = await fp(seed("", "dev"));
    expect(b.f.line).toBe(a.f.line + 2);
    expect(b.fp).toBe(a.fp);
    expect(c.fp).not.toBe(a.fp);
    expect(a.fp).toMatch(/^cache-overwrites-image-tag:[0-9a-f]{14}$/);
  });
});

describe("findings order and matrix copies", () => {
  it("sorts by path, line, column and names only the affected matrix combinations", async () => {
    const text = `name: m
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        variant: [alpine, debian, distroless]
    steps:
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/org/app:\${{ matrix.variant }}
          cache-to: type=registry,ref=ghcr.io/org/app:alpine
`;
    const r = await analyze([
      { path: ".github/workflows/z.yml", text },
      { path: ".github/workflows/a.yml", text },
    ]);
    const own = r.findings.filter((f) => f.ruleId === "cache-overwrites-image-tag");
    expect(own.map((f) => f.path)).toEqual([".github/workflows/a.yml", ".github/workflows/z.yml"]);
    expect(own[0].message).toMatch(/\(matrix: variant=alpine\)$/);
    const sorted = [...r.findings].sort((x, y) => x.path.localeCompare(y.path) || x.line - y.line || x.column - y.column);
    expect(r.findings.map((f) => `${f.path}:${f.line}:${f.column}`)).toEqual(sorted.map((f) => `${f.path}:${f.line}:${f.column}`));
  });
});
