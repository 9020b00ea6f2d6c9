import { describe, expect, it } from "vitest";
import { extractRepo } from "../extract";
import type { InputFile, Span } from "../types";

const P = ".github/workflows/ci.yml";
const at = (text: string, span: Span) => text.slice(span.offset, span.endOffset);
const one = (text: string, extra: InputFile[] = []) => extractRepo([{ path: P, text }, ...extra]);

describe("run scripts", () => {
  const wf = `on: push
env:
  IMAGE: ghcr.io/acme/app
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: |
          # build and push
          docker buildx build \\
            --tag=ghcr.io/acme/app:test \\
            -t "$IMAGE:latest" \\
            --cache-to "type=registry,ref=\${IMAGE}:test,mode=max" \\
            --cache-from=type=registry,ref=ghcr.io/acme/app:buildcache \\
            --push .
          echo docker; docker build -t local/app:dev --load .
`;
  it("reads continuations, --tag=x, quoted flags and $VAR from env, with exact spans", async () => {
    const m = await one(wf);
    expect(m.errors).toEqual([]);
    expect(m.builds).toHaveLength(2);
    const [b, local] = m.builds;
    expect(b).toMatchObject({ source: "run", push: true, load: false, stepIndex: 0 });
    expect(b.tags.map((t) => t.text)).toEqual(["ghcr.io/acme/app:test", "ghcr.io/acme/app:latest"]);
    expect(at(wf, b.tags[0].span)).toBe("ghcr.io/acme/app:test");
    expect(b.tags[0].span.line).toBe(11);
    expect(at(wf, b.tags[1].span)).toBe('"$IMAGE:latest"');
    const ref = b.cacheTo[0].ref!;
    expect(ref.text).toBe("ghcr.io/acme/app:test");
    expect(b.cacheTo[0].attrs.mode).toBe("max");
    expect(ref.raw).toBe("${IMAGE}:test");
    expect(at(wf, ref.span)).toBe(ref.raw);
    expect(at(wf, b.cacheTo[0].span)).toBe(b.cacheTo[0].raw);
    expect(at(wf, b.cacheFrom[0].ref!.span)).toBe("ghcr.io/acme/app:buildcache");
    expect(at(wf, b.span)).toBe("docker");
    expect(b.span.line).toBe(10);
    expect(b.context).toBe(".");
    expect(local).toMatchObject({ push: false, load: true, context: "." });
    expect(local.tags[0].text).toBe("local/app:dev");
    expect(local.span.line).toBe(16);
    expect(local.id).not.toBe(b.id);
  });

  it("keeps exact spans in a CRLF file", async () => {
    const crlf = wf.replace(/\n/g, "\r\n");
    const m = await one(crlf);
    const b = m.builds[0];
    expect(b.tags.map((t) => t.text)).toEqual(["ghcr.io/acme/app:test", "ghcr.io/acme/app:latest"]);
    for (const t of b.tags) expect(at(crlf, t.span)).toBe(t.raw);
    expect(at(crlf, b.cacheTo[0].ref!.span)).toBe("${IMAGE}:test");
    expect(b.cacheTo[0].ref!.span.line).toBe(13);
  });

  it("resolves shell variables assigned earlier in the script, else keeps them opaque", async () => {
    const m = await one(`on: push
jobs:
  a:
    runs-on: x
    steps:
      - run: |
          REF=ghcr.io/acme/app:cache
          docker buildx build --cache-to type=registry,ref=$REF --cache-from type=registry,ref=$OTHER .
`);
    const b = m.builds[0];
    expect(b.cacheTo[0].ref).toMatchObject({ text: "ghcr.io/acme/app:cache", resolved: true });
    expect(b.cacheFrom[0].ref?.resolved).toBe(false);
    expect(b.cacheTo[0].ref?.raw).toBe("$REF");
  });
});

describe("consumers", () => {
  it("finds docker run/pull/create, job containers, services and docker:// actions", async () => {
    const wf = `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    container:
      image: ghcr.io/acme/ci:\${{ matrix.v }}
    strategy:
      matrix:
        v: [1]
    services:
      db:
        image: "postgres:16"
      cache:
        image: ghcr.io/acme/app:test
    steps:
      - uses: docker://ghcr.io/acme/tool:2
      - run: |
          docker pull ghcr.io/acme/app:test
          docker run --rm -e A=1 -v "$PWD:/src" --name x --platform linux/amd64 --entrypoint sh ghcr.io/acme/app:test -c true
          docker create --name c ghcr.io/acme/app:cache
  other:
    runs-on: x
    container: node:20
`;
    const m = await one(wf);
    const got = m.consumers.map((c) => [c.kind, c.job, c.ref.text]);
    expect(got).toEqual([
      ["job-container", "test", "ghcr.io/acme/ci:1"],
      ["service-container", "test", "postgres:16"],
      ["service-container", "test", "ghcr.io/acme/app:test"],
      ["uses-docker", "test", "ghcr.io/acme/tool:2"],
      ["docker-pull", "test", "ghcr.io/acme/app:test"],
      ["docker-run", "test", "ghcr.io/acme/app:test"],
      ["docker-create", "test", "ghcr.io/acme/app:cache"],
      ["job-container", "other", "node:20"],
    ]);
    for (const c of m.consumers) expect(at(wf, c.ref.span)).toBe(c.ref.raw);
    expect(m.consumers[5].ref.span.line).toBe(19);
    expect(m.consumers[0].matrix).toEqual({ v: "1" });
  });
});

