import { describe, expect, it } from "vitest";
import { classifyManifest } from "./classify";

const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const d = (c: string) => `sha256:${c.repeat(64).slice(0, 64)}`;

const ociImage = {
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: d("a"), size: 1469 },
  layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: d("b"), size: 3000000 }],
};

const dockerV2 = {
  schemaVersion: 2,
  mediaType: "application/vnd.docker.distribution.manifest.v2+json",
  config: { mediaType: "application/vnd.docker.container.image.v1+json", digest: d("c"), size: 7023 },
  layers: [
    { mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", digest: d("d"), size: 32654 },
    { mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", digest: d("e"), size: 16724 },
  ],
};

// BuildKit >= 0.21, image-manifest=true
const cacheManifest = {
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: { mediaType: "application/vnd.buildkit.cacheconfig.v0", digest: d("f"), size: 900 },
  layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: d("1"), size: 100, annotations: { "buildkit/createdat": "2026-01-01T00:00:00Z" } }],
};

// older BuildKit / image-manifest=false
const cacheIndex = {
  schemaVersion: 2,
  mediaType: OCI_INDEX,
  manifests: [
    { mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: d("2"), size: 1024, annotations: { "buildkit/createdat": "x" } },
    { mediaType: "application/vnd.oci.image.layer.v1.tar+zstd", digest: d("3"), size: 2048 },
    { mediaType: "application/vnd.buildkit.cacheconfig.v0", digest: d("4"), size: 512 },
  ],
};

const dockerCacheList = {
  schemaVersion: 2,
  mediaType: "application/vnd.docker.distribution.manifest.list.v2+json",
  manifests: [
    { mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", digest: d("5"), size: 1024 },
    { mediaType: "application/vnd.buildkit.cacheconfig.v0", digest: d("6"), size: 512 },
  ],
};

const multiArch = {
  schemaVersion: 2,
  mediaType: OCI_INDEX,
  manifests: [
    { mediaType: OCI_MANIFEST, digest: d("7"), size: 1, platform: { architecture: "amd64", os: "linux" } },
    { mediaType: OCI_MANIFEST, digest: d("8"), size: 1, platform: { architecture: "arm64", os: "linux", variant: "v8" } },
    {
      mediaType: OCI_MANIFEST, digest: d("9"), size: 1, platform: { architecture: "unknown", os: "unknown" },
      annotations: { "vnd.docker.reference.digest": d("7"), "vnd.docker.reference.type": "attestation-manifest" },
    },
    {
      mediaType: OCI_MANIFEST, digest: d("0"), size: 1, platform: { architecture: "unknown", os: "unknown" },
      annotations: { "vnd.docker.reference.digest": d("8"), "vnd.docker.reference.type": "attestation-manifest" },
    },
  ],
};

const attestationManifest = {
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: d("a"), size: 167 },
  layers: [{ mediaType: "application/vnd.in-toto+json", digest: d("b"), size: 1234, annotations: { "in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2" } }],
};

const helm = {
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: { mediaType: "application/vnd.cncf.helm.config.v1+json", digest: d("c"), size: 117 },
  layers: [{ mediaType: "application/vnd.cncf.helm.chart.content.v1.tar+gzip", digest: d("d"), size: 2487 }],
};

const cosign = {
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: d("e"), size: 233 },
  layers: [{ mediaType: "application/vnd.dev.cosign.simplesigning.v1+json", digest: d("f"), size: 250, annotations: { "dev.cosignproject.cosign/signature": "MEUC…" } }],
};

const ociArtifact = {
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  artifactType: "application/vnd.example.sbom.v1+json",
  config: { mediaType: "application/vnd.oci.empty.v1+json", digest: d("1"), size: 2 },
  layers: [{ mediaType: "application/spdx+json", digest: d("2"), size: 99 }],
};

// an image built with cache-to type=inline: its config carries moby.buildkit.cache.v0, the manifest is a plain image
const inlineCacheImage = { ...ociImage };

