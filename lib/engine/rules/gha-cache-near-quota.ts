import type { Build, CacheSpec, Finding, RepoModel, Rule } from "../types";

/** GitHub's Actions cache storage limit per repository unless an admin changed it: 10 GB. */
export const DEFAULT_CACHE_LIMIT_BYTES = 10 * 1024 ** 3;
/** A repository over this share of its limit gets the finding. */
export const NEAR_QUOTA_SHARE = 0.8;
/** Entries all younger than this, near the limit: the cache keeps under a day of history. */
export const THRASH_MS = 24 * 3_600_000;

/** The keys BuildKit's `type=gha` backend writes: a layer blob per entry, and a scope's index. */
export function isBuildkitKey(key: string): boolean {
  return key.startsWith("buildkit-blob-") || key.startsWith("index-");
}

/** A repository's Actions cache as the GitHub API reported it (plain data; the scan reads and stores it). */
export interface ActionsCacheInfo {
  /** `org/name` */
  repo: string;
  /** `active_caches_size_in_bytes` of GET /orgs/{org}/actions/cache/usage-by-repository */
  usedBytes: number;
  activeCaches: number;
  /** when that usage was read (ISO) */
  readAt: string;
  /** the repository's cache storage limit as GitHub answered it; null: not known, GitHub's default assumed */
  limitBytes: number | null;
  /** why the limit is not known, as a phrase (`the repository sets no limit of its own`), shown beside the assumed default */
  limitNote?: string;
  /** what GET /repos/{o}/{r}/actions/caches listed, when it was read (repositories with type=gha builds) */
  listing?: CacheListing;
  /** why the entries could not be listed */
  listError?: string;
}

export interface CacheListing {
  /** when it was read (ISO); the thrash measure is relative to it */
  listedAt: string;
  entries: number;
  bytes: number;
  buildkitEntries: number;
  buildkitBytes: number;
  /** `created_at` of the oldest entry still present (ISO), null for an empty listing */
  oldestCreatedAt: string | null;
}

/** What a listing of a repository's cache entries holds: totals, BuildKit's share, the oldest entry. */
export function summarizeListing(entries: Array<{ key: string; sizeInBytes: number; createdAt: string }>, listedAt: string): CacheListing {
  let bytes = 0, buildkitBytes = 0, buildkitEntries = 0;
  let oldest: number | null = null;
  for (const e of entries) {
    bytes += e.sizeInBytes;
    if (isBuildkitKey(e.key)) {
      buildkitBytes += e.sizeInBytes;
      buildkitEntries++;
    }
    const c = Date.parse(e.createdAt);
    if (!Number.isNaN(c) && (oldest === null || c < oldest)) oldest = c;
  }
  return { listedAt, entries: entries.length, bytes, buildkitEntries, buildkitBytes, oldestCreatedAt: oldest === null ? null : new Date(oldest).toISOString() };
}

const RULE_ID = "gha-cache-near-quota";

const FIX_TEXT =
  "Make room before GitHub evicts what builds need: delete stale entries (`gh cache delete`, or the repository's " +
  "Actions → Caches page), export BuildKit's cache with `mode=min` where `mode=max` is not needed, give each build one " +
  "`scope=` instead of one per branch or pull request, keep pull-request builds to `cache-from` only, or raise the " +
  "repository's cache storage limit (Settings → Actions → Caches).";

export const ghaCacheNearQuota: Rule = {
  id: RULE_ID,
  kind: "live",
  title: "Repository's GitHub Actions cache is near its storage limit",
  severity: "warning",
  description:
    "The repository's builds use BuildKit's `type=gha` cache, and GitHub reports its Actions cache over 80 % of the " +
    "repository's storage limit (10 GB unless an admin changed it). Past the limit GitHub evicts the oldest entries " +
    "(and removes any not used for 7 days), so BuildKit's layer blobs are thrown away and builds start cold. The " +
    "finding says how much of the cache BuildKit's entries (`buildkit-blob-*`, `index-*`) hold and whether the cache " +
    "thrashes: every entry still present was created within the last day, so older ones were evicted within a day " +
    "of being written. It needs the GitHub API (the org scan reads it); `cacheguard check` cannot see it.",
  example: {
    bad:
      "# every pull request and branch exports a full cache of its own\n" +
      "- uses: docker/build-push-action@v6\n  with:\n    cache-from: type=gha,scope=${{ github.ref_name }}\n" +
      "    cache-to: type=gha,mode=max,scope=${{ github.ref_name }}\n",
    good:
      "- uses: docker/build-push-action@v6\n  with:\n    cache-from: type=gha,scope=app\n" +
      "    cache-to: ${{ github.event_name == 'push' && 'type=gha,mode=max,scope=app' || '' }}\n",
  },
  fix: FIX_TEXT,
  // live rule: it needs GitHub's cache usage, see checkActionsCache
  check: () => [],
};

const GB = 1024 ** 3;
const MB = 1024 ** 2;

/** `8.6 GB`, `412 MB`: binary units, as GitHub's cache page counts them. */
export function formatBytes(n: number): string {
  if (n >= GB) return `${(n / GB).toFixed(n >= 100 * GB ? 0 : 1).replace(/\.0$/, "")} GB`;
  if (n >= MB) return `${Math.round(n / MB)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} B`;
}

