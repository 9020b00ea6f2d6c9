import { type ManifestRefs, isIndexType } from "@/lib/registry/references";

/**
 * The clean-up plan of one package: which versions are safe to delete, and why; which are kept, and
 * why. Pure (data in, data out): the dashboard and `cacheguard cleanup` plan with it from the same
 * stored data. A version is kept when a kept tag still needs it: the tag's own manifest, every
 * manifest a tagged index lists (platform images, attestation manifests, nested indexes and theirs),
 * whatever a cosign tag (`sha256-<digest>.sig`/`.att`/`.sbom`, or an OCI referrers tag
 * `sha256-<digest>`) names, the subject of a kept referrer, and any version read to refer to a kept one.
 * The rest of the untagged versions are orphans; `keepLast` and `olderThanMs` keep some of them
 * (and what those need). A plan is made only from complete data: a versions list read to its end,
 * and the references of every tagged manifest; otherwise the package gets a problem and no plan.
 */

export interface PlanVersion { id: number; digest: string; tags: string[]; createdAt: string; updatedAt: string }
export interface PlanManifest { kind: string; refs: ManifestRefs | null }

export interface PlanInput {
  package: string;
  /** the versions list, or why it is not complete (then nothing is planned) */
  versions: PlanVersion[] | { incomplete: string };
  /** tags the registry listed at the last read (a tag the versions list does not show is still kept) */
  tags: Array<{ tag: string; digest: string }>;
  manifests: ReadonlyMap<string, PlanManifest>;
}

export interface PlanOptions {
  now: number;
  /** keep orphans created or updated less than this long ago */
  olderThanMs?: number;
  /** keep the N newest orphans that are (or may be) cache exports */
  keepLast?: number;
  /**
   * an orphan whose manifest was not read: "delete" plans it (what the dashboard shows from a scan,
   * which reads no untagged manifest), "keep" keeps it (`cacheguard cleanup` reads every orphan first:
   * one it could not read may be a referrer or an index, so it stays)
   */
  unread?: "delete" | "keep";
}

export type KeepWhy = "tagged" | "child" | "signed" | "subject" | "referrer" | "keep-last" | "newer" | "needed-by-kept" | "unread";

export interface PlannedDelete {
  id: number; digest: string; createdAt: string; updatedAt: string;
  /** what the manifest holds, when it was read (null: not read) */
  kind: string | null;
  /** distinct layer bytes of a cache manifest that no kept manifest shares (null: not known) */
  bytes: number | null;
  reason: string;
}
export interface Kept { id: number; digest: string; why: KeepWhy; reason: string }

export interface PackagePlan {
  package: string;
  /** why no plan could be made (nothing is deleted then) */
  problem: string | null;
  delete: PlannedDelete[];
  keep: Kept[];
  /** orphans: untagged versions no kept tag needs (before keepLast / olderThan) */
  orphans: number;
  /** orphans whose manifest was never read (their kind, layers and referrers are not known) */
  unread: number;
  /** bytes the deletes free, over the deleted cache manifests whose layers are known */
  bytesFreed: number;
}

const COSIGN_TAG = /^sha256-([0-9a-f]{64})(?:\.(sig|att|sbom))?$/;
const CACHE_KINDS = new Set(["cache", "cache-index"]);

const KIND_TEXT: Record<string, string> = {
  cache: "a BuildKit cache export (image-manifest form)",
  "cache-index": "a BuildKit cache export (index form)",
  image: "an image",
  index: "a multi-platform index",
  attestation: "an attestation",
  signature: "a signature",
  artifact: "an OCI artifact",
  unknown: "a manifest cacheguard cannot classify",
};

const short = (d: string) => d.slice(0, 19);
const DAY = 86_400_000;

