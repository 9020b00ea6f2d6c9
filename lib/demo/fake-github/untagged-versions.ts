import { CACHE_CONFIG, hex, layer, OCI_LAYER, OCI_MANIFEST } from "../oci-fixture";
import type { FixtureManifest, FixturePackage } from "./fixture";

/**
 * The untagged versions `package.json` asks for (`untagged_versions`): older BuildKit cache exports
 * of the package, as every `cache-to` push leaves one behind. Each is a real manifest (image-manifest
 * form, digest = sha256 of its bytes) the registry serves by digest, so a client can read what an
 * untagged version holds. Neighbouring exports share their base layers, as caches of one build do.
 * Only digests are kept (bytes are made again when asked for): a generated org has 600,000 of them.
 */

function exportBody(p: Pick<FixturePackage, "name">, i: number): Buffer {
  const layers = [0, 1, 2, 3].map((k) => layer(OCI_LAYER, k < 3 ? `${p.name}:export-base:${Math.floor(i / 10)}:${k}` : `${p.name}:export:${i}`));
  const config = { mediaType: CACHE_CONFIG, digest: `sha256:${hex(`${p.name}:export-config:${i}`)}`, size: 1200 + (i % 300) };
  return Buffer.from(`${JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers })}\n`);
}

interface Synthesized { digests: string[]; index: Map<string, number> }
// keyed by the package's manifests map, which copies of a package (deletions overlaid) share
const cache = new WeakMap<Map<string, FixtureManifest>, Synthesized>();

function synthesized(p: FixturePackage): Synthesized {
  let s = cache.get(p.manifests);
  if (!s || s.digests.length !== p.untaggedVersions) {
    const digests = Array.from({ length: p.untaggedVersions }, (_, i) => `sha256:${hex(exportBody(p, i))}`);
    s = { digests, index: new Map(digests.map((d, i) => [d, i])) };
    cache.set(p.manifests, s);
  }
  return s;
}

/** The digests of the package's synthesized untagged versions, newest first. */
export function untaggedDigests(p: FixturePackage): string[] {
  return p.untaggedVersions > 0 ? synthesized(p).digests : [];
}

/** A synthesized untagged version's manifest, by digest (null when the digest is not one). */
export function untaggedManifest(p: FixturePackage, digest: string, createdAt: string): FixtureManifest | null {
  if (p.untaggedVersions === 0) return null;
  const i = synthesized(p).index.get(digest);
  return i === undefined ? null : { digest, bytes: exportBody(p, i), mediaType: OCI_MANIFEST, tags: [], createdAt };
}
