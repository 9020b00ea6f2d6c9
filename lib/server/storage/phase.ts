import type { GitHubClient, RequestStats } from "@/lib/github/client";
import { newStats } from "@/lib/github/client";
import { PackageGoneError } from "@/lib/github/package-versions";
import type { PackageInfo } from "@/lib/github/packages";
import { createRegistryClient } from "@/lib/registry/client";
import type { Db } from "@/lib/server/db";
import { type PackagesPhaseResult, registryToken } from "@/lib/server/scan/packages";
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
  /** whether the tags phase has stored every package it will (default: it has) */
  tagsDone?: () => boolean;
  share?: number;
  tailPages?: number;
  /** pages an earlier run of this scan's phase took (a queue job continued in a new one: lib/server/queue/storage.ts) */
  alreadyTaken?: number;
  /** stop taking pages now (the queue job's time is up; it continues in another) */
  stop?: () => boolean;
}

const CACHE_KINDS = ["cache", "cache-index"];

export const emptyStorage = (): VersionsPhaseResult => ({ pages: 0, registryRequests: 0, packagesRead: 0, complete: 0, pending: 0, errors: [] });

/**
 * Pages may be read while the phase's own requests stay under `share` of the others'; while the
 * others still run it waits for them to make more, after they end it stops (past `tail` pages).
 */