describe("classifyManifest", () => {
  const table: Array<[string, { mediaType: string; body: unknown }, { tag?: string } | undefined, string, string[]]> = [
    ["OCI image", { mediaType: OCI_MANIFEST, body: ociImage }, undefined, "image", []],
    ["Docker v2 image", { mediaType: dockerV2.mediaType, body: dockerV2 }, undefined, "image", []],
    ["inline-cache image", { mediaType: OCI_MANIFEST, body: inlineCacheImage }, undefined, "image", []],
    ["BuildKit cache, image-manifest form", { mediaType: OCI_MANIFEST, body: cacheManifest }, undefined, "cache", []],
    ["BuildKit cache, OCI index form", { mediaType: OCI_INDEX, body: cacheIndex }, undefined, "cache-index", []],
    ["BuildKit cache, Docker manifest list form", { mediaType: dockerCacheList.mediaType, body: dockerCacheList }, undefined, "cache-index", []],
    ["multi-arch index with attestations", { mediaType: OCI_INDEX, body: multiArch }, undefined, "index", ["linux/amd64", "linux/arm64/v8"]],
    ["attestation manifest", { mediaType: OCI_MANIFEST, body: attestationManifest }, undefined, "attestation", []],
    ["Helm chart", { mediaType: OCI_MANIFEST, body: helm }, undefined, "artifact", []],
    ["cosign signature by layers", { mediaType: OCI_MANIFEST, body: cosign }, undefined, "signature", []],
    ["cosign signature by tag", { mediaType: OCI_MANIFEST, body: ociImage }, { tag: `sha256-${"ab".repeat(32)}.sig` }, "signature", []],
    ["OCI 1.1 artifact", { mediaType: OCI_MANIFEST, body: ociArtifact }, undefined, "artifact", []],
  ];
  it.each(table)("%s", (_name, m, opts, kind, platforms) => {
    const c = classifyManifest(m, opts);
    expect(c.kind).toBe(kind);
    expect(c.platforms).toEqual(platforms);
    expect(c.reason.length).toBeGreaterThan(10);
  });

  it("explains a cache with the config media type", () => {
    expect(classifyManifest({ mediaType: OCI_MANIFEST, body: cacheManifest }).reason).toBe(
      "config media type application/vnd.buildkit.cacheconfig.v0: a BuildKit registry cache, not a runnable image",
    );
  });

  it("notes attestations in a multi-platform index and excludes unknown/unknown", () => {
    const c = classifyManifest({ mediaType: OCI_INDEX, body: multiArch });
    expect(c.attestations).toBe(2);
    expect(c.reason).toContain("2 attestation manifests");
    expect(c.platforms).not.toContain("unknown/unknown");
  });

  it("names a Helm chart in the reason", () => {
    expect(classifyManifest({ mediaType: OCI_MANIFEST, body: helm }).reason).toContain("Helm chart");
  });

  it("uses the Content-Type when the body omits mediaType", () => {
    const { mediaType: _omit, ...noType } = cacheManifest;
    expect(classifyManifest({ mediaType: OCI_MANIFEST, body: noType }).kind).toBe("cache");
    const { mediaType: _omit2, ...noTypeIndex } = cacheIndex;
    expect(classifyManifest({ mediaType: "", body: noTypeIndex }).kind).toBe("cache-index");
  });

  it.each([
    ["not JSON", { mediaType: OCI_MANIFEST, body: "{nope" }, "not JSON"],
    ["null body", { mediaType: OCI_MANIFEST, body: null }, "not JSON"],
    ["an array", { mediaType: "", body: [1, 2] }, "not an object"],
    ["no mediaType anywhere", { mediaType: "", body: { hello: "world" } }, "no mediaType"],
    ["unknown media type", { mediaType: "text/html", body: { x: 1 } }, "unrecognized manifest media type text/html"],
    ["index without manifests", { mediaType: OCI_INDEX, body: { schemaVersion: 2, mediaType: OCI_INDEX } }, "without a manifests array"],
    ["manifest without config", { mediaType: OCI_MANIFEST, body: { schemaVersion: 2, mediaType: OCI_MANIFEST, layers: [] } }, "without a config"],
  ])("garbage (%s) is unknown with a reason, never a throw", (_n, m, why) => {
    const c = classifyManifest(m);
    expect(c.kind).toBe("unknown");
    expect(c.reason).toContain(why);
  });
});
