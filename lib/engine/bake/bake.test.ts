import { describe, expect, it } from "vitest";
import type { Span } from "../types";
import { type BakeRequest, DEFAULT_BAKE_FILES, resolveBake } from "./index";

function reader(files: Record<string, string>) {
  return (p: string) => files[p];
}

function req(over: Partial<BakeRequest> = {}): BakeRequest {
  return { files: [], targets: [], set: [], vars: {}, ...over };
}

/** The characters a span points at. */
function at(files: Record<string, string>, span: Span): string {
  return files[span.path].slice(span.offset, span.endOffset);
}

const BASIC = `variable "TAG" {
  default = "test"
}

target "app" {
  tags     = ["ghcr.io/acme/app:\${TAG}"]
  cache-to = ["type=registry,ref=ghcr.io/acme/app:\${TAG},mode=max"]
  output   = ["type=registry"]
}
`;

describe("resolveBake: HCL", () => {
  it("resolves a target's tags and cache export, with spans on the written characters", async () => {
    const files = { "docker-bake.hcl": BASIC };
    const { builds, errors } = await resolveBake(req({ targets: ["app"] }), reader(files));
    expect(errors).toEqual([]);
    expect(builds).toHaveLength(1);
    const b = builds[0];
    expect(b.target).toBe("app");
    expect(b.file).toBe("docker-bake.hcl");
    expect(b.tags.map((t) => t.text)).toEqual(["ghcr.io/acme/app:test"]);
    expect(b.tags[0].resolved).toBe(true);
    expect(b.tags[0].raw).toBe("ghcr.io/acme/app:${TAG}");
    expect(at(files, b.tags[0].span)).toBe("ghcr.io/acme/app:${TAG}");
    expect(b.tags[0].span.line).toBe(6);
    expect(b.cacheTo).toHaveLength(1);
    expect(b.cacheTo[0].type).toBe("registry");
    expect(b.cacheTo[0].attrs.mode).toBe("max");
    expect(b.cacheTo[0].ref?.text).toBe("ghcr.io/acme/app:test");
    expect(at(files, b.cacheTo[0].ref!.span)).toBe("ghcr.io/acme/app:${TAG}");
    expect(at(files, b.cacheTo[0].span)).toBe("type=registry,ref=ghcr.io/acme/app:${TAG},mode=max");
    expect(b.push).toBe(true);
  });

  it("lets the env given to bake override a variable default", async () => {
    const files = { "docker-bake.hcl": BASIC };
    const { builds } = await resolveBake(req({ targets: ["app"], vars: { TAG: "pr-7" } }), reader(files));
    expect(builds[0].tags[0].text).toBe("ghcr.io/acme/app:pr-7");
    expect(builds[0].cacheTo[0].ref?.text).toBe("ghcr.io/acme/app:pr-7");
  });

  it("applies inherits parent-first: child tags replace, cache-from accumulates", async () => {
    const files = {
      "docker-bake.hcl": `target "_common" {
  tags       = ["ghcr.io/acme/base:latest"]
  cache-from = ["type=registry,ref=ghcr.io/acme/base:cache"]
  cache-to   = ["type=gha"]
}
target "api" {
  inherits   = ["_common"]
  tags       = ["ghcr.io/acme/api:edge"]
  cache-from = ["type=registry,ref=ghcr.io/acme/api:cache"]
}
`,
    };
    const { builds } = await resolveBake(req({ targets: ["api"] }), reader(files));
    const b = builds[0];
    expect(b.tags.map((t) => t.text)).toEqual(["ghcr.io/acme/api:edge"]);
    expect(b.cacheFrom.map((c) => c.ref?.text)).toEqual(["ghcr.io/acme/base:cache", "ghcr.io/acme/api:cache"]);
    expect(b.cacheTo.map((c) => c.type)).toEqual(["gha"]);
    expect(b.push).toBe(false);
  });

  it("builds the default group, expanding nested groups", async () => {
    const files = {
      "docker-bake.hcl": `group "default" { targets = ["backend", "web"] }
group "backend" { targets = ["api", "worker"] }
target "api" { tags = ["ghcr.io/acme/api:1"] }
target "worker" { tags = ["ghcr.io/acme/worker:1"] }
target "web" { tags = ["ghcr.io/acme/web:1"] }
target "unused" { tags = ["ghcr.io/acme/unused:1"] }
`,
    };
    const { builds } = await resolveBake(req(), reader(files));
    expect(builds.map((b) => b.target)).toEqual(["api", "worker", "web"]);
  });

  it("forks a matrix target into one build per combination", async () => {
    const files = {
      "docker-bake.hcl": `target "img" {
  name     = "img-\${distro}"
  matrix   = { distro = ["alpine", "debian"] }
  tags     = ["ghcr.io/acme/img:\${distro}"]
  cache-to = ["type=registry,ref=ghcr.io/acme/img:\${distro}-cache"]
}
`,
    };
    const { builds } = await resolveBake(req({ targets: ["img"] }), reader(files));
    expect(builds.map((b) => b.target)).toEqual(["img-alpine", "img-debian"]);
    expect(builds.map((b) => b.tags[0].text)).toEqual(["ghcr.io/acme/img:alpine", "ghcr.io/acme/img:debian"]);
    expect(builds[1].cacheTo[0].ref?.text).toBe("ghcr.io/acme/img:debian-cache");
    expect(at(files, builds[1].cacheTo[0].ref!.span)).toBe("ghcr.io/acme/img:${distro}-cache");
    // a forked name can be asked for directly, or by pattern
    const one = await resolveBake(req({ targets: ["img-debian"] }), reader(files));
    expect(one.builds.map((b) => b.tags[0].text)).toEqual(["ghcr.io/acme/img:debian"]);
    const pattern = await resolveBake(req({ targets: ["img-a*"] }), reader(files));
    expect(pattern.builds.map((b) => b.target)).toEqual(["img-alpine"]);
  });

  it("audits at most 64 matrix combinations and says so", async () => {
    const axis = JSON.stringify(Array.from({ length: 9 }, (_, i) => `v${i}`));
    const files = {
      "docker-bake.hcl": `target "big" {
  name   = "big-\${a}-\${b}"
  matrix = { a = ${axis}, b = ${axis} }
  tags   = ["ghcr.io/acme/big:\${a}-\${b}"]
}
`,
    };
    const { builds, errors } = await resolveBake(req({ targets: ["big"] }), reader(files));
    expect(builds).toHaveLength(64);
    expect(errors.some((e) => /81 combinations/.test(e.message))).toBe(true);
  });

  it("keeps a variable nobody sets as an opaque token, equal wherever it is used", async () => {
    const files = {
      "docker-bake.hcl": `variable "REGISTRY" {}
target "app" {
  tags     = ["\${REGISTRY}/app:latest"]
  cache-to = ["type=registry,ref=\${REGISTRY}/app:latest"]
}
`,
    };
    const { builds } = await resolveBake(req({ targets: ["app"] }), reader(files));
    const tag = builds[0].tags[0];
    expect(tag.text).toBe("${{ bake.REGISTRY }}/app:latest");
    expect(tag.resolved).toBe(false);
    expect(builds[0].cacheTo[0].ref?.text).toBe(tag.text);
    expect(builds[0].cacheTo[0].ref?.resolved).toBe(false);
  });

  it("takes both branches of a condition on an unknown variable, marked speculative", async () => {
    const files = {
      "docker-bake.hcl": `variable "CACHE" {}
variable "MODE" { default = "max" }
target "app" {
  tags     = [upper("ghcr.io/acme/app") == "GHCR.IO/ACME/APP" ? "ghcr.io/acme/app:ok" : "never"]
  cache-to = notequal("", CACHE) ? ["type=registry,ref=\${CACHE},mode=\${MODE}"] : ["type=gha"]
}
`,
    };
    const { builds } = await resolveBake(req({ targets: ["app"] }), reader(files));
    const b = builds[0];
    expect(b.tags.map((t) => [t.text, t.speculative ?? false])).toEqual([["ghcr.io/acme/app:ok", false]]);
    expect(b.cacheTo.map((c) => c.type)).toEqual(["registry", "gha"]);
    expect(b.cacheTo[0].ref?.text).toBe("${{ bake.CACHE }}");
    expect(b.cacheTo[0].ref?.speculative).toBe(true);
    expect(b.cacheTo[0].attrs.mode).toBe("max");
    // once the env says what CACHE is, the condition is decided
    const known = await resolveBake(req({ targets: ["app"], vars: { CACHE: "ghcr.io/acme/app:cache" } }), reader(files));
    expect(known.builds[0].cacheTo.map((c) => c.ref?.text)).toEqual(["ghcr.io/acme/app:cache"]);
    expect(known.builds[0].cacheTo[0].ref?.speculative).toBeUndefined();
  });

  it("points a value taken from a variable default at the default's characters", async () => {
    const files = {
      "docker-bake.hcl": `variable "IMAGE" { default = "ghcr.io/acme/app:test" }
target "app" {
  tags     = [IMAGE]
  cache-to = ["type=registry,ref=\${IMAGE}"]
}
`,
    };
    const { builds } = await resolveBake(req({ targets: ["app"] }), reader(files));
    expect(builds[0].tags[0].text).toBe("ghcr.io/acme/app:test");
    expect(at(files, builds[0].tags[0].span)).toBe("ghcr.io/acme/app:test");
    expect(builds[0].tags[0].span.line).toBe(1);
    expect(builds[0].cacheTo[0].ref?.text).toBe("ghcr.io/acme/app:test");
    expect(at(files, builds[0].cacheTo[0].ref!.span)).toBe("${IMAGE}");
  });

  it("reports an unknown target and still builds the known ones", async () => {
    const files = { "docker-bake.hcl": BASIC };
    const { builds, errors } = await resolveBake(req({ targets: ["app", "ghost"] }), reader(files));
    expect(builds.map((b) => b.target)).toEqual(["app"]);
    expect(errors).toEqual([{ path: "docker-bake.hcl", message: 'unknown bake target "ghost"' }]);
  });
});

