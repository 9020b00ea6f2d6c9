import { classifyManifest, type TagKind } from "./classify";
import type { RegistryClient } from "./client";

export interface InspectResult {
  ref: string;
  /** repository name at the registry, e.g. "acme/app" */
  name: string;
  digest: string;
  mediaType: string;
  kind: TagKind;
  platforms: string[];
  reason: string;
}

/** What `ghcr.io/OWNER/NAME:TAG` (or `@sha256:…`) holds: an image (platforms) or a BuildKit cache, and why. */
export async function inspectRef(client: RegistryClient, ref: string): Promise<InspectResult> {
  const r = client.resolve(ref);
  const m = await client.getManifest(r.name, r.reference);
  const c = classifyManifest({ mediaType: m.mediaType, body: m.body }, { tag: r.tag });
  return { ref, name: r.name, digest: m.digest, mediaType: m.mediaType, kind: c.kind, platforms: c.platforms, reason: c.reason };
}