export function pacedBudget(stats: RequestStats, opts: VersionsPhaseOptions): PageBudget & { taken(): number } {
  const share = opts.share ?? VERSION_REQUEST_SHARE;
  const tail = opts.tailPages ?? TAIL_PAGES;
  // every page taken is one REST request in `stats`: not one of the others'
  let taken = opts.alreadyTaken ?? 0;
  return {
    taken: () => taken,
    async take() {
      for (;;) {
        if (opts.stop?.()) return false;
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

/**
 * The versions lists, read as soon as the package list is known, beside the tags and the repository
 * phase (packages the tags phase has not stored yet are read by the next scan). Then, once the tags
 * are stored, `storeFigures`.
 */
export async function readVersionsLists(
  db: Db, gh: GitHubClient, stats: RequestStats, config: ScanConfig, orgId: number, listed: PackageInfo[], opts: VersionsPhaseOptions,
): Promise<VersionsPhaseResult> {
  const out = emptyStorage();
  const budget = pacedBudget(stats, opts);
  const info = new Map(listed.map((p) => [p.name, p]));
  type Row = Awaited<ReturnType<typeof loadRows>>[number];
  const loadRows = () => db.package.findMany({ where: { orgId }, include: { tags: { select: { kind: true } } } });
  const needs = (r: Row) => {
    const i = info.get(r.name)!;
    return r.versionsNextPage > 0 || !r.versionsCompleteAt || r.versionsCompleteAt.getTime() !== new Date(i.updatedAt).getTime() || r.versionsCompleteCount !== (i.versionCount ?? null);
  };
  const holdsCache = (r: Row) => r.tags.some((t) => CACHE_KINDS.includes(t.kind));
  // a pass in progress first, then packages that hold caches, smaller lists before larger ones
  const order = (a: Row, b: Row) =>
    Number(b.versionsNextPage > 0) - Number(a.versionsNextPage > 0) || Number(holdsCache(b)) - Number(holdsCache(a)) || (info.get(a.name)!.versionCount ?? 0) - (info.get(b.name)!.versionCount ?? 0);

  // a package is read once the tags phase has stored it (a new one, on a cold scan, while the tags are read)
  const seen = new Set<number>();
  const queue: Row[] = [];
  let stop = false;
  const refresh = async (): Promise<boolean> => {
    const fresh = (await loadRows()).filter((r) => info.has(r.name) && !seen.has(r.id));
    for (const r of fresh) seen.add(r.id);
    queue.push(...fresh.filter(needs));
    queue.sort(order);
    return fresh.length > 0;
  };
  await refresh();
  const worker = async () => {
    while (!stop) {
      const r = queue.shift();
      if (!r) {
        // the tags phase may store more packages: look again until it is done
        const tagsDone = opts.tagsDone?.() ?? true;
        if (!(await refresh()) && tagsDone) return;
        if (queue.length === 0) await new Promise((res) => setTimeout(res, 100));
        continue;
      }
      const i = info.get(r.name)!;
      try {
        const got = await readPackageVersions(db, gh, config.org, { id: r.id, name: r.name, updatedAt: new Date(i.updatedAt), versionCount: i.versionCount ?? null }, budget);
        out.pages += got.pages;
        if (got.pages > 0) out.packagesRead++;
        // a read stops short only when the budget is spent: nothing more this scan
        if (!got.complete) stop = true;
      } catch (e) {
        // a package deleted since the list was read is dropped by the next scan; anything else is said
        if (!(e instanceof PackageGoneError)) out.errors.push({ repo: `package:${r.name}`, message: `reading its versions: ${e instanceof Error ? e.message : String(e)}` });
      }
    }
  };
  await Promise.all(Array.from({ length: PACKAGES_AT_ONCE }, worker));
  return out;
}

/** Each package's storage figures, where its stored state changed; tagged manifests' references read once. */
export async function storeFigures(db: Db, stats: RequestStats, config: ScanConfig, orgId: number, listed: PackageInfo[], out: VersionsPhaseResult): Promise<VersionsPhaseResult> {
  const regStats = newStats();
  const registry = createRegistryClient({ registryUrl: config.registryUrl, token: registryToken(config), stats: regStats });
  const names = new Set(listed.map((p) => p.name));
  for (const r of (await db.package.findMany({ where: { orgId } })).filter((x) => names.has(x.name))) {
    // GitHub's count, for packages the tags phase stored after the versions phase began
    const count = listed.find((p) => p.name === r.name)?.versionCount ?? null;
    if (r.versionCount !== count) r.versionCount = (await db.package.update({ where: { id: r.id }, data: { versionCount: count } })).versionCount;
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
  stats.registry += regStats.registry;
  return { ...out, registryRequests: regStats.registry };
}

/**
 * The storage phase as a scan runs it: `listed` is given to the tags phase (told the package list as
 * soon as it is read); `read` pages the versions lists beside the tags and repository phases until
 * both are done (their requests are then all counted); `figures` stores each package's figures once
 * the tags are stored. Its failures are the scan's errors (partial), never the scan's failure.
 */
export function storagePhase(db: Db, gh: GitHubClient | null, stats: RequestStats, config: ScanConfig, orgId: number) {
  let tell: (l: PackageInfo[] | null) => void = () => {};
  const listed = new Promise<PackageInfo[] | null>((r) => (tell = r));
  return {
    listed: (l: PackageInfo[]) => tell(l),
    read(...others: Array<Promise<unknown>>): Promise<VersionsPhaseResult | null> {
      const running = new Set(others);
      for (const p of others) p.then(() => running.delete(p), () => running.delete(p));
      const tags = others[others.length - 1];
      let tagsDone = false;
      // a tags phase that ends without a package list (refused, cut short) reads no versions
      tags.then(() => { tagsDone = true; tell(null); }, () => { tagsDone = true; tell(null); });
      return listed.then((l) => (l && gh
        ? readVersionsLists(db, gh, stats, config, orgId, l, { othersDone: () => running.size === 0, tagsDone: () => tagsDone, ...config.versionPages })
        : null));
    },
    async figures(pkgs: PackagesPhaseResult, read: PromiseSettledResult<VersionsPhaseResult | null>): Promise<VersionsPhaseResult | undefined> {
      if (!pkgs.listed || !gh) return undefined;
      try {
        if (read.status === "rejected") throw read.reason;
        const out = await storeFigures(db, stats, config, orgId, pkgs.listed, read.value ?? emptyStorage());
        pkgs.errors.push(...out.errors);
        return out;
      } catch (e) {
        // storage figures never fail the scan: what was stored stays, the scan says what it missed
        pkgs.errors.push({ repo: "packages", message: `storage figures: ${e instanceof Error ? e.message : String(e)}` });
        return undefined;
      }
    },
  };
}