describe("resolveBake: files", () => {
  it("reads a JSON bake file with variables, relative to workdir", async () => {
    const files = {
      "docker/docker-bake.json": `{
  "variable": { "TAG": { "default": "dev" } },
  "group": { "default": { "targets": ["web"] } },
  "target": {
    "web": {
      "tags": ["ghcr.io/acme/web:\${TAG}"],
      "cache-from": ["ghcr.io/acme/web:buildcache"],
      "cache-to": ["type=registry,ref=ghcr.io/acme/web:buildcache,mode=max"],
      "output": ["type=image,push=true"]
    }
  }
}`,
    };
    const { builds, errors } = await resolveBake(req({ workdir: "./docker" }), reader(files));
    expect(errors).toEqual([]);
    const b = builds[0];
    expect(b.file).toBe("docker/docker-bake.json");
    expect(b.tags[0].text).toBe("ghcr.io/acme/web:dev");
    expect(b.cacheFrom[0].type).toBe("registry");
    expect(b.cacheFrom[0].ref?.text).toBe("ghcr.io/acme/web:buildcache");
    expect(at(files, b.cacheFrom[0].ref!.span)).toBe("ghcr.io/acme/web:buildcache");
    expect(b.cacheFrom[0].ref!.span.line).toBe(7);
    expect(b.cacheTo[0].ref!.span.line).toBe(8);
    expect(b.push).toBe(true);
  });

  it("reads compose services: image as tag, build cache_from and x-bake cache-to", async () => {
    const files = {
      "compose.yaml": `services:
  api:
    image: ghcr.io/acme/api:\${TAG:-latest}
    build:
      context: .
      cache_from:
        - "ghcr.io/acme/api:cache"
      x-bake:
        cache-to: type=registry,ref=ghcr.io/acme/api:\${TAG:-latest}
        output: type=registry
  db:
    image: postgres:16
`,
    };
    const { builds } = await resolveBake(req(), reader(files));
    expect(builds.map((b) => b.target)).toEqual(["api"]); // db has no build section
    const b = builds[0];
    expect(b.tags[0].text).toBe("ghcr.io/acme/api:latest");
    expect(at(files, b.tags[0].span)).toBe("ghcr.io/acme/api:${TAG:-latest}");
    expect(b.cacheFrom[0].ref?.text).toBe("ghcr.io/acme/api:cache");
    expect(at(files, b.cacheFrom[0].ref!.span)).toBe("ghcr.io/acme/api:cache");
    expect(b.cacheTo[0].ref?.text).toBe("ghcr.io/acme/api:latest");
    expect(b.cacheTo[0].ref!.span.line).toBe(9);
    expect(b.push).toBe(true);
    const withTag = await resolveBake(req({ vars: { TAG: "1.2" } }), reader(files));
    expect(withTag.builds[0].cacheTo[0].ref?.text).toBe("ghcr.io/acme/api:1.2");
  });

  it("merges the default files in buildx's order: the HCL file overrides compose tags", async () => {
    expect(DEFAULT_BAKE_FILES).toEqual([
      "compose.yaml",
      "compose.yml",
      "docker-compose.yml",
      "docker-compose.yaml",
      "docker-bake.json",
      "docker-bake.hcl",
      "docker-bake.override.json",
      "docker-bake.override.hcl",
    ]);
    const files = {
      "docker-compose.yml": `services:
  web:
    image: ghcr.io/acme/web:compose
    build: .
`,
      "docker-bake.hcl": `target "web" {
  tags = ["ghcr.io/acme/web:hcl"]
  cache-to = ["type=registry,ref=ghcr.io/acme/web:hcl"]
}
`,
    };
    const { builds } = await resolveBake(req(), reader(files));
    expect(builds).toHaveLength(1);
    expect(builds[0].file).toBe("docker-bake.hcl");
    expect(builds[0].tags.map((t) => t.text)).toEqual(["ghcr.io/acme/web:hcl"]);
    expect(builds[0].cacheTo[0].ref?.text).toBe("ghcr.io/acme/web:hcl");
  });

  it("reports a broken HCL file with its line and still resolves the other file", async () => {
    const files = {
      "docker-bake.hcl": BASIC,
      "docker-bake.override.hcl": `target "app" {\n  tags = [\n}\n`,
    };
    const { builds, errors } = await resolveBake(
      req({ files: ["docker-bake.hcl", "docker-bake.override.hcl"], targets: ["app"] }),
      reader(files),
    );
    expect(builds.map((b) => b.tags[0].text)).toEqual(["ghcr.io/acme/app:test"]);
    expect(errors).toHaveLength(1);
    expect(errors[0].path).toBe("docker-bake.override.hcl");
    expect(errors[0].line).toBe(3);
    expect(errors[0].message).toMatch(/expression/i);
  });

  it("reports a named file that does not exist", async () => {
    const { builds, errors } = await resolveBake(req({ files: ["nope.hcl"] }), reader({}));
    expect(builds).toEqual([]);
    expect(errors).toEqual([{ path: "nope.hcl", message: "bake file not found: nope.hcl" }]);
  });
});

