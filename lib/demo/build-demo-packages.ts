/**
 * Writes lib/demo/fixture/packages/: the demo org's GHCR packages as real manifest bytes, so every
 * digest an index or a signature tag refers to is the sha256 of a file the fake registry serves.
 * Deterministic: run it again and nothing changes. `npx tsx lib/demo/build-demo-packages.ts [DIR]`
 */
import { rmSync } from "node:fs";
import path from "node:path";
import {
  CACHE_CONFIG, DOCKER_CONFIG, DOCKER_LAYER, DOCKER_LIST, DOCKER_MANIFEST, FixturePackageWriter as PackageWriter,
  hex, layer, OCI_CONFIG, OCI_INDEX, OCI_LAYER, OCI_MANIFEST, type Descriptor, type Json,
} from "./oci-fixture";

function imageConfig(p: PackageWriter, name: string, arch: string, layers: Descriptor[], docker = false): Descriptor {
  const body = {
    architecture: arch,
    os: "linux",
    ...(arch === "arm64" ? { variant: "v8" } : {}),
    created: "2026-11-20T09:00:00Z",
    config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Entrypoint: [`/${p.name}`], WorkingDir: "/" },
    rootfs: { type: "layers", diff_ids: layers.map((l) => `sha256:${hex(`diff:${l.digest}`)}`) },
    history: layers.map((_, i) => ({ created: "2026-11-20T09:00:00Z", created_by: `RUN step ${i + 1} # buildkit`, comment: "buildkit.dockerfile.v0" })),
  };
  return p.blob(name, body, docker ? DOCKER_CONFIG : OCI_CONFIG);
}

/** A single-platform image manifest (OCI, or Docker v2 schema 2). */
function image(p: PackageWriter, seed: string, arch: string, docker = false): Json {
  const layers = [1, 2, 3].map((i) => layer(docker ? DOCKER_LAYER : OCI_LAYER, `${p.name}:${seed}:${arch}:${i}`));
  const config = imageConfig(p, `config-${seed}-${arch}`, arch, layers, docker);
  return { schemaVersion: 2, mediaType: docker ? DOCKER_MANIFEST : OCI_MANIFEST, config, layers };
}

/** The in-toto attestation manifest buildx attaches to each platform (provenance + SBOM). */
function attestation(p: PackageWriter, seed: string, subject: Descriptor): Json {
  const config = p.blob(`att-config-${seed}`, { architecture: "unknown", os: "unknown", config: {}, rootfs: { type: "layers", diff_ids: [] } }, OCI_CONFIG);
  return {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config,
    layers: [
      layer("application/vnd.in-toto+json", `${seed}:provenance`, { annotations: { "in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2" } }),
      layer("application/vnd.in-toto+json", `${seed}:sbom`, { annotations: { "in-toto.io/predicate-type": "https://spdx.dev/Document" } }),
    ],
    annotations: { "vnd.docker.reference.digest": subject.digest, "vnd.docker.reference.type": "attestation-manifest" },
  };
}

/** A multi-platform index (amd64 + arm64) with an attestation manifest per platform, as buildx pushes it. */
function multiArch(p: PackageWriter, seed: string): Json {
  const manifests: Descriptor[] = [];
  const atts: Descriptor[] = [];
  for (const arch of ["amd64", "arm64"]) {
    const m = p.manifest(`${seed}-${arch}`, image(p, seed, arch));
    manifests.push({ ...m, platform: { architecture: arch, os: "linux", ...(arch === "arm64" ? { variant: "v8" } : {}) } });
    const a = p.manifest(`${seed}-${arch}-attestation`, attestation(p, `${p.name}:${seed}:${arch}`, m));
    atts.push({ ...a, annotations: { "vnd.docker.reference.digest": m.digest, "vnd.docker.reference.type": "attestation-manifest" }, platform: { architecture: "unknown", os: "unknown" } });
  }
  return { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...manifests, ...atts] };
}

