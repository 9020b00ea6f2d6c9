/**
 * Registries known to refuse the cache manifests BuildKit writes, with the evidence for each entry.
 * BuildKit writes a registry cache in one of two forms:
 *  - `image-manifest=true`: an OCI image manifest whose config is the cache config (the default since
 *    BuildKit v0.21; the option exists since v0.12);
 *  - `image-manifest=false`: an OCI image index listing layer blobs as if they were manifests, with no
 *    `platform` (the default before v0.21), which registries that validate indexes reject.
 * `oci-mediatypes` (default true since BuildKit v0.8) chooses OCI over Docker media types.
 */

export interface RegistryCacheSupport {
  /** a name users know the registry by */
  name: string;
  /** does this registry host match */
  test: RegExp;
  /** what the registry needs: `image-manifest` is the image-manifest form; `oci` is OCI media types */
  needs: { imageManifest: boolean; ociMediaTypes: boolean };
  /** what it answers otherwise, as users report it */
  symptom: string;
  /** where that is documented or reported */
  evidence: string[];
}

export const REGISTRY_CACHE_SUPPORT: readonly RegistryCacheSupport[] = [
  {
    name: "Amazon ECR",
    test: /^\d+\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/i,
    needs: { imageManifest: true, ociMediaTypes: true },
    symptom: "ECR refuses the push of the cache index (400 Bad Request / unsupported manifest media type)",
    evidence: [
      "https://aws.amazon.com/blogs/containers/announcing-remote-cache-support-in-amazon-ecr-for-buildkit-clients/",
      "https://github.com/aws/containers-roadmap/issues/876",
    ],
  },
  {
    name: "Red Hat Quay",
    test: /^(?:quay\.io|quay\.[a-z0-9.-]+)$/i,
    needs: { imageManifest: true, ociMediaTypes: false },
    symptom: "Quay answers 400 MANIFEST_INVALID (\"'platform' is a required property\") to the cache index",
    evidence: ["https://github.com/moby/buildkit/issues/1550", "https://github.com/moby/buildkit/issues/2251"],
  },
  {
    name: "JFrog Artifactory",
    test: /^[a-z0-9-]+\.jfrog\.io$|^(?:artifactory|jfrog)\.[a-z0-9.-]+$/i,
    needs: { imageManifest: true, ociMediaTypes: false },
    symptom: "Artifactory refuses the push of the cache index",
    evidence: ["https://github.com/moby/buildkit/issues/2251"],
  },
  {
    name: "Google Container Registry",
    test: /^(?:[a-z]+\.)?gcr\.io$/i,
    needs: { imageManifest: true, ociMediaTypes: false },
    symptom: "GCR validates manifests against the spec and refuses the cache index",
    evidence: ["https://github.com/moby/buildkit/issues/2251", "https://github.com/docker/buildx/issues/1007"],
  },
];

/** The entry for a registry host (`host[:port]`), if the table knows it. */
export function registryCacheSupport(host: string): RegistryCacheSupport | undefined {
  const h = host.replace(/:\d+$/, "");
  return REGISTRY_CACHE_SUPPORT.find((r) => r.test.test(h));
}

/** BuildKit's defaults for a version (undefined: not pinned, the current release's defaults apply). */
export function cacheDefaults(buildkit: string | undefined, below: (v: string, min: string) => boolean): { imageManifest: boolean; ociMediaTypes: boolean; imageManifestSupported: boolean } {
  if (buildkit === undefined) return { imageManifest: true, ociMediaTypes: true, imageManifestSupported: true };
  return {
    imageManifest: !below(buildkit, "0.21"),
    ociMediaTypes: !below(buildkit, "0.8"),
    imageManifestSupported: !below(buildkit, "0.12"),
  };
}