describe("resolveBake: --set and push", () => {
  const workflow = `jobs:
  b:
    steps:
      - uses: docker/bake-action@v6
        with:
          set: |
            app.cache-to=type=registry,ref=ghcr.io/acme/app:buildcache
            *.tags=ghcr.io/acme/app:set
`;
  const entries = ["app.cache-to=type=registry,ref=ghcr.io/acme/app:buildcache", "*.tags=ghcr.io/acme/app:set"];
  const spanOf = (entry: string): Span => {
    const offset = workflow.indexOf(entry);
    const line = workflow.slice(0, offset).split("\n").length;
    const column = offset - workflow.lastIndexOf("\n", offset - 1);
    return { path: ".github/workflows/ci.yml", line, column, offset, endOffset: offset + entry.length };
  };

  it("overrides cache-to and tags, with spans in the workflow", async () => {
    const files = { "docker-bake.hcl": BASIC, ".github/workflows/ci.yml": workflow };
    const { builds } = await resolveBake(
      req({ targets: ["app"], set: entries, setSpans: entries.map(spanOf) }),
      reader(files),
    );
    const b = builds[0];
    expect(b.tags.map((t) => t.text)).toEqual(["ghcr.io/acme/app:set"]);
    expect(b.tags[0].span.path).toBe(".github/workflows/ci.yml");
    expect(at(files, b.tags[0].span)).toBe("ghcr.io/acme/app:set");
    expect(b.cacheTo).toHaveLength(1);
    expect(b.cacheTo[0].ref?.text).toBe("ghcr.io/acme/app:buildcache");
    expect(at(files, b.cacheTo[0].ref!.span)).toBe("ghcr.io/acme/app:buildcache");
    expect(b.cacheTo[0].ref!.span.line).toBe(7);
  });

  it("appends with += and matches target patterns", async () => {
    const files = {
      "docker-bake.hcl": `target "api" { tags = ["ghcr.io/acme/api:1"] }
target "web" { tags = ["ghcr.io/acme/web:1"] }
group "default" { targets = ["api", "web"] }
`,
    };
    const { builds } = await resolveBake(req({ set: ["a*.tags+=ghcr.io/acme/api:extra", "web.output=type=registry"] }), reader(files));
    expect(builds.map((b) => [b.target, b.tags.map((t) => t.text), b.push])).toEqual([
      ["api", ["ghcr.io/acme/api:1", "ghcr.io/acme/api:extra"], false],
      ["web", ["ghcr.io/acme/web:1"], true],
    ]);
  });

  it("takes push from the action input, and null when it is not known", async () => {
    const files = { "docker-bake.hcl": `target "default" { tags = ["ghcr.io/acme/app:1"] }\n` };
    const pushed = await resolveBake(req({ push: true }), reader(files));
    expect(pushed.builds[0].push).toBe(true);
    const unknown = await resolveBake(req({ push: null }), reader(files));
    expect(unknown.builds[0].push).toBeNull();
    const local = await resolveBake(req({ push: false }), reader(files));
    expect(local.builds[0].push).toBe(false);
  });
});