/** BuildKit >= 0.21 (image-manifest=true): an OCI image manifest whose config is the cache config. */
function cacheImageManifest(p: PackageWriter, seed: string): Json {
  const layers = [1, 2, 3, 4].map((i) =>
    layer(OCI_LAYER, `${p.name}:${seed}:cache:${i}`, { annotations: { "buildkit/createdat": "2026-11-21T08:00:00Z", "containerd.io/uncompressed": `sha256:${hex(`${seed}:u${i}`)}` } }),
  );
  const config = p.blob(`cacheconfig-${seed}`, cacheConfig(layers), CACHE_CONFIG);
  return { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers };
}

/** Older BuildKit (or image-manifest=false): an index listing layer blobs and the cache config, no platforms. */
function cacheIndex(p: PackageWriter, seed: string, docker = false): Json {
  const layers = [1, 2, 3].map((i) =>
    layer(docker ? DOCKER_LAYER : OCI_LAYER, `${p.name}:${seed}:cache:${i}`, { annotations: { "buildkit/createdat": "2026-11-19T08:00:00Z" } }),
  );
  const config = p.blob(`cacheconfig-${seed}`, cacheConfig(layers), CACHE_CONFIG);
  return { schemaVersion: 2, mediaType: docker ? DOCKER_LIST : OCI_INDEX, manifests: [...layers, config] };
}

function cacheConfig(layers: Descriptor[]): Json {
  return {
    layers: layers.map((l, i) => ({ blob: l.digest, parent: i - 1 })),
    records: layers.map((l, i) => ({ digest: `sha256:${hex(`record:${l.digest}`)}`, results: [{ layer: i, createdAt: "2026-11-21T08:00:00Z" }], ...(i ? { inputs: [[{ selector: "", link: i - 1 }]] } : {}) })),
  };
}

