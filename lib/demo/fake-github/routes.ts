import { getRepoCacheStorageLimit, listCacheUsageByRepo, listRepoCaches } from "./rest-actions-cache";
import { createAccessToken, getApp, getInstallation, getOrgInstallation, listInstallations } from "./app";
import { handleGraphQL } from "./graphql-route";
import type { Ctx } from "./http";
import { accessToken, authorize } from "./oauth";
import { deletePackageVersion } from "./package-deletions";
import { handleRegistry, methodNotAllowed, tokenEndpoint } from "./registry";
import { getPackage, listPackages, listPackageVersions } from "./rest-packages";
import { listPropertyDefinitions, listPropertyValues } from "./rest-properties";
import { createBlob, createCommit, createRef, createTree, getCommit, getRef, updateRef } from "./rest-git";
import { getSarif, uploadSarif } from "./rest-code-scanning";
import { createComment, createIssue, createLabel, getIssue, getLabel, listComments, listIssues, updateIssue } from "./rest-issues";
import { createPull, getPull, listPulls, mergePull, updatePull } from "./rest-pulls";
import { getBlob, getContents, getOrg, getRepo, getTree, listOrgRepos } from "./rest-repos";
import { checkMember, removeMember, getRateLimit, getUser, getUserByLogin, listUserOrgs } from "./rest-users";

export type Kind = "rest" | "graphql" | "registry" | "oauth";
export interface Route {
  method: string;
  /** the route's name in /__stats byRoute */
  name: string;
  pattern: RegExp;
  kind: Kind;
  /** REST routes spend from the core rate limit except GET /rate_limit, like GitHub */
  spends?: boolean;
  /** "app": authenticated as the GitHub App itself, with its JWT (a server with no App takes none) */
  auth?: "app";
  handle: (ctx: Ctx, params: string[]) => void | Promise<void>;
}

const seg = "([^/]+)";
const rest = (name: string, pattern: RegExp, handle: Route["handle"], spends = true): Route => ({ method: "GET", name: `GET ${name}`, pattern, kind: "rest", spends, handle });
const write = (method: string, name: string, pattern: RegExp, handle: Route["handle"]): Route => ({ method, name: `${method} ${name}`, pattern, kind: "rest", handle });
const repo = (tail: string) => new RegExp(`^/repos/${seg}/${seg}${tail}$`);

const asApp = (r: Route): Route => ({ ...r, auth: "app" });

