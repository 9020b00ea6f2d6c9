/**
 * GitHub Actions cache reads: the org's usage by repository (one request per 100 repositories with
 * caches), a repository's cache entries, and its cache storage limit. Lists are complete or they throw
 * IncompleteError: every page parses, `Link` pages are followed to the end, and what was delivered
 * adds up to the `total_count` GitHub gave.
 */
import type { components } from "@octokit/openapi-types";
import { z } from "zod";
import { type GitHubClient, untilComplete } from "./client";
import { IncompleteError } from "./errors";
import { pageOf, parseLink } from "./packages";

const PER_PAGE = 100;

export interface RepoCacheUsage {
  /** `owner/name` as GitHub spells it */
  fullName: string;
  bytes: number;
  count: number;
}

export interface CacheEntry {
  key: string;
  ref: string;
  sizeInBytes: number;
  createdAt: string;
  lastAccessedAt: string;
}

const usageSchema = z.object({
  total_count: z.number().int().nonnegative(),
  repository_cache_usages: z.array(z.object({
    full_name: z.string().min(1), active_caches_size_in_bytes: z.number().nonnegative(), active_caches_count: z.number().int().nonnegative(),
  })),
});
const listSchema = z.object({
  total_count: z.number().int().nonnegative(),
  actions_caches: z.array(z.object({
    key: z.string(), ref: z.string().default(""), size_in_bytes: z.number().nonnegative(), created_at: z.string(), last_accessed_at: z.string(),
  })),
});
const limitSchema = z.object({ max_cache_size_gb: z.number().positive().optional() });

/** Compiles only while every field read above is one GitHub's description gives, typed as GitHub types it. */
type FieldsAreGitHubs<T extends true> = T;
type Entry = NonNullable<components["schemas"]["actions-cache-list"]["actions_caches"]>[number];
export type CacheFieldsAreGitHubs = FieldsAreGitHubs<Required<Pick<Entry, "key" | "ref" | "size_in_bytes" | "created_at" | "last_accessed_at">> extends z.input<typeof listSchema>["actions_caches"][number] ? true : false>;
export type UsageFieldsAreGitHubs = FieldsAreGitHubs<components["schemas"]["actions-cache-usage-by-repository"] extends z.input<typeof usageSchema>["repository_cache_usages"][number] ? true : false>;

interface Paged<T> { items: T[]; total: number; truncated: boolean }

/**
 * Every page of a `{ total_count, <list> }` answer from `first`, in order. With `maxPages` it stops
 * there and says so (`truncated`); otherwise an answer that does not add up is IncompleteError.
 */
async function readPages<T>(
  gh: GitHubClient, first: string, what: string, parse: (data: unknown) => { total: number; items: T[] } | null, maxPages = 10_000,
): Promise<Paged<T>> {
  const items: T[] = [];
  let url: string | null = first;
  let pageNo = 1;
  let lastPage: number | null = null;
  let total = 0;
  for (let pages = 0; url; pages++) {
    if (pages >= maxPages) return { items, total, truncated: true };
    const res = await gh.octokit.request({ method: "GET", url });
    const page = parse(res.data);
    if (!page) throw new IncompleteError(`GitHub's page ${pageNo} of ${what} is not a complete page of it`);
    items.push(...page.items);
    total = page.total;
    const links = parseLink(res.headers.link);
    lastPage ??= pageOf(links.last);
    const nextNo = pageOf(links.next);
    if (links.next) {
      if (nextNo !== null && nextNo !== pageNo + 1) throw new IncompleteError(`GitHub's page ${pageNo} of ${what} links to page ${nextNo} as the next one`);
      url = links.next;
      pageNo++;
    } else if (lastPage !== null && pageNo < lastPage) {
      throw new IncompleteError(`GitHub's ${what} ended at page ${pageNo} of ${lastPage}`);
    } else {
      url = null;
    }
  }
  // entries come and go while the pages are read: a list that does not add up is read again
  if (items.length !== total) throw new IncompleteError(`GitHub's ${what} delivered ${items.length} of the ${total} it counts`);
  return { items, total, truncated: false };
}

/**
 * GET /orgs/{org}/actions/cache/usage-by-repository, every page: the repositories with active caches
 * (a repository it does not name has none). Needs `read:org` (an App: Organization administration, read).
 */
export async function listCacheUsageByRepo(gh: GitHubClient, org: string): Promise<RepoCacheUsage[]> {
  const doing = `listing the Actions cache usage of '${org}'`;
  const first = gh.octokit.rest.actions.getActionsCacheUsageByRepoForOrg.endpoint({ org, per_page: PER_PAGE }).url;
  try {
    const { items } = await untilComplete(gh, () => readPages(gh, first, "the Actions cache usage by repository", (data) => {
      const p = usageSchema.safeParse(data);
      return p.success ? { total: p.data.total_count, items: p.data.repository_cache_usages } : null;
    }));
    return items.map((u) => ({ fullName: u.full_name, bytes: u.active_caches_size_in_bytes, count: u.active_caches_count }));
  } catch (err) {
    throw gh.error(err, { action: doing });
  }
}

/**
 * GET /repos/{owner}/{repo}/actions/caches, every page up to `maxPages` (100 entries each; `truncated`
 * when the repository has more). Needs `repo` (an App: Actions, read).
 */
export async function listRepoCaches(gh: GitHubClient, owner: string, repo: string, maxPages: number): Promise<{ entries: CacheEntry[]; total: number; truncated: boolean }> {
  const doing = `listing the Actions caches of '${owner}/${repo}'`;
  const first = gh.octokit.rest.actions.getActionsCacheList.endpoint({ owner, repo, per_page: PER_PAGE }).url;
  try {
    const got = await untilComplete(gh, () => readPages(gh, first, `the Actions cache list of ${owner}/${repo}`, (data) => {
      const p = listSchema.safeParse(data);
      return p.success ? { total: p.data.total_count, items: p.data.actions_caches } : null;
    }, maxPages));
    return {
      entries: got.items.map((e) => ({ key: e.key, ref: e.ref, sizeInBytes: e.size_in_bytes, createdAt: e.created_at, lastAccessedAt: e.last_accessed_at })),
      total: got.total, truncated: got.truncated,
    };
  } catch (err) {
    throw gh.error(err, { action: doing });
  }
}

/**
 * GET /repos/{owner}/{repo}/actions/cache/storage-limit: the repository's own limit in bytes, or null
 * when it sets none (`{}`). GitHub's description names the `admin:repository` scope (an App:
 * Administration, read); a refusal throws.
 */
export async function getCacheStorageLimit(gh: GitHubClient, owner: string, repo: string): Promise<number | null> {
  const doing = `reading the Actions cache storage limit of '${owner}/${repo}'`;
  let data: unknown;
  try {
    data = (await gh.octokit.request("GET /repos/{owner}/{repo}/actions/cache/storage-limit", { owner, repo })).data;
  } catch (err) {
    throw gh.error(err, { action: doing });
  }
  const p = limitSchema.safeParse(data);
  if (!p.success) throw new IncompleteError(`GitHub answered ${doing} in an unexpected shape`);
  return p.data.max_cache_size_gb === undefined ? null : p.data.max_cache_size_gb * 1024 ** 3;
}