export function planPackage(input: PlanInput, opts: PlanOptions): PackagePlan {
  const empty = (problem: string): PackagePlan => ({ package: input.package, problem, delete: [], keep: [], orphans: 0, unread: 0, bytesFreed: 0 });
  if (!Array.isArray(input.versions)) return empty(input.versions.incomplete);
  const versions = input.versions;
  const byDigest = new Map(versions.map((v) => [v.digest, v]));

  // every tag, from the versions list and from the registry's last read
  const tagsOf = new Map<string, Set<string>>();
  const addTag = (digest: string, tag: string) => {
    let s = tagsOf.get(digest);
    if (!s) tagsOf.set(digest, (s = new Set()));
    s.add(tag);
  };
  for (const v of versions) for (const t of v.tags) addTag(v.digest, t);
  for (const t of input.tags) addTag(t.digest, t.tag);

  const kept = new Map<string, { why: KeepWhy; reason: string }>();
  const queue: string[] = [];
  const protect = (digest: string, why: KeepWhy, reason: string) => {
    if (kept.has(digest)) return;
    kept.set(digest, { why, reason });
    queue.push(digest);
  };
  const label = (digest: string) => {
    const t = tagsOf.get(digest);
    return t ? [...t].sort().join(", ") : short(digest);
  };
  for (const [digest, tags] of tagsOf) protect(digest, "tagged", `tagged ${[...tags].sort().join(", ")}`);
  for (const [, tags] of [...tagsOf]) {
    for (const tag of tags) {
      const m = COSIGN_TAG.exec(tag);
      if (!m) continue;
      const what = m[2] === "sig" ? "signed" : m[2] === "att" ? "attested" : m[2] === "sbom" ? "given an SBOM" : "referred to";
      protect(`sha256:${m[1]}`, "signed", `${what} by the kept tag ${tag}`);
    }
  }

  // what kept manifests refer to, transitively; a tagged manifest (or nested index) not read is a gap
  const walk = (): string | null => {
    while (queue.length > 0) {
      const digest = queue.shift()!;
      const m = input.manifests.get(digest);
      const why = kept.get(digest)!;
      if (!m?.refs) {
        if (why.why === "tagged" && byDigest.has(digest)) return `the references of ${short(digest)} (tagged ${label(digest)}) have not been read: its manifest is read again by the next scan or \`cacheguard cleanup\``;
        continue;
      }
      const owner = why.why === "tagged" ? `the index tagged ${label(digest)}` : `the kept index ${short(digest)}`;
      for (const c of m.refs.children) {
        if (isIndexType(c.mediaType) && !input.manifests.get(c.digest)?.refs && byDigest.has(c.digest)) {
          return `${owner} lists the index ${short(c.digest)}, whose own manifests have not been read`;
        }
        const role = c.attestation ? "attestation manifest" : c.platform ? `${c.platform} manifest` : "manifest";
        protect(c.digest, why.why === "tagged" || why.why === "child" ? "child" : "needed-by-kept", `${role} of ${owner}`);
      }
      if (m.refs.subject) protect(m.refs.subject, "subject", `subject of the kept ${m.kind} ${short(digest)}`);
    }
    return null;
  };
  const referrers = () => {
    // an untagged referrer (OCI subject) of a kept manifest is kept too: it signs or attests it
    for (const v of versions) {
      const subject = input.manifests.get(v.digest)?.refs?.subject;
      if (!kept.has(v.digest) && subject && kept.has(subject)) protect(v.digest, "referrer", `refers to the kept ${short(subject)} (its signature or attestation)`);
    }
  };
  let problem = walk();
  for (let n = kept.size, guard = 0; !problem && guard < 100; guard++) {
    referrers();
    problem = walk();
    if (kept.size === n) break;
    n = kept.size;
  }
  if (problem) return empty(problem);

  const orphans = versions.filter((v) => !kept.has(v.digest));
  const orphanCount = orphans.length;
  const unread = orphans.filter((v) => !input.manifests.get(v.digest)?.refs).length;
  if (opts.unread === "keep") {
    for (const v of orphans) if (!input.manifests.get(v.digest)?.refs) protect(v.digest, "unread", "its manifest could not be read, so what it refers to is not known");
  }
  const kindOf = (d: string) => input.manifests.get(d)?.kind ?? null;
  // newest first: created, then id (GitHub's ids grow)
  orphans.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
  if (opts.keepLast && opts.keepLast > 0) {
    let left = opts.keepLast;
    for (const v of orphans) {
      if (left === 0) break;
      const k = kindOf(v.digest);
      if (k !== null && !CACHE_KINDS.has(k)) continue;
      protect(v.digest, "keep-last", `one of the ${opts.keepLast} newest untagged cache exports (--keep-last ${opts.keepLast})`);
      left--;
    }
  }
  if (opts.olderThanMs !== undefined) {
    const cutoff = opts.now - opts.olderThanMs;
    for (const v of orphans) {
      const last = Math.max(Date.parse(v.createdAt), Date.parse(v.updatedAt));
      if (last > cutoff) protect(v.digest, "newer", `created or updated ${ago(opts.now - last)} ago, within --older-than ${days(opts.olderThanMs)}`);
    }
  }
  // what the orphans kept above need (an untagged index kept keeps its manifests)
  problem = walk();
  if (problem) return empty(problem);

  const deleted = orphans.filter((v) => !kept.has(v.digest));
  const keptLayers = new Set<string>();
  for (const d of kept.keys()) for (const [layer] of input.manifests.get(d)?.refs?.layers ?? []) keptLayers.add(layer);
  const freed = new Set<string>();
  let bytesFreed = 0;
  const plannedDelete = deleted.map((v): PlannedDelete => {
    const m = input.manifests.get(v.digest);
    let bytes: number | null = null;
    if (m?.refs && CACHE_KINDS.has(m.kind)) {
      bytes = 0;
      for (const [layer, size] of m.refs.layers) {
        if (keptLayers.has(layer) || freed.has(layer)) continue;
        freed.add(layer);
        bytes += size;
      }
      bytesFreed += bytes;
    }
    const what = m ? KIND_TEXT[m.kind] ?? `a ${m.kind}` : "an untagged version (its manifest was not read)";
    const age = ago(opts.now - Math.max(Date.parse(v.createdAt), Date.parse(v.updatedAt)));
    return {
      id: v.id, digest: v.digest, createdAt: v.createdAt, updatedAt: v.updatedAt, kind: m?.kind ?? null, bytes,
      reason: `${what}, last updated ${age} ago: no tag names it, no kept index lists it, and it signs or attests nothing kept`,
    };
  });
  const keep: Kept[] = versions.filter((v) => kept.has(v.digest)).map((v) => ({ id: v.id, digest: v.digest, ...kept.get(v.digest)! }));
  return {
    package: input.package, problem: null, delete: plannedDelete, keep, orphans: orphanCount,
    unread, bytesFreed,
  };
}

function days(ms: number): string {
  const d = ms / DAY;
  return Number.isInteger(d) ? `${d}d` : `${Math.round(ms / 3_600_000)}h`;
}

function ago(ms: number): string {
  if (ms < 3_600_000) return `${Math.max(0, Math.round(ms / 60_000))} min`;
  if (ms < 2 * DAY) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.floor(ms / DAY)} days`;
}

/** `30d`, `12h`, `2w` -> milliseconds; null when it is not a duration. */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,5})([hdw])$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * { h: 3_600_000, d: DAY, w: 7 * DAY }[m[2] as "h" | "d" | "w"];
}
