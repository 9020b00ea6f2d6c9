import { classifyManifest } from "@/lib/registry/classify";
import type { RegistryClient } from "@/lib/registry/client";
import { type ManifestRefs, isIndexType, manifestRefs, parseRefs } from "@/lib/registry/references";
import { chunks } from "@/lib/server/chunk";
import type { Db } from "@/lib/server/db";
import { mapLimit } from "@/lib/server/scan/packages";
import type { PlanManifest } from "./plan";

/** What is known of each digest (ManifestKind): its kind and, once recorded, its references. */
export async function knownManifests(db: Db, digests: Iterable<string>): Promise<Map<string, PlanManifest>> {
  const out = new Map<string, PlanManifest>();
  for (const part of chunks([...new Set(digests)])) {
    for (const r of await db.manifestKind.findMany({ where: { digest: { in: part } }, select: { digest: true, kind: true, refs: true } })) {
      out.set(r.digest, { kind: r.kind, refs: parseRefs(r.refs) });
    }
  }
  return out;
}

export interface RefsRead { read: number; failed: Array<{ digest: string; message: string }> }

/**
 * Read the manifests of `digests` whose references are not recorded (GET by digest, once ever: a
 * digest's content never changes), classify them and store kind and references in ManifestKind.
 * `known` is updated in place.
 */
export async function readRefs(db: Db, registry: RegistryClient, name: string, digests: string[], known: Map<string, PlanManifest>, concurrency = 8): Promise<RefsRead> {
  const todo = [...new Set(digests)].filter((d) => !known.get(d)?.refs);
  const out: RefsRead = { read: 0, failed: [] };
  const got: Array<{ digest: string; mediaType: string; kind: string; platforms: string[]; reason: string; refs: ManifestRefs }> = [];
  await mapLimit(todo, concurrency, async (digest) => {
    let m;
    try {
      m = await registry.getManifest(name, digest);
    } catch (e) {
      out.failed.push({ digest, message: e instanceof Error ? e.message : String(e) });
      return;
    }
    const c = classifyManifest({ mediaType: m.mediaType, body: m.body });
    got.push({ digest, mediaType: m.mediaType, kind: c.kind, platforms: c.platforms, reason: c.reason, refs: manifestRefs(m.body, c.kind) });
  });
  // one transaction per few hundred: a clean-up may read thousands
  for (const part of chunks(got, 200)) {
    await db.$transaction(part.map((g) => db.manifestKind.upsert({
      where: { digest: g.digest },
      create: { digest: g.digest, mediaType: g.mediaType, kind: g.kind, platforms: JSON.stringify(g.platforms), reason: g.reason, refs: JSON.stringify(g.refs) },
      // a kind found by tag (a cosign tag name) stays; only the references are added
      update: { refs: JSON.stringify(g.refs) },
    })));
  }
  for (const g of got) known.set(g.digest, { kind: known.get(g.digest)?.kind ?? g.kind, refs: g.refs });
  out.read = got.length;
  return out;
}

/**
 * The digests whose references a plan needs and that are not recorded: every tagged digest that is
 * a version, and every index a kept index lists (its own manifests matter), found level by level.
 */
export async function readTaggedRefs(
  db: Db, registry: RegistryClient, name: string, tagged: Iterable<string>, versions: ReadonlySet<string>, known: Map<string, PlanManifest>,
): Promise<RefsRead> {
  const total: RefsRead = { read: 0, failed: [] };
  let level = [...new Set(tagged)].filter((d) => versions.has(d));
  const seen = new Set<string>(level);
  for (let depth = 0; level.length > 0 && depth < 8; depth++) {
    const got = await readRefs(db, registry, name, level, known);
    total.read += got.read;
    total.failed.push(...got.failed);
    const next: string[] = [];
    for (const d of level) {
      for (const c of known.get(d)?.refs?.children ?? []) {
        if (isIndexType(c.mediaType) && versions.has(c.digest) && !seen.has(c.digest)) {
          seen.add(c.digest);
          next.push(c.digest);
        }
      }
    }
    level = next;
  }
  return total;
}
