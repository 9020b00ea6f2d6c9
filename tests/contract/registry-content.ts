/**
 * The packages the real-registry tests push, built deterministically in memory the way
 * lib/demo/build-demo-packages.ts builds the demo org's: every descriptor's digest is the sha256 of
 * bytes that exist (layers too, since a real registry refuses a manifest whose blobs are missing).
 * The same bytes go to the real registry (through lib/registry/upload.ts) and into a fixture
 * folder the fake server reads, so both hold identical content under identical digests.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { blobDigest, type OciUploader } from "@/lib/registry/upload";

// media types as literals on purpose: the content must not borrow the classifier's constants
const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
const OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
const DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
const DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
const DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";
const CACHE_CONFIG = "application/vnd.buildkit.cacheconfig.v0";

type Json = Record<string, unknown>;
export interface Descriptor { mediaType: string; digest: string; size: number; [k: string]: unknown }
interface Stored { bytes: Buffer; mediaType: string }

export class ContentPackage {
  readonly blobs = new Map<string, Buffer>();
  /** manifests reachable by digest only (children of an index, attestation manifests) */
  readonly children = new Map<string, Stored>();
  readonly tags = new Map<string, Stored>();
  constructor(readonly name: string, readonly visibility: "public" | "private" = "public") {}

  blob(content: Buffer | Json, mediaType: string): Descriptor {
    const bytes = Buffer.isBuffer(content) ? content : Buffer.from(JSON.stringify(content));
    this.blobs.set(blobDigest(bytes), bytes);
    return { mediaType, digest: blobDigest(bytes), size: bytes.length };
  }
  /** a small deterministic stand-in for a gzipped layer */
  layer(mediaType: string, seed: string, extra: Json = {}): Descriptor {
    return { ...this.blob(Buffer.from(`layer ${this.name} ${seed}\n`), mediaType), ...extra };
  }
  private stored(body: Json): Stored {
    return { bytes: Buffer.from(`${JSON.stringify(body, null, 2)}\n`), mediaType: String(body.mediaType) };
  }
  child(body: Json): Descriptor {
    const s = this.stored(body);
    this.children.set(blobDigest(s.bytes), s);
    return { mediaType: s.mediaType, digest: blobDigest(s.bytes), size: s.bytes.length };
  }
  tag(tag: string, body: Json): Descriptor {
    const s = this.stored(body);
    this.tags.set(tag, s);
    return { mediaType: s.mediaType, digest: blobDigest(s.bytes), size: s.bytes.length };
  }
}

function image(p: ContentPackage, seed: string, arch: string, docker = false): Json {
  const layers = [1, 2].map((i) => p.layer(docker ? DOCKER_LAYER : OCI_LAYER, `${seed}:${arch}:${i}`));
  const config = p.blob(
    { architecture: arch, os: "linux", ...(arch === "arm64" ? { variant: "v8" } : {}), config: { Entrypoint: [`/${seed}`] }, rootfs: { type: "layers", diff_ids: layers.map((l) => l.digest) } },
    docker ? DOCKER_CONFIG : OCI_CONFIG,
  );
  return { schemaVersion: 2, mediaType: docker ? DOCKER_MANIFEST : OCI_MANIFEST, config, layers };
}

function cacheConfig(layers: Descriptor[]): Json {
  return { layers: layers.map((l, i) => ({ blob: l.digest, parent: i - 1 })), records: layers.map((l, i) => ({ digest: blobDigest(Buffer.from(`record ${l.digest}`)), results: [{ layer: i }] })) };
}

/** BuildKit >= 0.21 (image-manifest=true): an OCI image manifest whose config is the cache config. */
function cacheManifest(p: ContentPackage, seed: string): Json {
  const layers = [1, 2, 3].map((i) => p.layer(OCI_LAYER, `${seed}:cache:${i}`, { annotations: { "buildkit/createdat": "2026-11-21T08:00:00Z" } }));
  return { schemaVersion: 2, mediaType: OCI_MANIFEST, config: p.blob(cacheConfig(layers), CACHE_CONFIG), layers };
}