describe("resolveBake: buildx merge details", () => {
  it("applies --set on a parent to the targets inheriting it, without duplicates", async () => {
    const files = {
      "docker-bake.hcl": `target "_base" { cache-to = ["type=gha"] }
target "app" {
  inherits = ["_base"]
  tags     = ["ghcr.io/acme/app:1"]
}
`,
    };
    const { builds } = await resolveBake(
      req({ targets: ["app"], set: ["_base.cache-to=type=registry,ref=ghcr.io/acme/app:1", "*.tags+=ghcr.io/acme/app:2"] }),
      reader(files),
    );
    expect(builds[0].cacheTo.map((c) => c.ref?.text)).toEqual(["ghcr.io/acme/app:1"]);
    expect(builds[0].tags.map((t) => t.text)).toEqual(["ghcr.io/acme/app:1", "ghcr.io/acme/app:2"]);
  });

  it("tags a compose build with image only when it lists no tags", async () => {
    const files = {
      "compose.yaml": `services:
  web:
    image: ghcr.io/acme/web:latest
    build:
      tags: ["ghcr.io/acme/web:1.0"]
  my.worker:
    image: ghcr.io/acme/worker:latest
    build: ./worker
`,
    };
    const { builds } = await resolveBake(req(), reader(files));
    expect(builds.map((b) => [b.target, b.tags.map((t) => t.text)])).toEqual([
      ["web", ["ghcr.io/acme/web:1.0"]],
      ["my_worker", ["ghcr.io/acme/worker:latest"]],
    ]);
  });
});

