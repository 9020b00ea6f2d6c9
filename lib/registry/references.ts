import { INDEX_TYPES, isLayerType, MT } from "./media-types";

/** A manifest an index lists (not a blob): a platform image, an attestation, a nested index. */
export interface ChildRef {
  digest: string;
  mediaType: string;
  /** "os/arch[/variant]" when the entry names one (attestations: "unknown/unknown") */
  platform?: string;
  /** buildx's attestation manifests (`vnd.docker.reference.type: attestation-manifest`) */
  attestation?: boolean;
}

/**
 * What a manifest refers to that matters for deleting versions: the manifests an index lists (each
 * is a version of its own on GHCR, and deleting one breaks the index), the manifest a referrer is
 * about (OCI `subject`, or buildx's `vnd.docker.reference.digest`), and the layers of a BuildKit
 * cache with their sizes (what its storage is). Layer blobs are not versions: a cache index's entries
 * are layers, never children.
 */
export interface ManifestRefs {
  children: ChildRef[];
  subject?: string;
  /** [digest, size] of the layer blobs a cache manifest references */
  layers: Array<[string, number]>;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const DIGEST = /^sha256:[0-9a-f]{64}$/;

function parsed(body: unknown): Json | null {
  if (typeof body === "string") {
    try {
      body = JSON.parse(body);
    } catch {
      return null;
    }
  }
  return isObj(body) ? body : null;
}

function layersOf(entries: unknown[]): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const e of entries) {
    if (!isObj(e)) continue;
    const d = str(e.digest);
    const mt = str(e.mediaType) ?? "";
    if (d && DIGEST.test(d) && typeof e.size === "number" && e.size >= 0 && isLayerType(mt)) out.push([d, e.size]);
  }
  return out;
}

/** The references of a manifest of the given kind (see lib/registry/classify.ts); never throws. */
export function manifestRefs(body: unknown, kind: string): ManifestRefs {
  const m = parsed(body);
  if (!m) return { children: [], layers: [] };
  const subjectObj = isObj(m.subject) ? str(m.subject.digest) : undefined;
  const annotations = isObj(m.annotations) ? m.annotations : {};
  const subject = subjectObj ?? str(annotations["vnd.docker.reference.digest"]);
  const entries = Array.isArray(m.manifests) ? m.manifests : [];
  if (kind === "cache-index") return { children: [], layers: layersOf(entries), ...(subject ? { subject } : {}) };
  const children: ChildRef[] = [];
  for (const e of entries) {
    if (!isObj(e)) continue;
    const digest = str(e.digest);
    const mediaType = str(e.mediaType) ?? "";
    // an index entry that is a blob (a layer, a cache config) is no version; anything else may be one
    if (!digest || !DIGEST.test(digest) || isLayerType(mediaType) || mediaType === MT.buildkitCacheConfig) continue;
    const p = isObj(e.platform) ? e.platform : undefined;
    const platform = p && str(p.os) && str(p.architecture) ? [str(p.os), str(p.architecture), str(p.variant)].filter(Boolean).join("/") : undefined;
    const ann = isObj(e.annotations) ? e.annotations : {};
    const attestation = ann["vnd.docker.reference.type"] === "attestation-manifest" || platform === "unknown/unknown";
    children.push({ digest, mediaType, ...(platform ? { platform } : {}), ...(attestation ? { attestation } : {}) });
  }
  const layers = kind === "cache" && Array.isArray(m.layers) ? layersOf(m.layers) : [];
  return { children, layers, ...(subject && DIGEST.test(subject) ? { subject } : {}) };
}

/** Whether an index entry's media type says it is itself an index (its own children then matter). */
export function isIndexType(mediaType: string): boolean {
  return INDEX_TYPES.has(mediaType);
}

/** refs as stored (ManifestKind.refs), or null when absent or unreadable. */
export function parseRefs(json: string | null | undefined): ManifestRefs | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as Partial<ManifestRefs>;
    if (!Array.isArray(v.children) || !Array.isArray(v.layers)) return null;
    return { children: v.children, layers: v.layers, ...(typeof v.subject === "string" ? { subject: v.subject } : {}) };
  } catch {
    return null;
  }
}