describe("matrix limits", () => {
  it("keeps the first 256 combinations and says so", async () => {
    const axis = `[${Array.from({ length: 20 }, (_, i) => i).join(", ")}]`;
    const m = await one(`on: push
jobs:
  a:
    runs-on: x
    strategy:
      matrix: { a: ${axis}, b: ${axis} }
    steps:
      - uses: docker/build-push-action@v6
        with:
          tags: ghcr.io/acme/app:\${{ matrix.a }}-\${{ matrix.b }}
`);
    expect(m.builds).toHaveLength(256);
    expect(m.warnings.map((w) => w.message).join()).toMatch(/400 combinations; only the first 256/);
  });
});

describe("anchors in workflows", () => {
  it("extracts steps reached through anchors and merge keys", async () => {
    const wf = `on: push
x-build: &build
  uses: docker/build-push-action@v6
  with: &with
    push: true
    tags: ghcr.io/acme/app:test
jobs:
  a:
    runs-on: x
    steps:
      - *build
      - <<: *build
        with:
          <<: *with
          cache-to: type=registry,ref=ghcr.io/acme/app:test
`;
    const m = await one(wf);
    expect(m.errors).toEqual([]);
    expect(m.builds).toHaveLength(2);
    expect(m.builds.map((b) => b.tags.map((t) => t.text))).toEqual([["ghcr.io/acme/app:test"], ["ghcr.io/acme/app:test"]]);
    expect(m.builds[1].push).toBe(true);
    expect(m.builds[1].cacheTo[0].ref?.text).toBe("ghcr.io/acme/app:test");
    // the anchored tag's span is where it was written, once
    expect(m.builds[1].tags[0].span.line).toBe(6);
  });
});

describe("bake-action", () => {
  it("turns every bake target into a build, reading the bake file the step names", async () => {
    const bake = `target "app" {
  tags = ["ghcr.io/acme/app:test"]
  cache-to = ["type=registry,ref=ghcr.io/acme/app:test,mode=max"]
}
target "worker" {
  tags = ["ghcr.io/acme/worker:test"]
}
group "default" {
  targets = ["app", "worker"]
}
`;
    const wf = `on: push
jobs:
  bake:
    runs-on: x
    steps:
      - uses: docker/bake-action@v5
        with:
          workdir: build
          files: docker-bake.hcl
          push: true
          set: |
            worker.cache-from=type=gha
`;
    const m = await one(wf, [{ path: "build/docker-bake.hcl", text: bake }]);
    expect(m.errors).toEqual([]);
    const byTarget = Object.fromEntries(m.builds.map((b) => [b.bakeTarget, b]));
    expect(Object.keys(byTarget).sort()).toEqual(["app", "worker"]);
    expect(byTarget.app).toMatchObject({ source: "bake-action", push: true, id: `${P}#bake#0#app` });
    expect(byTarget.app.tags[0].text).toBe("ghcr.io/acme/app:test");
    expect(byTarget.app.cacheTo[0].ref?.text).toBe("ghcr.io/acme/app:test");
    expect(byTarget.app.tags[0].span.path).toBe("build/docker-bake.hcl");
    expect(byTarget.worker.cacheFrom[0].type).toBe("gha");
  });

  it("gives targets that inherit docker-metadata-action the metadata tags", async () => {
    const wf = `on: push
jobs:
  bake:
    runs-on: x
    steps:
      - id: meta
        uses: docker/metadata-action@v5
        with:
          images: ghcr.io/acme/app
          tags: type=raw,value=test
      - uses: docker/bake-action@v6
        with:
          source: .
          files: |
            ./docker-bake.hcl
            cwd://\${{ steps.meta.outputs.bake-file }}
          targets: build
          push: true
`;
    const bake = 'target "docker-metadata-action" {}\ntarget "build" {\n  inherits = ["docker-metadata-action"]\n  cache-to = ["type=registry,ref=ghcr.io/acme/app:test"]\n}\n';
    const m = await one(wf, [{ path: "docker-bake.hcl", text: bake }]);
    expect(m.errors).toEqual([]);
    const [b] = m.builds;
    expect(b.tags.map((t) => t.text)).toEqual(["ghcr.io/acme/app:test"]);
    // the tag was written by the metadata step; its span is the `files:` entry that brings it in
    expect(at(wf, b.tags[0].span)).toBe("cwd://${{ steps.meta.outputs.bake-file }}");
    expect(b.cacheTo[0].ref?.text).toBe("ghcr.io/acme/app:test");
  });

  it("reports a bake file that is not in the repository", async () => {
    const m = await one(`on: push
jobs:
  bake:
    runs-on: x
    steps:
      - run: docker buildx bake -f missing.hcl --push
`);
    // the workflow's mistake, said at the step that names the file; the rest of the file is still analysed
    expect(m.errors).toEqual([]);
    expect(m.warnings.map((e) => `${e.line}: ${e.message}`).join()).toMatch(/^6: bake file not found: missing\.hcl/);
  });
});
