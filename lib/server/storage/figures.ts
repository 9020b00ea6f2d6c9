import type { PackagePlan, PlanInput } from "./plan";

/**
 * A package's storage as the last reads left it: GitHub's count of its versions, how many are tagged
 * and untagged, the orphans (untagged versions no kept tag needs), and the bytes its cache manifests
 * hold: the distinct layers of the cache manifests whose layers were read (a cache export's layers
 * are its storage; layers shared by several exports count once).
 */
export interface StorageFigures {
  /** GitHub's `version_count` (null: not given) */
  versionCount: number | null;
  /** versions stored from the versions list, and whether that list is complete */
  versionsStored: number;
  versionsComplete: boolean;
  tagged: number;
  untagged: number | null;
  /** null when no plan could be made (the list is not complete, or a tagged manifest was not read) */
  orphans: number | null;
  problem: string | null;
  cacheBytes: number;
  /** cache manifests whose layers are known (the bytes above are theirs) */
  cacheManifests: number;
  computedAt: string;
}

export function storageFigures(input: PlanInput, plan: PackagePlan, versionCount: number | null, versionsStored: number, now = new Date()): StorageFigures {
  const complete = Array.isArray(input.versions);
  const taggedDigests = new Set(input.tags.map((t) => t.digest));
  if (Array.isArray(input.versions)) for (const v of input.versions) if (v.tags.length > 0) taggedDigests.add(v.digest);
  // a tag's digest that is no version (deleted since the registry was read) is not counted
  const tagged = Array.isArray(input.versions) ? input.versions.filter((v) => taggedDigests.has(v.digest)).length : taggedDigests.size;
  const total = versionCount ?? (complete ? versionsStored : null);
  const layers = new Map<string, number>();
  let cacheManifests = 0;
  const digests = new Set([...input.tags.map((t) => t.digest), ...(Array.isArray(input.versions) ? input.versions.map((v) => v.digest) : [])]);
  for (const d of digests) {
    const m = input.manifests.get(d);
    if (!m?.refs || (m.kind !== "cache" && m.kind !== "cache-index")) continue;
    cacheManifests++;
    for (const [layer, size] of m.refs.layers) layers.set(layer, size);
  }
  let cacheBytes = 0;
  for (const size of layers.values()) cacheBytes += size;
  return {
    versionCount, versionsStored, versionsComplete: complete, tagged,
    untagged: total === null ? null : Math.max(0, total - tagged),
    orphans: plan.problem ? null : plan.orphans, problem: plan.problem, cacheBytes, cacheManifests, computedAt: now.toISOString(),
  };
}

/** The org's total over its packages' figures. */
export interface StorageTotal {
  packages: number;
  versions: number;
  untagged: number;
  orphans: number;
  /** packages whose orphans are not known yet (their versions list not read to the end) */
  orphansUnknown: number;
  cacheBytes: number;
  cacheManifests: number;
}

export function storageTotal(figures: Array<StorageFigures | null>): StorageTotal {
  const t: StorageTotal = { packages: figures.length, versions: 0, untagged: 0, orphans: 0, orphansUnknown: 0, cacheBytes: 0, cacheManifests: 0 };
  for (const f of figures) {
    if (!f) {
      t.orphansUnknown++;
      continue;
    }
    t.versions += f.versionCount ?? f.versionsStored;
    t.untagged += f.untagged ?? 0;
    if (f.orphans === null) t.orphansUnknown++;
    else t.orphans += f.orphans;
    t.cacheBytes += f.cacheBytes;
    t.cacheManifests += f.cacheManifests;
  }
  return t;
}

export function parseFigures(json: string | null | undefined): StorageFigures | null {
  if (!json) return null;
  try {
    return JSON.parse(json) as StorageFigures;
  } catch {
    return null;
  }
}

/** 1536 -> "1.5 KB"; decimal units, as GitHub's billing counts storage. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n;
  let i = -1;
  do {
    v /= 1000;
    i++;
  } while (v >= 1000 && i < units.length - 1);
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}
