/**
 * Workflow (and bake file) templates for the synthetic org generator, one per repo archetype.
 * Shapes follow what real repositories do: language CI with matrices, docker/build-push-action with
 * registry or gha caches, docker/metadata-action, `docker buildx build` in run steps, bake-action.
 */

import { CODEQL, DOCS, GO_CI, LINT, nodeCi, on, pythonCi, release } from "./generate-org-ci";

export const CLEAN_ARCHETYPES = ["node", "python", "go", "docs", "bare", "bpa-registry", "metadata", "matrix", "gha", "run-buildx", "bake"] as const;
export const COLLISION_ARCHETYPES = [
  "cache-overwrites-image-tag",
  "cache-overwrites-other-image",
  "cache-ref-used-as-image",
  "gha-cache-scope-shared",
  "cache-from-never-written",
] as const;
export type CleanArchetype = (typeof CLEAN_ARCHETYPES)[number];
export type CollisionArchetype = (typeof COLLISION_ARCHETYPES)[number];
export type Archetype = CleanArchetype | CollisionArchetype;

/** Archetypes that publish images to ghcr.io (and so own packages). */
export const DOCKER_ARCHETYPES: ReadonlySet<Archetype> = new Set<Archetype>([
  "bpa-registry", "metadata", "matrix", "gha", "run-buildx", "bake", ...COLLISION_ARCHETYPES,
]);

export interface TemplateContext {
  org: string;
  repo: string;
  /** a pick in [0, n) from the generator's seeded PRNG */
  pick: (n: number) => number;
  /** for cache-overwrites-other-image: the image (`ghcr.io/org/name:tag`) another repo pushes */
  otherImage?: string;
}

const LOGIN = `      - uses: docker/login-action@v3
        with:
          registry: ghcr.io
          username: \${{ github.actor }}
          password: \${{ secrets.GITHUB_TOKEN }}
`;

/** A build-push-action step; `extra` lines are added under `with:` verbatim. */
function bpa(lines: string[], indent = "      "): string {
  return `${indent}- uses: docker/setup-buildx-action@v3
${indent}- uses: docker/build-push-action@v6
${indent}  with:
${lines.map((l) => l.split("\n").map((x, i) => `${indent}${i ? "      " : "    "}${x}`).join("\n")).join("\n")}
`;
}

function dockerJob(name: string, steps: string, extra = ""): string {
  return `  ${name}:
    runs-on: ubuntu-latest
${extra}    steps:
      - uses: actions/checkout@v4
${LOGIN}${steps}`;
}

function workflow(name: string, jobs: string[], tags = false, env = ""): string {
  return `name: ${name}
${on(tags)}${env}
jobs:
${jobs.join("\n")}`;
}

