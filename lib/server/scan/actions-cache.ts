/**
 * The scan's Actions cache side. Alongside the repositories: the org's usage by repository (one
 * request per 100 repositories with caches), unless the stored reading is younger than GitHub's own
 * refresh (about 5 minutes). After the analysis, for repositories whose builds use `type=gha` and
 * that have caches: their entries (one request per 100) and their storage limit. What is read is
 * stored (ActionsCacheUsage) and the rule reads it back from there, so a scan that reused a reading,
 * or could not read, judges by the same rows.
 */
import { type ActionsCacheInfo, summarizeListing } from "@/lib/engine/rules/gha-cache-near-quota";
import { type CacheEntry, getCacheStorageLimit, listCacheUsageByRepo, listRepoCaches, type RepoCacheUsage } from "@/lib/github/actions-cache";
import type { GitHubClient } from "@/lib/github/client";
import { GitHubError } from "@/lib/github/errors";
import { chunks } from "@/lib/server/chunk";
import type { Db } from "@/lib/server/db";
import { mapLimit } from "@/lib/server/scan/packages";
import type { RepoError, ScanConfig } from "@/lib/server/scan/types";

/** GitHub refreshes the usage about every 5 minutes: a reading younger than that is as good as a new one. */
export const ACTIONS_CACHE_MAX_AGE_MS = 5 * 60_000;
/** Entries listed per repository at most (100 a page): beyond, BuildKit's share is of those listed. */
export const CACHE_LIST_MAX_PAGES = 50;

const readKey = (orgId: number) => `actions-cache-read:${orgId}`;

export type UsageRead =
  | { status: "read"; at: Date; usage: RepoCacheUsage[] }
  /** the stored reading is younger than the max age: nothing asked */
  | { status: "fresh"; at: Date }
  | { status: "failed"; error: string };

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** When the org's usage was last read completely, if ever. */
export async function lastUsageRead(db: Db, orgId: number): Promise<Date | null> {
  const row = await db.setting.findUnique({ where: { key: readKey(orgId) } });
  const at = row ? Date.parse(row.value) : NaN;
  return Number.isNaN(at) ? null : new Date(at);
}

/** The org's usage by repository, or the stored reading when it is fresh enough. Never throws. */
export async function readCacheUsage(db: Db, gh: GitHubClient, config: ScanConfig, orgId: number): Promise<UsageRead> {
  const last = await lastUsageRead(db, orgId);
  const maxAge = config.actionsCacheMaxAgeMs ?? ACTIONS_CACHE_MAX_AGE_MS;
  if (last && Date.now() - last.getTime() < maxAge) return { status: "fresh", at: last };
  try {
    const at = new Date();
    return { status: "read", at, usage: await listCacheUsageByRepo(gh, config.org) };
  } catch (e) {
    return { status: "failed", error: errText(e) };
  }
}

export interface CacheSideResult {
  /** stored readings of the scanned repositories, as the rule takes them */
  infos: ActionsCacheInfo[];
  /** the usage was read completely now (or a fresh reading reused): cache findings may be resolved */
  read: boolean;
  /** the usage list could not be read: the scan is partial */
  errors: RepoError[];
  /** entries that could not be listed: the usage is still judged, without BuildKit's share and thrash */
  warnings: RepoError[];
}

type Row = Awaited<ReturnType<Db["actionsCacheUsage"]["findMany"]>>[number];

/** What a listing holds, in the stored row's terms. */
function listingColumns(entries: CacheEntry[], listedAt: Date) {
  const l = summarizeListing(entries, listedAt.toISOString());
  return {
    listedAt, entries: l.entries, listedBytes: BigInt(l.bytes), buildkitEntries: l.buildkitEntries, buildkitBytes: BigInt(l.buildkitBytes),
    oldestCreatedAt: l.oldestCreatedAt === null ? null : new Date(l.oldestCreatedAt), listError: null,
  };
}

/** The rule's view of a stored row. */
export function infoOfRow(fullName: string, r: Row): ActionsCacheInfo {
  const info: ActionsCacheInfo = {
    repo: fullName, usedBytes: Number(r.sizeBytes), activeCaches: r.count, readAt: r.readAt.toISOString(),
    limitBytes: r.limitBytes === null ? null : Number(r.limitBytes),
  };
  if (r.limitNote) info.limitNote = r.limitNote;
  if (r.listedAt && r.entries !== null) {
    info.listing = {
      listedAt: r.listedAt.toISOString(), entries: r.entries, bytes: Number(r.listedBytes ?? 0),
      buildkitEntries: r.buildkitEntries ?? 0, buildkitBytes: Number(r.buildkitBytes ?? 0),
      oldestCreatedAt: r.oldestCreatedAt?.toISOString() ?? null,
    };
  }
  if (r.listError) info.listError = r.listError;
  return info;
}

/** The stored readings of these repositories (by id, with their `org/name`). */
export async function storedCacheInfos(db: Db, repos: Array<{ repoId: number; fullName: string }>): Promise<ActionsCacheInfo[]> {
  const names = new Map(repos.map((r) => [r.repoId, r.fullName]));
  const out: ActionsCacheInfo[] = [];
  for (const ids of chunks([...names.keys()])) {
    for (const r of await db.actionsCacheUsage.findMany({ where: { repoId: { in: ids } } })) out.push(infoOfRow(names.get(r.repoId)!, r));
  }
  return out;
}

/** A short reason: `GitHub answered 403, the token lacks the 'admin:repository' scope`. */
function whyNot(e: unknown): string {
  if (!(e instanceof GitHubError) || e.status === undefined) return errText(e);
  const scope = /lacks the '([^']+)' scope/.exec(e.message)?.[1];
  return `GitHub answered ${e.status}${scope ? `, the token lacks the '${scope}' scope` : e.kind === "not-found" ? " (not found)" : ""}`;
}

