import { ARTIFACT_NAMES, IMAGE_CONFIG_TYPES, INDEX_TYPES, MANIFEST_TYPES, MT, isLayerType } from "./media-types";

export type TagKind = "image" | "index" | "cache" | "cache-index" | "attestation" | "signature" | "artifact" | "unknown";

export interface Classification {
  kind: TagKind;
  /** "os/arch[/variant]" of runnable images, attestation entries excluded */
  platforms: string[];
  /** a sentence a user can read: what the tag holds and why we think so */
  reason: string;
  /** index entries that are attestation manifests (SBOM / provenance) */
  attestations?: number;
  artifactType?: string;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const COSIGN_TAG = /^sha256-[0-9a-f]{64}\.(sig|att|sbom)$/;

/**
 * What a registry manifest really is. Never throws: garbage yields kind "unknown" with the
 * reason. `mediaType` is the Content-Type the registry sent (used when the body has none).
 */
export function classifyManifest(m: { mediaType: string; body: unknown }, opts: { tag?: string } = {}): Classification {
  let body = m.body;
  if (typeof body === "string") {
    try {
      body = JSON.parse(body);
    } catch {
      return unknown("the manifest is not JSON");
    }
  }
  if (body === null || body === undefined) return unknown("the manifest is empty or not JSON");
  if (!isObj(body)) return unknown("the manifest is JSON but not an object");

  const headerType = (m.mediaType ?? "").split(";")[0].trim();
  let mt = str(body.mediaType) ?? headerType;
  // the OCI spec makes mediaType optional in the body: infer the shape when neither says
  if (!mt && body.schemaVersion === 2) mt = Array.isArray(body.manifests) ? MT.ociIndex : isObj(body.config) ? MT.ociManifest : "";
  if (!mt) return unknown("the manifest has no mediaType and no recognizable shape");

  const tagKind = opts.tag ? COSIGN_TAG.exec(opts.tag)?.[1] : undefined;
  if (tagKind === "sig") return { kind: "signature", platforms: [], reason: `tag ${opts.tag} follows cosign's sha256-<digest>.sig convention: a signature, not an image` };
  if (tagKind === "att") return { kind: "attestation", platforms: [], reason: `tag ${opts.tag} follows cosign's sha256-<digest>.att convention: an attestation, not an image` };

  if (INDEX_TYPES.has(mt)) return classifyIndex(mt, body);
  if (MANIFEST_TYPES.has(mt)) return classifyImageManifest(mt, body, tagKind === "sbom" ? opts.tag : undefined);
  if (mt === MT.dockerSchema1 || mt === MT.dockerSchema1Signed) {
    const arch = str(body.architecture);
    return { kind: "image", platforms: arch ? [`linux/${arch}`] : [], reason: `legacy Docker schema 1 image manifest (${mt})` };
  }
  if (mt === MT.buildkitCacheConfig) return { kind: "cache", platforms: [], reason: `media type ${mt}: a BuildKit cache config, not a runnable image` };
  return unknown(`unrecognized manifest media type ${mt}`);
}

function classifyIndex(mt: string, body: Json): Classification {
  const kindName = mt === MT.ociIndex ? "OCI index" : "Docker manifest list";
  if (!Array.isArray(body.manifests)) return unknown(`${kindName} without a manifests array`);
  const entries = body.manifests.filter(isObj);
  const types = entries.map((e) => str(e.mediaType) ?? "");
  const withPlatform = entries.filter((e) => isObj(e.platform));

  // Older BuildKit (image-manifest=false): the "index" lists the cache's layer blobs and its cacheconfig
  const hasCacheConfig = types.includes(MT.buildkitCacheConfig);
  if (hasCacheConfig && withPlatform.length === 0) {
    const layers = types.filter(isLayerType).length;
    return {
      kind: "cache-index",
      platforms: [],
      reason: `${kindName} listing ${MT.buildkitCacheConfig} and ${layers} layer blob${layers === 1 ? "" : "s"} with no platforms: a BuildKit registry cache (image-manifest=false), not a runnable image`,
    };
  }

  const artifactType = str(body.artifactType);
  let attestations = 0;
  const platforms: string[] = [];
  for (const e of entries) {
    const ann = isObj(e.annotations) ? e.annotations : {};
    const p = isObj(e.platform) ? e.platform : undefined;
    const os = str(p?.os);
    const arch = str(p?.architecture);
    if (ann["vnd.docker.reference.type"] === "attestation-manifest" || (os === "unknown" && arch === "unknown")) {
      attestations++;
      continue;
    }
    if (os && arch) {
      const id = [os, arch, str(p?.variant)].filter(Boolean).join("/");
      if (!platforms.includes(id)) platforms.push(id);
    }
  }
  if (platforms.length === 0 && artifactType) {
    return { kind: "artifact", platforms: [], artifactType, reason: `${kindName} with artifactType ${artifactType}: an OCI artifact, not a runnable image` };
  }
  if (entries.length === 0) return { kind: "index", platforms: [], reason: `empty ${kindName}: it lists no images` };
  if (platforms.length === 0 && attestations === entries.length) {
    return { kind: "attestation", platforms: [], attestations, reason: `${kindName} holding only attestation manifests: no runnable image` };
  }
  const att = attestations > 0 ? ` (plus ${attestations} attestation manifest${attestations === 1 ? "" : "s"})` : "";
  const pl = platforms.length > 0 ? `for ${platforms.join(", ")}` : `of ${entries.length} manifest${entries.length === 1 ? "" : "s"} without platform fields`;
  return {
    kind: "index",
    platforms,
    ...(attestations > 0 ? { attestations } : {}),
    reason: `multi-platform ${kindName} ${pl}${att}`,
  };
}

function classifyImageManifest(mt: string, body: Json, sbomTag?: string): Classification {
  const kindName = mt === MT.ociManifest ? "OCI image manifest" : "Docker v2 image manifest";
  const config = isObj(body.config) ? body.config : undefined;
  const configType = str(config?.mediaType);
  const artifactType = str(body.artifactType);
  const layers = Array.isArray(body.layers) ? body.layers.filter(isObj) : [];
  const layerTypes = layers.map((l) => str(l.mediaType) ?? "");
  const annotations = isObj(body.annotations) ? body.annotations : {};

  if (configType === MT.buildkitCacheConfig) {
    return { kind: "cache", platforms: [], reason: `config media type ${MT.buildkitCacheConfig}: a BuildKit registry cache, not a runnable image` };
  }
  if (
    layerTypes.includes(MT.cosignSimpleSigning) ||
    artifactType === MT.cosignSigArtifact ||
    (artifactType ?? "").startsWith(MT.sigstoreBundlePrefix) ||
    layerTypes.some((t) => t.startsWith(MT.sigstoreBundlePrefix))
  ) {
    return { kind: "signature", platforms: [], reason: `layers of type ${MT.cosignSimpleSigning} or a sigstore bundle: a cosign signature, not an image` };
  }
  const predicate = layers.map((l) => (isObj(l.annotations) ? str(l.annotations["in-toto.io/predicate-type"]) : undefined)).find(Boolean);
  if (
    layerTypes.includes(MT.inToto) ||
    layerTypes.includes(MT.dsse) ||
    configType === MT.inToto ||
    (artifactType ?? "").includes("in-toto") ||
    annotations["vnd.docker.reference.type"] === "attestation-manifest"
  ) {
    return { kind: "attestation", platforms: [], reason: `in-toto attestation${predicate ? ` (${predicate})` : ""}: supply-chain metadata, not a runnable image` };
  }
  if (!configType) return unknown(`${kindName} without a config media type`);
  if (IMAGE_CONFIG_TYPES.has(configType) && !(artifactType && artifactType !== configType)) {
    // inline cache lives inside a normal image's config (moby.buildkit.cache.v0): still an image
    return { kind: "image", platforms: [], reason: `${kindName} with config ${configType} and ${layers.length} layer${layers.length === 1 ? "" : "s"}: a runnable image` };
  }
  if (sbomTag) return { kind: "artifact", platforms: [], reason: `tag ${sbomTag} follows cosign's sha256-<digest>.sbom convention: an SBOM, not an image` };
  const what = ARTIFACT_NAMES.find(([re]) => re.test(artifactType ?? configType))?.[1];
  const by = artifactType ? `artifactType ${artifactType}` : `config media type ${configType}`;
  return {
    kind: "artifact",
    platforms: [],
    ...(artifactType ? { artifactType } : {}),
    reason: `${by}: ${what && what !== "an image" ? what : "an OCI artifact"}, not a runnable image`,
  };
}

function unknown(why: string): Classification {
  return { kind: "unknown", platforms: [], reason: `${why}; cacheguard cannot tell what this tag holds` };
}