export const routes: Route[] = [
  asApp(rest("/app", /^\/app$/, getApp)),
  asApp(rest("/app/installations", /^\/app\/installations$/, listInstallations)),
  asApp(rest("/app/installations/:installation_id", /^\/app\/installations\/(\d+)$/, getInstallation)),
  asApp(write("POST", "/app/installations/:installation_id/access_tokens", /^\/app\/installations\/(\d+)\/access_tokens$/, createAccessToken)),
  asApp(rest("/orgs/:org/installation", new RegExp(`^/orgs/${seg}/installation$`), getOrgInstallation)),
  rest("/orgs/:org", new RegExp(`^/orgs/${seg}$`), getOrg),
  rest("/orgs/:org/repos", new RegExp(`^/orgs/${seg}/repos$`), listOrgRepos),
  rest("/orgs/:org/packages", new RegExp(`^/orgs/${seg}/packages$`), listPackages),
  rest("/orgs/:org/packages/:type/:name", new RegExp(`^/orgs/${seg}/packages/${seg}/${seg}$`), getPackage),
  rest("/orgs/:org/packages/:type/:name/versions", new RegExp(`^/orgs/${seg}/packages/${seg}/${seg}/versions$`), listPackageVersions),
  rest("/orgs/:org/properties/schema", new RegExp(`^/orgs/${seg}/properties/schema$`), listPropertyDefinitions),
  rest("/orgs/:org/properties/values", new RegExp(`^/orgs/${seg}/properties/values$`), listPropertyValues),
  rest("/orgs/:org/actions/cache/usage-by-repository", new RegExp(`^/orgs/${seg}/actions/cache/usage-by-repository$`), listCacheUsageByRepo),
  write("DELETE", "/orgs/:org/packages/:type/:name/versions/:id", new RegExp(`^/orgs/${seg}/packages/${seg}/${seg}/versions/${seg}$`), deletePackageVersion),
  rest("/orgs/:org/members/:user", new RegExp(`^/orgs/${seg}/members/${seg}$`), checkMember),
  { ...rest("/orgs/:org/members/:user", new RegExp(`^/orgs/${seg}/members/${seg}$`), removeMember), method: "DELETE", name: "DELETE /orgs/:org/members/:user" },
  rest("/repos/:owner/:repo", new RegExp(`^/repos/${seg}/${seg}$`), getRepo),
  rest("/repos/:owner/:repo/contents/:path", new RegExp(`^/repos/${seg}/${seg}/contents(?:/(.*))?$`), getContents),
  rest("/repos/:owner/:repo/git/trees/:ref", new RegExp(`^/repos/${seg}/${seg}/git/trees/(.+)$`), getTree),
  rest("/repos/:owner/:repo/git/blobs/:sha", new RegExp(`^/repos/${seg}/${seg}/git/blobs/${seg}$`), getBlob),
  rest("/repos/:owner/:repo/git/ref/:ref", repo("/git/ref/(.+)"), getRef),
  rest("/repos/:owner/:repo/git/commits/:sha", repo(`/git/commits/${seg}`), getCommit),
  write("POST", "/repos/:owner/:repo/git/blobs", repo("/git/blobs"), createBlob),
  write("POST", "/repos/:owner/:repo/git/trees", repo("/git/trees"), createTree),
  write("POST", "/repos/:owner/:repo/git/commits", repo("/git/commits"), createCommit),
  write("POST", "/repos/:owner/:repo/git/refs", repo("/git/refs"), createRef),
  write("PATCH", "/repos/:owner/:repo/git/refs/:ref", repo("/git/refs/(.+)"), updateRef),
  rest("/repos/:owner/:repo/pulls", repo("/pulls"), listPulls),
  write("POST", "/repos/:owner/:repo/pulls", repo("/pulls"), createPull),
  rest("/repos/:owner/:repo/pulls/:number", repo("/pulls/(\\d+)"), getPull),
  write("PATCH", "/repos/:owner/:repo/pulls/:number", repo("/pulls/(\\d+)"), updatePull),
  write("PUT", "/repos/:owner/:repo/pulls/:number/merge", repo("/pulls/(\\d+)/merge"), mergePull),
  rest("/repos/:owner/:repo/issues", repo("/issues"), listIssues),
  write("POST", "/repos/:owner/:repo/issues", repo("/issues"), createIssue),
  rest("/repos/:owner/:repo/issues/:number", repo("/issues/(\\d+)"), getIssue),
  write("PATCH", "/repos/:owner/:repo/issues/:number", repo("/issues/(\\d+)"), updateIssue),
  rest("/repos/:owner/:repo/issues/:number/comments", repo("/issues/(\\d+)/comments"), listComments),
  write("POST", "/repos/:owner/:repo/issues/:number/comments", repo("/issues/(\\d+)/comments"), createComment),
  write("POST", "/repos/:owner/:repo/labels", repo("/labels"), createLabel),
  rest("/repos/:owner/:repo/labels/:name", repo(`/labels/${seg}`), getLabel),
  write("POST", "/repos/:owner/:repo/code-scanning/sarifs", repo("/code-scanning/sarifs"), uploadSarif),
  rest("/repos/:owner/:repo/actions/caches", repo("/actions/caches"), listRepoCaches),
  rest("/repos/:owner/:repo/actions/cache/storage-limit", repo("/actions/cache/storage-limit"), getRepoCacheStorageLimit),
  rest("/repos/:owner/:repo/code-scanning/sarifs/:sarif_id", repo(`/code-scanning/sarifs/${seg}`), getSarif),
  rest("/user", /^\/user$/, getUser),
  rest("/user/orgs", /^\/user\/orgs$/, listUserOrgs),
  rest("/users/:login", new RegExp(`^/users/${seg}$`), getUserByLogin),
  rest("/rate_limit", /^\/rate_limit$/, getRateLimit, false),
  { method: "POST", name: "POST /graphql", pattern: /^\/(?:api\/)?graphql$/, kind: "graphql", handle: handleGraphQL },
  { method: "GET", name: "GET /token", pattern: /^\/token$/, kind: "registry", handle: tokenEndpoint },
  { method: "GET", name: "GET /v2/", pattern: /^\/v2\/?$/, kind: "registry", handle: handleRegistry },
  { method: "GET", name: "GET /v2/:name/tags/list", pattern: /^\/v2\/.+\/tags\/list$/, kind: "registry", handle: handleRegistry },
  { method: "HEAD", name: "HEAD /v2/:name/tags/list", pattern: /^\/v2\/.+\/tags\/list$/, kind: "registry", handle: methodNotAllowed },
  { method: "GET", name: "GET /v2/:name/manifests/:ref", pattern: /^\/v2\/.+\/manifests\/[^/]+$/, kind: "registry", handle: handleRegistry },
  { method: "HEAD", name: "HEAD /v2/:name/manifests/:ref", pattern: /^\/v2\/.+\/manifests\/[^/]+$/, kind: "registry", handle: handleRegistry },
  { method: "GET", name: "GET /v2/:name/blobs/:digest", pattern: /^\/v2\/.+\/blobs\/[^/]+$/, kind: "registry", handle: handleRegistry },
  { method: "HEAD", name: "HEAD /v2/:name/blobs/:digest", pattern: /^\/v2\/.+\/blobs\/[^/]+$/, kind: "registry", handle: handleRegistry },
  { method: "GET", name: "GET /login/oauth/authorize", pattern: /^\/login\/oauth\/authorize$/, kind: "oauth", handle: authorize },
  { method: "POST", name: "POST /login/oauth/access_token", pattern: /^\/login\/oauth\/access_token$/, kind: "oauth", handle: accessToken },
];

export function matchRoute(method: string, path: string): { route: Route; params: string[] } | null {
  for (const route of routes) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (m) return { route, params: m.slice(1).map((p) => p ?? "") };
  }
  return null;
}
