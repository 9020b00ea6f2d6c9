import { classifyManifest } from "@/lib/registry/classify";
import { type ManifestRefs, manifestRefs } from "@/lib/registry/references";
import { type RegistryClient, RegistryError } from "@/lib/registry/client";
import type { Db } from "@/lib/server/db";

/** What a digest holds. `fresh`: classified in this scan, not yet in ManifestKind. */
export interface Classified {
  digest: string; mediaType: string; kind: string; platforms: string[]; reason: string; fresh: boolean;
  /** what the manifest refers to, when its body was read in this scan (lib/registry/references.ts) */
  refs?: ManifestRefs;
}

export interface TagClassifier {
  /** the kind of a digest: this scan's earlier answer, else the database's, else GET by digest */
  byDigest(name: string, digest: string, tag: string): Promise<Classified>;
  /** the kind of a manifest already fetched (by tag), unless this scan classified its digest before */
  fromManifest(m: { digest: string; mediaType: string; body: unknown }, tag: string): Promise<Classified>;
}

function classified(m: { digest: string; mediaType: string; body: unknown }, tag: string): Classified {
  const c = classifyManifest({ mediaType: m.mediaType, body: m.body }, { tag });
  return { digest: m.digest, mediaType: m.mediaType, kind: c.kind, platforms: c.platforms, reason: c.reason, fresh: true, refs: manifestRefs(m.body, c.kind) };
}

/**
 * One classification per digest for the whole scan, across packages: tags are read in parallel, so
 * the promise is remembered (not the result), and tags sharing a digest wait for the one request.
 */
export function tagClassifier(db: Db, registry: RegistryClient): TagClassifier {
  const memo = new Map<string, Promise<Classified>>();
  const remember = (digest: string, make: () => Promise<Classified>): Promise<Classified> => {
    let p = memo.get(digest);
    if (!p) {
      p = make();
      memo.set(digest, p);
      // a failed fetch may succeed for the next tag that needs it
      p.catch(() => memo.delete(digest));
    }
    return p;
  };
  return {
    byDigest: (name, digest, tag) =>
      remember(digest, async () => {
        const known = await db.manifestKind.findUnique({ where: { digest } });
        if (known) {
          return { digest, mediaType: known.mediaType, kind: known.kind, platforms: JSON.parse(known.platforms) as string[], reason: known.reason, fresh: false };
        }
        return classified(await registry.getManifest(name, digest), tag);
      }),
    fromManifest: (m, tag) => remember(m.digest, async () => classified(m, tag)),
  };
}

/**
 * A 404 for a tag its tag list just named. GHCR answers 404 (not 401/403) to a read it does not
 * authorise, and a tag may also vanish between the list and the read: either way the 404 proves
 * nothing, so the tag is not taken for gone (only a complete tag list that lacks it says that).
 */
function notReadable(name: string, tag: string): RegistryError {
  return new RegistryError(
    `the registry answered 404 for ${name}:${tag}, which its tag list names (GHCR answers 404 to reads it does not authorise); kept as last seen`,
    404, "MANIFEST_UNKNOWN",
  );
}

/**
 * Read one tag. Cold (the package has no stored tags): GET by tag, whose answer carries both the
 * digest and the body (one request, where HEAD + GET would be two). Otherwise HEAD for the digest;
 * an unchanged digest reuses the stored row, a new one is classified once per scan.
 * Throws (never "gone") when the tag cannot be read, 404 included.
 */
export async function readTag(
  registry: RegistryClient, kinds: TagClassifier, name: string, tag: string,
  mode: { cold: true } | { cold: false; stored?: { digest: string; kind: string; platforms: string; reason: string } },
): Promise<Classified> {
  if (mode.cold) {
    let m;
    try {
      m = await registry.getManifest(name, tag);
    } catch (e) {
      if (e instanceof RegistryError && e.status === 404) throw notReadable(name, tag);
      throw e;
    }
    return kinds.fromManifest(m, tag);
  }
  const head = await registry.headManifest(name, tag);
  if (!head) throw notReadable(name, tag);
  const s = mode.stored;
  if (s && s.digest === head.digest) {
    return { digest: s.digest, mediaType: head.mediaType, kind: s.kind, platforms: JSON.parse(s.platforms) as string[], reason: s.reason, fresh: false };
  }
  return kinds.byDigest(name, head.digest, tag);
}
