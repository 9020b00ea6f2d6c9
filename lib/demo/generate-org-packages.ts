/**
 * GHCR packages for the synthetic org generator, in the fake server's fixture format: each tag file
 * holds the manifest bytes that tag points to (digest = sha256 of the bytes), index children under
 * manifests/, config blobs under blobs/. Shapes match lib/demo/build-demo-packages.ts (which does
 * not export its writers): single-platform images, multi-arch indexes with attestation manifests,
 * BuildKit caches in the image-manifest form and the older index form, cosign signatures.
 */
import {
  CACHE_CONFIG, DOCKER_LAYER, DOCKER_LIST, FixturePackageWriter, hex, layer, OCI_CONFIG, OCI_INDEX, OCI_LAYER, OCI_MANIFEST,
  type Descriptor, type Json,
} from "./oci-fixture";

/** What the generator wrote for one package: tag -> digest, and every manifest digest. */
export interface WrittenPackage { name: string; tags: Record<string, string>; digests: string[]; kinds: Record<string, TagShape> }
export type TagShape = "image" | "multi-arch" | "cache" | "cache-index" | "signature";

export class PackageWriter extends FixturePackageWriter {
  readonly written: WrittenPackage;
  constructor(root: string, name: string, meta: Json) {
    super(root, name, meta, true);
    this.written = { name, tags: {}, digests: [], kinds: {} };
  }
  override manifest(name: string, body: Json): Descriptor {
    const d = super.manifest(name, body);
    this.written.digests.push(d.digest);
    return d;
  }
  override tag(tag: string, body: Json, shape?: TagShape): Descriptor {
    const d = super.tag(tag, body);
    this.written.tags[tag] = d.digest;
    if (shape) this.written.kinds[tag] = shape;
    if (!this.written.digests.includes(d.digest)) this.written.digests.push(d.digest);
    return d;
  }

  image(seed: string, arch = "amd64"): Json {
    const layers = [1, 2, 3].map((i) => layer(OCI_LAYER, `${this.name}:${seed}:${arch}:${i}`));
    const config = this.blob(`config-${seed}-${arch}`, {
      architecture: arch, os: "linux", created: "2026-11-20T09:00:00Z",
      config: { Entrypoint: [`/${this.name}`] },
      rootfs: { type: "layers", diff_ids: layers.map((l) => `sha256:${hex(`diff:${l.digest}`)}`) },
    }, OCI_CONFIG);
    return { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers };
  }

  /** amd64 + arm64 images plus an attestation manifest for each, as buildx pushes with provenance. */
  multiArch(seed: string): Json {
    const manifests: Descriptor[] = [];
    const atts: Descriptor[] = [];
    for (const arch of ["amd64", "arm64"]) {
      const m = this.manifest(`${seed}-${arch}`, this.image(seed, arch));
      manifests.push({ ...m, platform: { architecture: arch, os: "linux", ...(arch === "arm64" ? { variant: "v8" } : {}) } });
      const ref = { "vnd.docker.reference.digest": m.digest, "vnd.docker.reference.type": "attestation-manifest" };
      const a = this.manifest(`${seed}-${arch}-attestation`, {
        schemaVersion: 2, mediaType: OCI_MANIFEST,
        config: this.blob(`att-config-${seed}-${arch}`, { architecture: "unknown", os: "unknown", config: {}, rootfs: { type: "layers", diff_ids: [] } }, OCI_CONFIG),
        layers: [layer("application/vnd.in-toto+json", `${this.name}:${seed}:${arch}:provenance`, { annotations: { "in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2" } })],
        annotations: ref,
      });
      atts.push({ ...a, annotations: ref, platform: { architecture: "unknown", os: "unknown" } });
    }
    return { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...manifests, ...atts] };
  }

  /** BuildKit >= 0.21 (image-manifest=true): an image manifest whose config is the cache config. */
  cacheManifest(seed: string): Json {
    const layers = [1, 2, 3, 4].map((i) => layer(OCI_LAYER, `${this.name}:${seed}:cache:${i}`, { annotations: { "buildkit/createdat": "2026-11-21T08:00:00Z" } }));
    const config = this.blob(`cacheconfig-${seed}`, cacheConfig(layers), CACHE_CONFIG);
    return { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers };
  }

  /** Older BuildKit (image-manifest=false): an index of layer blobs and the cache config, no platforms. */
  cacheIndex(seed: string, docker = false): Json {
    const layers = [1, 2, 3].map((i) => layer(docker ? DOCKER_LAYER : OCI_LAYER, `${this.name}:${seed}:cache:${i}`));
    const config = this.blob(`cacheconfig-${seed}`, cacheConfig(layers), CACHE_CONFIG);
    return { schemaVersion: 2, mediaType: docker ? DOCKER_LIST : OCI_INDEX, manifests: [...layers, config] };
  }

  /** A cosign signature tag for a digest. */
  signature(subjectDigest: string): void {
    this.tag(`sha256-${subjectDigest.slice(7)}.sig`, {
      schemaVersion: 2, mediaType: OCI_MANIFEST,
      config: this.blob(`cosign-${subjectDigest.slice(7, 19)}`, { architecture: "", os: "", config: {}, rootfs: { type: "layers", diff_ids: [] } }, OCI_CONFIG),
      layers: [layer("application/vnd.dev.cosign.simplesigning.v1+json", `${this.name}:sig:${subjectDigest}`)],
    }, "signature");
  }
}

function cacheConfig(layers: Descriptor[]): Json {
  return {
    layers: layers.map((l, i) => ({ blob: l.digest, parent: i - 1 })),
    records: layers.map((l, i) => ({ digest: `sha256:${hex(`record:${l.digest}`)}`, results: [{ layer: i }] })),
  };
}