/** The files (path -> text) of one repo of the given archetype. */
export function repoFiles(a: Archetype, c: TemplateContext): Record<string, string> {
  const img = `ghcr.io/${c.org}/${c.repo}`;
  const wf = (n: string) => `.github/workflows/${n}.yml`;
  const files: Record<string, string> = { "README.md": `# ${c.repo}\n\nPart of the ${c.org} platform.\n` };
  // about half the docker repos also run language CI: several workflows per repo
  const withCi = () => {
    if (c.pick(2)) files[wf("ci")] = nodeCi(c);
  };
  switch (a) {
    case "node":
      files[wf("ci")] = nodeCi(c);
      if (c.pick(2)) files[wf("lint")] = LINT;
      if (c.pick(5) === 0) files[wf("release")] = release(c);
      break;
    case "python":
      files[wf("tests")] = pythonCi(c);
      if (c.pick(3) === 0) files[wf("codeql")] = CODEQL;
      break;
    case "go":
      files[wf("go")] = GO_CI;
      break;
    case "docs":
      files[wf("pages")] = DOCS;
      break;
    case "bare":
      break;
    case "bpa-registry":
      withCi();
      files[wf("docker")] = workflow("docker", [dockerJob("image", bpa([
        "context: .",
        "push: ${{ github.event_name != 'pull_request' }}",
        `tags: |\n${img}:latest\n${img}:\${{ github.sha }}`,
        `cache-from: type=registry,ref=${img}:buildcache`,
        `cache-to: type=registry,ref=${img}:buildcache,mode=max`,
      ]))]);
      break;
    case "metadata":
      withCi();
      files[wf("publish")] = workflow("publish", [dockerJob("docker", `      - id: meta
        uses: docker/metadata-action@v5
        with:
          images: ${img}
          tags: |
            type=ref,event=branch
            type=semver,pattern={{version}}
            type=sha
${bpa([
        "platforms: linux/amd64,linux/arm64",
        "push: true",
        "provenance: mode=max",
        "tags: ${{ steps.meta.outputs.tags }}",
        "labels: ${{ steps.meta.outputs.labels }}",
        `cache-from: type=registry,ref=${img}:buildcache`,
        `cache-to: type=registry,ref=${img}:buildcache,mode=max,image-manifest=true`,
      ])}`)], true);
      break;
    case "matrix":
      files[wf("images")] = workflow("images", [dockerJob("build", bpa([
        "push: true",
        "build-args: VARIANT=${{ matrix.variant }}",
        `tags: ${img}:\${{ matrix.variant }}`,
        `cache-from: type=registry,ref=${img}:\${{ matrix.variant }}-cache`,
        `cache-to: type=registry,ref=${img}:\${{ matrix.variant }}-cache,mode=max`,
      ]), `    strategy:
      matrix:
        variant: [slim, full]
`)]);
      break;
    case "gha":
      withCi();
      files[wf("container")] = workflow("container", [dockerJob("build", bpa([
        "push: true",
        `tags: ${img}:latest`,
        "cache-from: type=gha,scope=image",
        "cache-to: type=gha,mode=max,scope=image",
      ]))]);
      break;
    case "run-buildx":
      files[wf("build")] = workflow("build", [dockerJob("edge", `      - uses: docker/setup-buildx-action@v3
      - name: Build and push
        run: |
          docker buildx build \\
            --platform linux/amd64,linux/arm64 \\
            -t \${{ env.IMAGE }}:edge \\
            --tag=\${{ env.IMAGE }}:\${{ github.sha }} \\
            --cache-from type=registry,ref=\${{ env.IMAGE }}:buildcache \\
            --cache-to=type=registry,ref=\${{ env.IMAGE }}:buildcache,mode=max \\
            --push .
`)], false, `env:\n  IMAGE: ${img}\n`);
      break;
    case "bake":
      withCi();
      files[wf("bake")] = workflow("bake", [dockerJob("bake", `      - uses: docker/setup-buildx-action@v3
      - uses: docker/bake-action@v6
        with:
          source: .
          files: docker-bake.hcl
          targets: default
          push: true
`)]);
      files["docker-bake.hcl"] = bakeFile(c);
      break;
    case "cache-overwrites-image-tag":
      // two ways people write the seed case: build-push-action, or a buildx run step
      if (c.pick(2)) {
        files[wf("ci")] = workflow("ci", [dockerJob("image", bpa([
          "push: true",
          `tags: ${img}:test`,
          `cache-from: type=registry,ref=${img}:test`,
          `cache-to: type=registry,ref=${img}:test,mode=max`,
        ]))]);
      } else {
        files[wf("ci")] = workflow("ci", [dockerJob("image", `      - uses: docker/setup-buildx-action@v3
      - run: |
          docker buildx build --push \\
            --tag ${img}:test \\
            --cache-from type=registry,ref=${img}:test \\
            --cache-to type=registry,ref=${img}:test,mode=max .
`)]);
      }
      break;
    case "cache-overwrites-other-image":
      files[wf("deploy")] = workflow("deploy", [dockerJob("migrations", bpa([
        "context: migrations",
        "push: true",
        `tags: ${img}:\${{ github.sha }}`,
        `cache-from: type=registry,ref=${c.otherImage}`,
        `cache-to: type=registry,ref=${c.otherImage},mode=max`,
      ]))]);
      break;
    case "cache-ref-used-as-image":
      files[wf("e2e")] = workflow("e2e", [
        dockerJob("runner", bpa([
          "context: runner",
          "push: true",
          `tags: ${img}-runner:\${{ github.sha }}`,
          `cache-from: type=registry,ref=${img}-runner:cache`,
          `cache-to: type=registry,ref=${img}-runner:cache,mode=max`,
        ])),
        `  tests:
    needs: runner
    runs-on: ubuntu-latest
    container:
      image: ${img}-runner:cache
    steps:
      - uses: actions/checkout@v4
      - run: npm test
`,
      ]);
      break;
    case "gha-cache-scope-shared":
      files[wf("publish")] = workflow("publish", [dockerJob("publish", bpa([
        "push: true", `tags: ${img}:latest`, "cache-from: type=gha", "cache-to: type=gha,mode=max",
      ]))]);
      files[wf("preview")] = workflow("preview", [dockerJob("preview", bpa([
        "file: Dockerfile.docs", "load: true", `tags: ${c.repo}-preview:pr`, "cache-from: type=gha", "cache-to: type=gha,mode=max",
      ]))]);
      break;
    case "cache-from-never-written":
      withCi();
      files[wf("docker")] = workflow("docker", [dockerJob("build", bpa([
        "push: true",
        `tags: ${img}:latest`,
        `cache-from: type=registry,ref=${img}:cache`,
        "cache-to: type=gha,mode=max",
      ]))]);
      break;
  }
  return files;
}

function bakeFile(c: TemplateContext): string {
  const target = (t: string) => `target "${t}" {
  context    = "${t}"
  tags       = ["\${REGISTRY}/${c.repo}-${t}:main", "\${REGISTRY}/${c.repo}-${t}:\${TAG}"]
  cache-from = ["type=registry,ref=\${REGISTRY}/${c.repo}-${t}:cache"]
  cache-to   = ["type=registry,ref=\${REGISTRY}/${c.repo}-${t}:cache,mode=max"]
}
`;
  return `variable "REGISTRY" {
  default = "ghcr.io/${c.org}"
}

variable "TAG" {
  default = "dev"
}

group "default" {
  targets = ["api", "worker"]
}

${target("api")}
${target("worker")}`;
}