describe("resolveBake: functions and generated files", () => {
  it("evaluates user-defined bake functions", async () => {
    const files = {
      "docker-bake.hcl": `variable "REPO" { default = "ghcr.io/acme/app" }
function "tag" {
  params = [name]
  result = ["\${REPO}:\${name}"]
}
function "joined" {
  params          = [first]
  variadic_params = rest
  result          = join("-", concat([first], rest))
}
target "app" {
  tags     = tag("edge")
  cache-to = ["type=registry,ref=\${REPO}:\${joined("cache", "amd64")}"]
}
`,
    };
    const { builds } = await resolveBake(req({ targets: ["app"] }), reader(files));
    expect(builds[0].tags.map((t) => t.text)).toEqual(["ghcr.io/acme/app:edge"]);
    expect(builds[0].cacheTo[0].ref?.text).toBe("ghcr.io/acme/app:cache-amd64");
  });

  it("reads a generated metadata-action bake file when the caller can supply its text", async () => {
    const generated = "${{ steps.meta.outputs.bake-file }}";
    const files: Record<string, string> = {
      "docker-bake.hcl": `target "docker-metadata-action" {}
target "build" {
  inherits = ["docker-metadata-action"]
  cache-to = ["type=registry,ref=ghcr.io/acme/app:buildcache"]
}
`,
      [generated]: JSON.stringify({ target: { "docker-metadata-action": { tags: ["ghcr.io/acme/app:1.0"] } } }),
    };
    const { builds, errors } = await resolveBake(
      req({ files: ["./docker-bake.hcl", `cwd://${generated}`], targets: ["build"] }),
      reader(files),
    );
    expect(errors).toEqual([]);
    expect(builds[0].tags.map((t) => t.text)).toEqual(["ghcr.io/acme/app:1.0"]);
    // and when it cannot, the named-but-generated file is skipped without an error
    const without = await resolveBake(
      req({ files: ["./docker-bake.hcl", `cwd://${generated}`], targets: ["build"] }),
      reader({ "docker-bake.hcl": files["docker-bake.hcl"] }),
    );
    expect(without.errors).toEqual([]);
    expect(without.builds[0].tags).toEqual([]);
    expect(without.builds[0].cacheTo[0].ref?.text).toBe("ghcr.io/acme/app:buildcache");
  });
});
