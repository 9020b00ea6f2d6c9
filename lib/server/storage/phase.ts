import type { GitHubClient, RequestStats } from "@/lib/github/client";
import { newStats } from "@/lib/github/client";
import { PackageGoneError } from "@/lib/github/package-versions";
import type { PackageInfo } from "@/lib/github/packages";
import { createRegistryClient } from "@/lib/registry/client";
import type { Db } from "@/lib/server/db";
import { mapLimit, registryToken } from "@/lib/server/scan/packages";
import type { RepoError, ScanConfig } from "@/lib/server/scan/types";
import { parseFigures, storageFigures } from "./figures";
import { loadPlanInput } from "./load";
import { planPackage } from "./plan";
import { readTaggedRefs } from "./refs";
import { type PageBudget, readPackageVersions } from "./versions";

/**
 * The scan's storage phase: versions lists of the packages that changed since their list was last
 * complete (new packages included), read within a budget that keeps it a fraction of the scan, and
 * each package's storage figures. Runs beside the repository phase, after the tags.
 */

/** the versions phase spends at most this share of the requests the rest of the scan makes: it never doubles a scan */
export const VERSION_REQUEST_SHARE = 0.75;
/** once the rest of the scan is done, pages may go on up to this many (a small org reads all at once) */
export const TAIL_PAGES = 50;
/** packages read at once: each pages one request at a time, so the repository phase keeps the GitHub API */
const PACKAGES_AT_ONCE = 2;

export interface VersionsPhaseResult {
  /** version pages read (REST) and manifests read for their references (registry, tokens included) */
  pages: number;
  registryRequests: number;
  packagesRead: number;
  /** packages whose versions list is complete now, and those still being read (continued by the next scans) */
  complete: number;
  pending: number;
  errors: RepoError[];
}

export interface VersionsPhaseOptions {
  /** whether the rest of the scan has finished (its requests are then all counted) */
  othersDone: () => boolean;
  share?: number;
  tailPages?: number;
}

const CACHE_KINDS = ["cache", "cache-index"];

/**
 * Pages may be read while the phase's own requests stay under `share` of the others'; while the
 * others still run it waits for them to make more, after they end it stops (past `tail` pages).
 */
export function pacedBudget(stats: RequestStats, opts: VersionsPhaseOptions): PageBudget & { taken(): number } {
  const share = opts.share ?? VERSION_REQUEST_SHARE;
  const tail = opts.tailPages ?? TAIL_PAGES;
  // every page taken is one REST request in `stats`: not one of the others'
  let taken = 0;
  return {
    taken: () => taken,
    async take() {
      for (;;) {
        const others = stats.rest + stats.graphql + stats.registry - taken;
        const done = opts.othersDone();
        if (taken + 1 <= Math.floor(share * others) && (!done || taken < tail)) {
          taken++;
          return true;
        }
        if (done) return false;
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

export async function scanVersions(
  db: Db, gh: GitHubClient, stats: RequestStats, config: ScanConfig, orgId: number, listed: PackageInfo[], opts: VersionsPhaseOptions,
): Promise<VersionsPhaseResult> {
  const out: VersionsPhaseResult = { pages: 0, registryRequests: 0, packagesRead: 0, complete: 0, pending: 0, errors: [] };
  const regStats = newStats();
  const registry = createRegistryClient({ registryUrl: config.registryUrl, token: registryToken(config), stats: regStats });
  const budget = pacedBudget(stats, opts);
  const info = new Map(listed.map((p) => [p.name, p]));
  const rows = (await db.package.findMany({ where: { orgId }, include: { tags: { select: { kind: true } } } })).filter((r) => info.has(r.name));

  // GitHub's count of versions, for every package (free: it came with the package list)
  for (const r of rows) {
    const count = info.get(r.name)!.versionCount ?? null;
    if (r.versionCount !== count) await db.package.update({ where: { id: r.id }, data: { versionCount: count } });
    r.versionCount = count;
  }
  const needs = (r: (typeof rows)[number]) => {
    const i = info.get(r.name)!;
    return r.versionsNextPage > 0 || !r.versionsCompleteAt || r.versionsCompleteAt.getTime() !== new Date(i.updatedAt).getTime() || r.versionsCompleteCount !== (i.versionCount ?? null);
  };
  const holdsCache = (r: (typeof rows)[number]) => r.tags.some((t) => CACHE_KINDS.includes(t.kind));
  // a pass in progress first, then packages that hold caches, smaller lists before larger ones
  const todo = rows.filter(needs).sort((a, b) =>
    Number(b.versionsNextPage > 0) - Number(a.versionsNextPage > 0) || Number(holdsCache(b)) - Number(holdsCache(a)) || (a.versionCount ?? 0) - (b.versionCount ?? 0));
  await mapLimit(todo, PACKAGES_AT_ONCE, async (r) => {
    const i = info.get(r.name)!;
    try {
      const got = await readPackageVersions(db, gh, config.org, { id: r.id, name: r.name, updatedAt: new Date(i.updatedAt), versionCount: i.versionCount ?? null }, budget);
      out.pages += got.pages;
      if (got.pages > 0) out.packagesRead++;
    } catch (e) {
      // a package deleted since the list was read is dropped by the next scan; anything else is said
      if (!(e instanceof PackageGoneError)) out.errors.push({ repo: `package:${r.name}`, message: `reading its versions: ${e instanceof Error ? e.message : String(e)}` });
    }
  });

  // figures of the packages whose stored state changed; their tagged manifests' references read once
  for (const r of await db.package.findMany({ where: { id: { in: rows.map((x) => x.id) } } })) {
    const key = JSON.stringify([r.updatedAt, r.versionsPass, r.versionsNextPage, r.versionsCompleteAt, r.versionsReadAt, r.versionCount]);
    const old = parseFigures(r.storage) as (ReturnType<typeof parseFigures> & { key?: string }) | null;
    if (r.versionsCompleteAt && r.versionsNextPage === 0) out.complete++;
    else out.pending++;
    if (old?.key === key) continue;
    const { input, stored, manifests } = await loadPlanInput(db, r);
    const versionDigests = new Set(Array.isArray(input.versions) ? input.versions.map((v) => v.digest) : []);
    const tagged = [...input.tags.map((t) => t.digest), ...(Array.isArray(input.versions) ? input.versions.filter((v) => v.tags.length > 0).map((v) => v.digest) : [])];
    const refs = await readTaggedRefs(db, registry, `${config.org}/${r.name}`.toLowerCase(), tagged, versionDigests, manifests);
    for (const f of refs.failed) out.errors.push({ repo: `package:${r.name}`, message: `reading ${f.digest} for its references: ${f.message}` });
    const figures = storageFigures(input, planPackage(input, { now: Date.now() }), r.versionCount, stored);
    await db.package.update({ where: { id: r.id }, data: { storage: JSON.stringify({ ...figures, key }) } });
  }
  out.registryRequests = regStats.registry;
  stats.registry += regStats.registry;
  return out;
}