/** Older BuildKit (image-manifest=false): an index (or Docker list) of the layer blobs and the cache config, no platforms. */
function cacheIndex(p: ContentPackage, seed: string, docker = false): Json {
  const layers = [1, 2].map((i) => p.layer(docker ? DOCKER_LAYER : OCI_LAYER, `${seed}:cache:${i}`));
  return { schemaVersion: 2, mediaType: docker ? DOCKER_LIST : OCI_INDEX, manifests: [...layers, p.blob(cacheConfig(layers), CACHE_CONFIG)] };
}

/** buildx's multi-platform push: amd64 + arm64/v8, each with an attestation manifest (platform unknown/unknown). */
function multiPlatform(p: ContentPackage, seed: string): Json {
  const images: Descriptor[] = [];
  const attestations: Descriptor[] = [];
  for (const arch of ["amd64", "arm64"]) {
    const m = p.child(image(p, seed, arch));
    images.push({ ...m, platform: { architecture: arch, os: "linux", ...(arch === "arm64" ? { variant: "v8" } : {}) } });
    const ref = { "vnd.docker.reference.digest": m.digest, "vnd.docker.reference.type": "attestation-manifest" };
    const att = p.child({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: p.blob({ architecture: "unknown", os: "unknown", config: {}, rootfs: { type: "layers", diff_ids: [] } }, OCI_CONFIG),
      layers: [p.layer("application/vnd.in-toto+json", `${seed}:${arch}:provenance`, { annotations: { "in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2" } })],
      annotations: ref,
    });
    attestations.push({ ...att, annotations: ref, platform: { architecture: "unknown", os: "unknown" } });
  }
  return { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...images, ...attestations] };
}

/** The pushed content: package `app` with every kind, `tools` with a few tags, `vault` private. */
export function buildContent(): ContentPackage[] {
  const app = new ContentPackage("app");
  app.tag("cache", cacheManifest(app, "cache"));
  app.tag("cache-index", cacheIndex(app, "cache-index"));
  app.tag("cache-list", cacheIndex(app, "cache-list", true));
  app.tag("oci", image(app, "oci", "amd64"));
  app.tag("docker", image(app, "docker", "amd64", true));
  const release = app.tag("release", multiPlatform(app, "release"));
  app.tag(`sha256-${release.digest.slice(7)}.sig`, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: app.blob({ architecture: "", os: "", config: {}, rootfs: { type: "layers", diff_ids: [] } }, OCI_CONFIG),
    layers: [app.layer("application/vnd.dev.cosign.simplesigning.v1+json", "sig", { annotations: { "dev.cosignproject.cosign/signature": "MEUCIQDtestsignature" } })],
  });

  const tools = new ContentPackage("tools");
  for (const t of ["1.0.0", "1.1.0", "2.0.0", "edge", "latest"]) tools.tag(t, image(tools, `tools-${t}`, "amd64"));

  const vault = new ContentPackage("vault", "private");
  vault.tag("latest", image(vault, "vault", "amd64"));
  return [app, tools, vault];
}

/** Push everything: blobs, then manifests only reachable by digest, then tags. */
export async function pushContent(up: OciUploader, owner: string, packages: ContentPackage[]): Promise<void> {
  for (const p of packages) {
    const name = `${owner}/${p.name}`;
    for (const bytes of p.blobs.values()) await up.pushBlob(name, bytes);
    for (const [digest, m] of p.children) await up.pushManifest(name, digest, m.bytes, m.mediaType);
    for (const [tag, m] of p.tags) await up.pushManifest(name, tag, m.bytes, m.mediaType);
  }
}

/** The same content as a fixture folder of the fake server (lib/demo/fixture/README.md). */
export function writeFixture(root: string, owner: string, packages: ContentPackage[]): void {
  mkdirSync(root, { recursive: true });
  writeFileSync(path.join(root, "org.json"), JSON.stringify({ login: owner }));
  for (const p of packages) {
    const dir = path.join(root, "packages", p.name);
    for (const sub of ["tags", "manifests", "blobs"]) mkdirSync(path.join(dir, sub), { recursive: true });
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ visibility: p.visibility }));
    for (const [digest, bytes] of p.blobs) writeFileSync(path.join(dir, "blobs", digest.slice(7)), bytes);
    for (const [digest, m] of p.children) writeFileSync(path.join(dir, "manifests", `${digest.slice(7)}.json`), m.bytes);
    for (const [tag, m] of p.tags) writeFileSync(path.join(dir, "tags", `${tag}.json`), m.bytes);
  }
}