function hoursText(ms: number): string {
  const h = Math.max(0, Math.round(ms / 3_600_000));
  return h < 48 ? `${h} h` : `${Math.round(h / 24)} days`;
}

/** Is the listing's oldest entry younger than a day (relative to when it was listed)? */
export function thrashes(l: CacheListing): boolean {
  if (!l.oldestCreatedAt || l.entries === 0) return false;
  return Date.parse(l.listedAt) - Date.parse(l.oldestCreatedAt) < THRASH_MS;
}

/** The limit a repository's usage is held against, and how it is known. */
export function effectiveLimit(info: Pick<ActionsCacheInfo, "limitBytes">): { bytes: number; assumed: boolean } {
  return info.limitBytes && info.limitBytes > 0 ? { bytes: info.limitBytes, assumed: false } : { bytes: DEFAULT_CACHE_LIMIT_BYTES, assumed: true };
}

/** The first `type=gha` cache spec of a repository's builds that workflows run: where the finding stands. */
function firstGhaSpec(m: RepoModel): { build: Build; spec: CacheSpec; count: number } | null {
  const found: Array<{ build: Build; spec: CacheSpec }> = [];
  for (const b of m.builds) {
    if (b.unseen) continue; // a bake file nobody runs writes no Actions cache
    for (const spec of [...b.cacheTo, ...b.cacheFrom]) if (spec.type === "gha") found.push({ build: b, spec });
  }
  if (found.length === 0) return null;
  // exports before imports, then by file and place, so the anchor does not move between scans
  const rank = (x: { build: Build; spec: CacheSpec }) => (x.build.cacheTo.includes(x.spec) ? 0 : 1);
  found.sort((a, b) => rank(a) - rank(b) || a.spec.span.path.localeCompare(b.spec.span.path) || a.spec.span.line - b.spec.span.line || a.spec.span.column - b.spec.span.column);
  return { ...found[0], count: new Set(found.map((f) => `${f.spec.span.path}:${f.spec.span.offset}`)).size };
}

/** Repositories (`org/name`) with builds that read or write `type=gha` cache: the ones whose entries are worth listing. */
export function reposWithGhaBuilds(models: RepoModel[]): Set<string> {
  return new Set(models.filter((m) => m.repo && firstGhaSpec(m)).map((m) => m.repo!));
}

function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 100) : 0;
}

/** What the listing says, in one or two sentences (shared with the repository page's wording). */
export function listingText(info: ActionsCacheInfo): string {
  const l = info.listing;
  if (!l) return info.listError ? ` Its entries could not be listed (${info.listError}), so BuildKit's share is not known.` : "";
  const share = `BuildKit's entries (\`buildkit-blob-*\`, \`index-*\`) hold ${formatBytes(l.buildkitBytes)} of it (${percent(l.buildkitBytes, l.bytes)} %, ${l.buildkitEntries} of ${l.entries} entries).`;
  if (!l.oldestCreatedAt) return ` ${share}`;
  const age = Date.parse(l.listedAt) - Date.parse(l.oldestCreatedAt);
  const thrash = thrashes(l)
    ? ` It thrashes: the oldest entry still present was created ${hoursText(age)} before it was listed, so entries are evicted within a day of being written and builds keep starting cold.`
    : ` The oldest entry still present is ${hoursText(age)} old: no sign of entries evicted within a day.`;
  return ` ${share}${thrash}`;
}

/**
 * Live check: repositories with `type=gha` builds whose Actions cache uses over 80 % of its limit. One
 * warning per repository, at its first `type=gha` cache export (or import) in a workflow it runs.
 */
export function checkActionsCache(models: RepoModel[], caches: ActionsCacheInfo[]): Finding[] {
  const byRepo = new Map(caches.map((c) => [c.repo.toLowerCase(), c]));
  const out: Finding[] = [];
  for (const m of models) {
    if (!m.repo) continue;
    const info = byRepo.get(m.repo.toLowerCase());
    if (!info) continue;
    const limit = effectiveLimit(info);
    if (info.usedBytes <= limit.bytes * NEAR_QUOTA_SHARE) continue;
    const at = firstGhaSpec(m);
    if (!at) continue;
    const limitText = limit.assumed
      ? `GitHub's default limit of ${formatBytes(limit.bytes)} (assumed: ${info.limitNote ?? "the repository's own limit was not read"})`
      : `its limit of ${formatBytes(limit.bytes)}`;
    const places = at.count > 1 ? ` (${at.count} places)` : "";
    const f: Finding = {
      ruleId: RULE_ID, severity: "warning", confidence: limit.assumed ? "medium" : "high",
      repo: m.repo, path: at.spec.span.path, line: at.spec.span.line, column: at.spec.span.column,
      ref: `actions-cache:${m.repo}`,
      key: "actions-cache",
      message:
        `The GitHub Actions cache of ${m.repo} holds ${formatBytes(info.usedBytes)} in ${info.activeCaches} entries: ` +
        `${percent(info.usedBytes, limit.bytes)} % of ${limitText}. Past the limit GitHub evicts the oldest entries, and the ` +
        `type=gha cache this repository's builds export and import${places} is thrown away with them.${listingText(info)}`,
      fix: { description: FIX_TEXT, diff: "" },
    };
    if (at.build.via?.length) f.via = at.build.via;
    out.push(f);
  }
  return out;
}
