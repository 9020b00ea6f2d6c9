import { describe, expect, it } from "vitest";
import { extractRepo } from "../extract";
import { registryCacheSupport } from "../registry-cache-support";
import { versionBelow } from "./tools";

const wf = (text: string) => ({ path: ".github/workflows/ci.yml", text });

describe("what a job sets up for its builds", () => {
  it("records the pinned BuildKit, and forgets it when a later setup-buildx makes a new builder", async () => {
    const m = await extractRepo([
      wf(`on: [push, pull_request]
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/setup-buildx-action@v3
        with:
          driver-opts: |
            network=host
            image=moby/buildkit:v0.18.2-rootless
      - uses: docker/build-push-action@v6
        with: { cache-to: type=gha }
      - uses: docker/setup-buildx-action@v3
      - uses: docker/build-push-action@v6
        with: { cache-to: type=gha }
`),
    ]);
    expect(m.builds.map((b) => b.tools?.buildkit?.version ?? null)).toEqual(["0.18.2", null]);
    expect(m.builds[0].tools?.buildkit?.span.line).toBe(8);
    expect(m.builds[0].events).toEqual(["push", "pull_request"]);
  });

  it("sees a pull request's code checked out, and the runtime token exposed, only after the step that does it", async () => {
    const m = await extractRepo([
      wf(`on: pull_request_target
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: docker buildx build --cache-to type=gha .
      - uses: actions/checkout@v4
        with: { ref: "refs/pull/\${{ github.event.number }}/merge" }
      - uses: crazy-max/ghaction-github-runtime@v3
      - run: docker buildx build --cache-to type=gha .
`),
    ]);
    expect(m.builds.map((b) => [b.tools?.prCheckout?.line ?? null, b.tools?.ghaRuntime ?? false])).toEqual([[null, false], [8, true]]);
  });

  it("gives the builds of a reusable workflow the caller's events", async () => {
    const m = await extractRepo([
      wf(`on:
  pull_request_target:
jobs:
  call:
    uses: ./.github/workflows/build.yml
`),
      { path: ".github/workflows/build.yml", text: `on: workflow_call
jobs:
  b:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with: { cache-to: type=gha }
` },
    ]);
    expect(m.builds.map((b) => b.events)).toEqual([["pull_request_target"]]);
  });
});

describe("versions and registries", () => {
  it("compares versions as numbers", () => {
    expect(versionBelow("0.9.1", "0.20")).toBe(true);
    expect(versionBelow("0.20.0", "0.20")).toBe(false);
    expect(versionBelow("0.21", "0.20.0")).toBe(false);
    expect(versionBelow("1.0", "0.21")).toBe(false);
  });

  it("knows ECR, Quay, Artifactory and GCR hosts and nothing else", () => {
    expect(registryCacheSupport("123456789012.dkr.ecr.eu-west-1.amazonaws.com")?.name).toBe("Amazon ECR");
    expect(registryCacheSupport("quay.io")?.name).toBe("Red Hat Quay");
    expect(registryCacheSupport("acme.jfrog.io")?.name).toBe("JFrog Artifactory");
    expect(registryCacheSupport("eu.gcr.io")?.name).toBe("Google Container Registry");
    for (const host of ["ghcr.io", "docker.io", "europe-docker.pkg.dev", "registry.example.com:5000", "ecr.example.com"]) {
      expect(registryCacheSupport(host), host).toBeUndefined();
    }
  });
});
