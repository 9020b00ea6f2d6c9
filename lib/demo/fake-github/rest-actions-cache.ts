/**
 * GitHub Actions cache routes, as api.github.com answers them (REST description `actions/*cache*`):
 * the org's usage by repository (`read:org`; an App: Organization administration), a repository's
 * cache list (`repo`; an App: Actions) and its cache storage limit (the description names the
 * `admin:repository` scope; an App: Administration). Entries come from the fixture
 * (actions-cache-fixture.ts), dated relative to now.
 */
import type { components, operations } from "@octokit/openapi-types";
import type { FixtureCacheEntry } from "./actions-cache-fixture";
import type { FixtureRepo } from "./fixture";
import { hasPermission, hasScope, isMember, notAccessibleByIntegration, notFound, paginate, send, sendError, type Ctx } from "./http";
import { findRepo, isOrg } from "./rest-repos";

type Schemas = components["schemas"];
type UsageByRepo = operations["actions/get-actions-cache-usage-by-repo-for-org"]["responses"]["200"]["content"]["application/json"];

const USAGE_DOCS = "https://docs.github.com/rest/actions/cache#list-repositories-with-github-actions-cache-usage-for-an-organization";
const LIST_DOCS = "https://docs.github.com/rest/actions/cache#list-github-actions-caches-for-a-repository";
const LIMIT_DOCS = "https://docs.github.com/rest/actions/cache#get-github-actions-cache-storage-limit-for-a-repository";

/** A classic token without the scope the route takes: 403, naming the scope in X-Accepted-OAuth-Scopes as GitHub does. */
function missingScope(ctx: Ctx, scope: string, docs: string): void {
  ctx.extraHeaders["x-accepted-oauth-scopes"] = scope;
  sendError(ctx, 403, "Resource not accessible by personal access token", docs);
}

/** Who may call a route: signed in, and the App permission or classic scope it takes. */
function allowed(ctx: Ctx, docs: string, permission: string, scope: string): boolean {
  if (!ctx.identity) {
    sendError(ctx, 401, "Requires authentication", docs);
    return false;
  }
  if (ctx.identity.installation) {
    if (hasPermission(ctx.identity, permission)) return true;
    notAccessibleByIntegration(ctx, docs);
    return false;
  }
  if (hasScope(ctx.identity, scope)) return true;
  missingScope(ctx, scope, docs);
  return false;
}

const iso = (agoMs: number, now: number) => new Date(now - agoMs).toISOString();

/** GET /orgs/{org}/actions/cache/usage-by-repository: repositories with active caches, by full name. */
export function listCacheUsageByRepo(ctx: Ctx, [org]: string[]): void {
  if (!isOrg(ctx, org)) return notFound(ctx, USAGE_DOCS);
  if (!allowed(ctx, USAGE_DOCS, "organization_administration", "read:org")) return;
  // the org's own data: members read it, others are told there is nothing there
  if (!ctx.identity!.installation && !isMember(ctx.fixture, ctx.identity!.user.login, ctx.state)) return notFound(ctx, USAGE_DOCS);
  const repos = [...ctx.fixture.repos.values()].filter((r) => r.actionsCache.entries.length > 0).sort((a, b) => a.name.localeCompare(b.name));
  const { page, link } = paginate(ctx, repos);
  const body: UsageByRepo = {
    total_count: repos.length,
    repository_cache_usages: page.map((r): Schemas["actions-cache-usage-by-repository"] => ({
      full_name: `${ctx.fixture.org.login}/${r.name}`,
      active_caches_size_in_bytes: r.actionsCache.bytes,
      active_caches_count: r.actionsCache.entries.length,
    })),
  };
  send(ctx, 200, body, link);
}

type SortKey = "created_at" | "last_accessed_at" | "size_in_bytes";
const SORTS: Record<SortKey, (e: FixtureCacheEntry) => number> = {
  // older first when ascending: a larger age is an earlier date
  created_at: (e) => -e.createdAgoMs,
  last_accessed_at: (e) => -e.accessedAgoMs,
  size_in_bytes: (e) => e.sizeInBytes,
};

function visibleRepo(ctx: Ctx, owner: string, name: string, docs: string): FixtureRepo | null {
  const repo = findRepo(ctx, owner, name);
  if (!repo) notFound(ctx, docs);
  return repo;
}

/** GET /repos/{owner}/{repo}/actions/caches: key prefix, ref, sort (default last_accessed_at) and direction (default desc). */
export function listRepoCaches(ctx: Ctx, [owner, name]: string[]): void {
  if (!allowed(ctx, LIST_DOCS, "actions", "repo")) return;
  const repo = visibleRepo(ctx, owner, name, LIST_DOCS);
  if (!repo) return;
  const q = ctx.url.searchParams;
  const key = q.get("key");
  const ref = q.get("ref");
  const sortParam = q.get("sort");
  const sort: SortKey = sortParam && sortParam in SORTS ? (sortParam as SortKey) : "last_accessed_at";
  const asc = q.get("direction") === "asc";
  const entries = repo.actionsCache.entries
    .filter((e) => (!key || e.key.startsWith(key)) && (!ref || e.ref === ref))
    .sort((a, b) => (asc ? 1 : -1) * (SORTS[sort](a) - SORTS[sort](b)) || a.id - b.id);
  const { page, link } = paginate(ctx, entries);
  const now = Date.now();
  const body: Schemas["actions-cache-list"] = {
    total_count: entries.length,
    actions_caches: page.map((e) => ({
      id: e.id, ref: e.ref, key: e.key, version: e.version,
      last_accessed_at: iso(e.accessedAgoMs, now), created_at: iso(e.createdAgoMs, now), size_in_bytes: e.sizeInBytes,
    })),
  };
  send(ctx, 200, body, link);
}

/** GET /repos/{owner}/{repo}/actions/cache/storage-limit: `{}` while the repository sets no limit of its own. */
export function getRepoCacheStorageLimit(ctx: Ctx, [owner, name]: string[]): void {
  if (!ctx.identity) return sendError(ctx, 401, "Requires authentication", LIMIT_DOCS);
  const repo = visibleRepo(ctx, owner, name, LIMIT_DOCS);
  if (!repo) return;
  if (ctx.identity.installation ? !hasPermission(ctx.identity, "administration") : !hasScope(ctx.identity, "admin:repository")) {
    if (ctx.identity.installation) return notAccessibleByIntegration(ctx, LIMIT_DOCS);
    ctx.extraHeaders["x-accepted-oauth-scopes"] = "admin:repository";
    return sendError(ctx, 403, "Must have admin rights to Repository.", LIMIT_DOCS);
  }
  const body: Schemas["actions-cache-storage-limit-for-repository"] = repo.actionsCache.storageLimitGb === null ? {} : { max_cache_size_gb: repo.actionsCache.storageLimitGb };
  send(ctx, 200, body);
}
