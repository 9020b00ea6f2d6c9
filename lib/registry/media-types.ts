/** Media types the classifier recognizes (OCI image spec, Docker distribution, BuildKit, cosign). */
export const MT = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerSchema1: "application/vnd.docker.distribution.manifest.v1+json",
  dockerSchema1Signed: "application/vnd.docker.distribution.manifest.v1+prettyjws",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  ociEmpty: "application/vnd.oci.empty.v1+json",
  buildkitCacheConfig: "application/vnd.buildkit.cacheconfig.v0",
  inToto: "application/vnd.in-toto+json",
  dsse: "application/vnd.dsse.envelope.v1+json",
  cosignSimpleSigning: "application/vnd.dev.cosign.simplesigning.v1+json",
  cosignSigArtifact: "application/vnd.dev.cosign.artifact.sig.v1+json",
  sigstoreBundlePrefix: "application/vnd.dev.sigstore.bundle",
} as const;

export const INDEX_TYPES = new Set<string>([MT.ociIndex, MT.dockerList]);
export const MANIFEST_TYPES = new Set<string>([MT.ociManifest, MT.dockerManifest]);
export const IMAGE_CONFIG_TYPES = new Set<string>([MT.ociConfig, MT.dockerConfig]);

/** Layer blob types a BuildKit cache index lists (OCI and Docker, compressed or not). */
export function isLayerType(mt: string): boolean {
  return (
    /^application\/vnd\.oci\.image\.layer\.(v1|nondistributable\.v1)\.tar(\+(gzip|zstd))?$/.test(mt) ||
    /^application\/vnd\.docker\.image\.rootfs\.(foreign\.)?diff\.tar(\.gzip|\.zstd)?$/.test(mt)
  );
}

/** Known non-image config types, named for the reason text. */
export const ARTIFACT_NAMES: Array<[RegExp, string]> = [
  [/^application\/vnd\.cncf\.helm\.config\.v1\+json$/, "a Helm chart"],
  [/^application\/vnd\.wasm\.config\./, "a WebAssembly module"],
  [/^application\/vnd\.sylabs\.sif\.config\./, "a Singularity image"],
  [/^application\/vnd\.cncf\.flux\.config\./, "a Flux artifact"],
  [/^application\/vnd\.oci\.image\.config\.v1\+json$/, "an image"],
  [/^application\/vnd\.cncf\.openpolicyagent\./, "an OPA policy bundle"],
  [/^application\/vnd\.unknown\.config\.v1\+json$/, "an ORAS artifact"],
];