/** A refusal that will be the same for every repository (a scope, a permission): stop asking. */
const refusal = (e: unknown) => e instanceof GitHubError && (e.kind === "scope" || e.kind === "auth");

/**
 * Store what the usage list says for the scanned repositories (a repository it does not name has no
 * caches: its row goes), then list the entries and read the limit of those with `type=gha` builds and
 * caches. A failed usage read changes nothing stored: the last readings stand, and say so (read: false).
 */
export async function scanActionsCache(
  db: Db, gh: GitHubClient, orgId: number, scanId: number, usage: UsageRead,
  repos: Array<{ repoId: number; name: string; fullName: string }>, ghaRepos: Set<string>,
): Promise<CacheSideResult> {
  const errors: RepoError[] = [];
  const warnings: RepoError[] = [];
  if (usage.status === "failed") errors.push({ repo: "actions-cache", message: `the Actions cache usage was not read: ${usage.error} (cache findings stay as the last reading left them)` });
  if (usage.status === "read") {
    const byName = new Map(usage.usage.map((u) => [u.fullName.toLowerCase(), u]));
    const stored = new Map<number, Row>();
    for (const ids of chunks(repos.map((r) => r.repoId))) {
      for (const r of await db.actionsCacheUsage.findMany({ where: { repoId: { in: ids } } })) stored.set(r.repoId, r);
    }
    const gone = repos.filter((r) => !byName.has(r.fullName.toLowerCase()) && stored.has(r.repoId)).map((r) => r.repoId);
    const writes = chunks(gone).map((ids) => db.actionsCacheUsage.deleteMany({ where: { repoId: { in: ids } } }));
    const toList: Array<{ repoId: number; name: string; owner: string; repo: string }> = [];
    // few statements for many repositories (each Prisma call costs about a millisecond): new rows in one
    // insert, rows whose usage did not change in one update per chunk, the changed ones one by one
    const created = [];
    const unchanged: number[] = [];
    const noListing = { listedAt: null, entries: null, listedBytes: null, buildkitEntries: null, buildkitBytes: null, oldestCreatedAt: null, listError: null };
    for (const r of repos) {
      const u = byName.get(r.fullName.toLowerCase());
      if (!u) continue;
      const gha = ghaRepos.has(r.fullName) && u.count > 0;
      const data = { scanId, readAt: usage.at, sizeBytes: BigInt(u.bytes), count: u.count };
      const old = stored.get(r.repoId);
      // a repository without type=gha builds is not listed: no stale listing is kept for it
      if (!old) created.push({ repoId: r.repoId, ...data });
      else if (old.sizeBytes === data.sizeBytes && old.count === data.count && (gha || old.listedAt === null)) unchanged.push(r.repoId);
      else writes.push(db.actionsCacheUsage.update({ where: { repoId: r.repoId }, data: gha ? data : { ...data, ...noListing } }));
      if (gha) {
        const [owner, repo] = u.fullName.split("/");
        toList.push({ repoId: r.repoId, name: r.name, owner, repo });
      }
    }
    if (created.length > 0) writes.push(db.actionsCacheUsage.createMany({ data: created }));
    for (const ids of chunks(unchanged)) writes.push(db.actionsCacheUsage.updateMany({ where: { repoId: { in: ids } }, data: { scanId, readAt: usage.at } }));
    await db.$transaction(writes);
    await listAndLimit(db, gh, toList, warnings);
    await db.setting.upsert({ where: { key: readKey(orgId) }, create: { key: readKey(orgId), value: usage.at.toISOString() }, update: { value: usage.at.toISOString() } });
  }
  return { infos: await storedCacheInfos(db, repos), read: usage.status !== "failed", errors, warnings };
}

/** Entries and limit of each repository: a listing that fails keeps the previous one (and says why). */
async function listAndLimit(db: Db, gh: GitHubClient, repos: Array<{ repoId: number; name: string; owner: string; repo: string }>, warnings: RepoError[]) {
  let listRefused: string | null = null;
  let limitRefused: string | null = null;
  await mapLimit(repos, 4, async (r) => {
    const data: Record<string, unknown> = {};
    if (listRefused) {
      data.listError = listRefused;
    } else {
      try {
        const got = await listRepoCaches(gh, r.owner, r.repo, CACHE_LIST_MAX_PAGES);
        Object.assign(data, listingColumns(got.entries, new Date()));
        if (got.truncated) data.listError = `only the first ${got.entries.length} of ${got.total} entries were listed`;
      } catch (e) {
        data.listError = errText(e);
        if (refusal(e)) listRefused = `${errText(e)} (not asked again for the other repositories in this scan)`;
        warnings.push({ repo: `actions-cache:${r.name}`, message: `listing the Actions cache entries: ${errText(e)}` });
      }
    }
    if (limitRefused) {
      data.limitNote = limitRefused;
    } else {
      try {
        const limit = await getCacheStorageLimit(gh, r.owner, r.repo);
        data.limitBytes = limit === null ? null : BigInt(limit);
        data.limitNote = limit === null ? "the repository sets no limit of its own" : null;
      } catch (e) {
        // the limit is optional (an admin's read): without it GitHub's default is assumed and the finding says so;
        // a limit read earlier stays
        data.limitNote = `the repository's own limit could not be read: ${whyNot(e)}`;
        if (refusal(e) || (e instanceof GitHubError && e.kind === "not-found")) limitRefused = data.limitNote as string;
      }
    }
    await db.actionsCacheUsage.update({ where: { repoId: r.repoId }, data });
  });
}