export function buildDemoPackages(root: string): void {
  rmSync(root, { recursive: true, force: true });

  // untagged versions with dates, for the clean-up plan: an old release (index + children) nobody
  // tags any more and earlier exports of the `test` cache; 2,000 more cache exports are synthesized
  const apiDates = {
    ...Object.fromEntries(["v1.7.0", "v1.7.0-amd64", "v1.7.0-arm64", "v1.7.0-amd64-attestation", "v1.7.0-arm64-attestation"].map((m) => [`manifests/${m}.json`, "2026-08-01T10:00:00Z"])),
    "manifests/test-export-1.json": "2026-10-01T08:00:00Z",
    "manifests/test-export-2.json": "2026-10-15T08:00:00Z",
    "manifests/test-export-3.json": "2026-11-01T08:00:00Z",
  };
  const api = new PackageWriter(root, "api", { repository: "api", untagged_versions: 2000, version_dates: apiDates });
  api.tag("test", cacheImageManifest(api, "test"));
  api.manifest("v1.7.0", multiArch(api, "v1.7.0"));
  for (const n of [1, 2, 3]) api.manifest(`test-export-${n}`, cacheImageManifest(api, `test-export-${n}`));
  const release = multiArch(api, "v1.8.0");
  const idx = api.tag("v1.8.0", release);
  api.tag("latest", release);
  api.tag(`sha256-${idx.digest.slice(7)}.sig`, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: api.blob("cosign-config", { architecture: "", os: "", config: {}, rootfs: { type: "layers", diff_ids: [] } }, OCI_CONFIG),
    layers: [layer("application/vnd.dev.cosign.simplesigning.v1+json", "api:sig", { annotations: { "dev.cosignproject.cosign/signature": "MEUCIQDx3fake0signature0for0the0demo0fixture0only0AiA2", "dev.sigstore.cosign/bundle": "{}" } })],
  });

  // untagged: a canary image kept by its cosign signature tag, and the previous buildcache export
  const web = new PackageWriter(root, "web", {
    repository: "web",
    version_dates: { "manifests/canary-amd64.json": "2026-10-20T12:00:00Z", "manifests/buildcache-export-1.json": "2026-09-15T12:00:00Z" },
  });
  web.tag("latest", multiArch(web, "latest"));
  web.tag("buildcache", cacheImageManifest(web, "buildcache"));
  web.manifest("buildcache-export-1", cacheImageManifest(web, "buildcache-export-1"));
  const canary = web.manifest("canary-amd64", image(web, "canary", "amd64"));
  web.tag(`sha256-${canary.digest.slice(7)}.sig`, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: web.blob("cosign-config", { architecture: "", os: "", config: {}, rootfs: { type: "layers", diff_ids: [] } }, OCI_CONFIG),
    layers: [layer("application/vnd.dev.cosign.simplesigning.v1+json", "web:canary:sig", { annotations: { "dev.cosignproject.cosign/signature": "MEUCIQCfake0canary0signature0for0the0demo0fixture0only0AiB3" } })],
  });

  const billing = new PackageWriter(root, "billing", { repository: "billing" });
  billing.tag("latest", cacheImageManifest(billing, "latest"));
  billing.tag("3f9c2a1", image(billing, "3f9c2a1", "amd64"));

  const e2e = new PackageWriter(root, "e2e-runner", { repository: "e2e" });
  e2e.tag("cache", cacheIndex(e2e, "cache"));
  e2e.tag("8d1e44b", image(e2e, "8d1e44b", "amd64"));

  const base = new PackageWriter(root, "base", { repository: "base-images" });
  base.tag("node18", image(base, "node18", "amd64", true));
  base.tag("node20", image(base, "node20", "amd64", true));

  const cli = new PackageWriter(root, "cli", { repository: "cli-tools" });
  cli.tag("1.4.2", image(cli, "1.4.2", "amd64", true));
  cli.tag("edge", cacheImageManifest(cli, "edge"));
  cli.tag("buildcache", cacheIndex(cli, "buildcache", true));

  const worker = new PackageWriter(root, "worker", { repository: "worker" });
  worker.tag("cpu", cacheImageManifest(worker, "cpu"));
  worker.tag("gpu", cacheImageManifest(worker, "gpu"));

  const frontend = new PackageWriter(root, "frontend", { repository: "frontend" });
  frontend.tag("latest", cacheImageManifest(frontend, "latest"));
  frontend.tag("main", image(frontend, "main", "amd64"));

  const gateway = new PackageWriter(root, "gateway", { repository: "platform" });
  gateway.tag("main", cacheImageManifest(gateway, "main"));
  const auth = new PackageWriter(root, "auth", { repository: "platform" });
  auth.tag("main", image(auth, "main", "amd64"));
  auth.tag("cache", cacheImageManifest(auth, "cache"));

  const legacy = new PackageWriter(root, "legacy", { repository: "legacy-monolith" });
  legacy.tag("v3.1.0", cacheImageManifest(legacy, "v3.1.0"));

  const payments = new PackageWriter(root, "payments", { repository: "payments", visibility: "private" });
  payments.tag("buildcache", cacheImageManifest(payments, "buildcache"));
  payments.tag("c0ffee1", image(payments, "c0ffee1", "amd64"));

  const chart = new PackageWriter(root, "api-chart", { repository: "api" });
  chart.tag("0.3.1", {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: chart.blob("chart-config", { name: "api", version: "0.3.1", apiVersion: "v2", description: "Acme API Helm chart", type: "application" }, "application/vnd.cncf.helm.config.v1+json"),
    layers: [layer("application/vnd.cncf.helm.chart.content.v1.tar+gzip", "api-chart:0.3.1")],
    annotations: { "org.opencontainers.image.title": "api", "org.opencontainers.image.version": "0.3.1" },
  });
}

/**
 * The fake Docker Hub's content (lib/demo/fixture/registries/docker.io): `acme/sdk`, which the `sdk`
 * repo's release workflow publishes. Its `:latest` holds a BuildKit cache (an export to `:latest`
 * before the workflow was fixed; no release has pushed the image since): only reading Docker Hub tells.
 */
export function buildDemoHub(root: string): void {
  rmSync(root, { recursive: true, force: true });
  const sdk = new PackageWriter(path.join(root, "acme"), "sdk");
  sdk.tag("latest", cacheImageManifest(sdk, "latest"));
  sdk.tag("2.4.0", image(sdk, "2.4.0", "amd64"));
  sdk.tag("buildcache", cacheImageManifest(sdk, "buildcache"));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const out = process.argv[2] ?? path.join(import.meta.dirname, "fixture", "packages");
  buildDemoPackages(out);
  process.stdout.write(`wrote ${out}\n`);
  if (!process.argv[2]) {
    const hub = path.join(import.meta.dirname, "fixture", "registries", "docker.io");
    buildDemoHub(hub);
    process.stdout.write(`wrote ${hub}\n`);
  }
}
