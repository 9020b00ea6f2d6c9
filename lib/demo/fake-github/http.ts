import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppState, InstallationGrant } from "./app";
import type { Fixture, TokenUser } from "./fixture";
import type { GitWrites } from "./git-writes";
import type { SarifUpload } from "./rest-code-scanning";

export const DOCS = "https://docs.github.com/rest";

/** Who made a request: a personal/OAuth token's user, or a GitHub App installation (its token's grant). */
export interface Identity { token: string; user: TokenUser; installation?: InstallationGrant }

/** How a request was authenticated, as the request log tells it (never the token itself). */
export type FakeAuth =
  | { kind: "none" }
  | { kind: "token"; login: string }
  | { kind: "installation"; installationId: number; token: number }
  | { kind: "app-jwt"; appId: number }
  | { kind: "registry-token"; login: string | null }
  | { kind: "refused" };

/** One request the fake answered (the test hooks /__stats, /__reload are not logged). */
export interface FakeRequest { method: string; path: string; route: string | null; kind: string | null; status: number; auth: FakeAuth }

/** Mutable server state shared by all routes (stats, rate-limit windows, OAuth grants). */
export interface ServerState {
  stats: { rest: number; graphql: number; registry: number; oauth: number; byRoute: Record<string, number> };
  rateLimit: { limit: number | null; windowMs: number; windows: Map<string, { used: number; resetAt: number }> };
  oauthCodes: Map<string, { login: string; scopes: string[]; clientId: string }>;
  oauthTokens: Map<string, TokenUser>;
  /** the largest page a list serves: REST per_page, registry tags/list n (null: no limit) */
  pages: { maxPerPage: number; maxTagsPerPage: number | null };
  /** members removed with DELETE /orgs/{org}/members/{username} since the server started */
  removedMembers: Set<string>;
  /** branches, commits, pull requests, issues and merges made through the API (memory only) */
  writes: GitWrites;
  /** the GitHub App installed on the org, when the server was started with one */
  app: AppState | null;
  /** every request answered since the start (or the last stats reset) */
  log: FakeRequest[];
  /** SARIF uploads accepted by POST /repos/{o}/{r}/code-scanning/sarifs, oldest first */
  sarifs: SarifUpload[];
  /** package versions deleted with DELETE /orgs/{org}/packages/container/{name}/versions/{id}: package -> digests (memory only) */
  packageDeletions: Map<string, Set<string>>;
}

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** absolute base URL as the client addressed us, for links in bodies and headers */
  base: string;
  fixture: Fixture;
  state: ServerState;
  identity: Identity | null;
  /** set when the Authorization header names an unknown token */
  badToken: boolean;
  /** rate-limit headers to add on every API response */
  extraHeaders: Record<string, string>;
  /** the request body, when the server had to read it before the route (a fault aimed at a GraphQL query) */
  body?: string;
  /** set on the /app routes once their JWT checked out: rate limits count per App */
  appCaller?: number;
}

export function send(ctx: Ctx, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  ctx.res.writeHead(status, {
    ...ctx.extraHeaders,
    ...(text ? { "content-type": "application/json; charset=utf-8", "content-length": String(Buffer.byteLength(text)) } : {}),
    ...headers,
  });
  ctx.res.end(text);
}

export function sendError(ctx: Ctx, status: number, message: string, docs = DOCS, headers: Record<string, string> = {}): void {
  send(ctx, status, { message, documentation_url: docs, status: String(status) }, headers);
}

export function notFound(ctx: Ctx, docs = DOCS): void {
  sendError(ctx, 404, "Not Found", docs);
}

export function parseToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^(?:bearer|token)\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}

/** GitHub's 403 to an installation token asking for what its App may not do. */
export function notAccessibleByIntegration(ctx: Ctx, docs: string): void {
  sendError(ctx, 403, "Resource not accessible by integration", docs);
}

export function lookupToken(fixture: Fixture, state: ServerState, token: string): TokenUser | null {
  // hasOwn: a token spelled "constructor" must not find Object.prototype's.
  return (Object.hasOwn(fixture.tokens, token) ? fixture.tokens[token] : undefined) ?? state.oauthTokens.get(token) ?? null;
}

export function isMember(fixture: Fixture, login: string, state?: Pick<ServerState, "removedMembers">): boolean {
  if (state?.removedMembers.has(login.toLowerCase())) return false;
  if (fixture.org.members?.includes(login)) return true;
  return Object.values(fixture.tokens).some((u) => u.login === login && u.member === true);
}

/**
 * An installation token has no OAuth scopes: what it may do is its App's permissions. The scopes the
 * routes ask for map to them; `read:packages` maps to nothing, since the Packages REST API and GHCR's
 * private packages take no installation token (GitHub: "a personal access token (classic)").
 */
const PERMISSION_OF_SCOPE: Record<string, [string, "read" | "write"] | null> = {
  repo: ["contents", "read"],
  workflow: ["workflows", "write"],
  "read:org": ["members", "read"],
  "admin:org": ["members", "write"],
  "read:packages": null,
};

export function hasPermission(identity: Identity | null, permission: string, level: "read" | "write" = "read"): boolean {
  const have = identity?.installation?.permissions[permission];
  return !!have && (level === "read" || have === "write");
}

export function hasScope(identity: Identity | null, scope: string): boolean {
  if (!identity) return false;
  if (identity.installation) {
    const p = PERMISSION_OF_SCOPE[scope];
    return !!p && hasPermission(identity, p[0], p[1]);
  }
  const scopes = identity.user.scopes;
  // GitHub's scope hierarchy: a broader scope implies the narrower ones.
  const implied: Record<string, string[]> = {
    "read:org": ["admin:org", "write:org"],
    "read:packages": ["write:packages", "delete:packages"],
    // `repo` holds public_repo and security_events (code scanning) among its sub-scopes
    public_repo: ["repo"],
    security_events: ["repo"],
    repo: [],
  };
  return scopes.includes(scope) || (implied[scope] ?? []).some((s) => scopes.includes(s));
}

/** Pagination for REST lists: page/per_page in, a page of items and a Link header out. */
export function paginate<T>(ctx: Ctx, items: T[], opts: { defaultPerPage?: number; maxPerPage?: number } = {}): { page: T[]; link: Record<string, string> } {
  const max = Math.min(opts.maxPerPage ?? 100, ctx.state.pages.maxPerPage);
  const perPage = Math.min(Math.max(Number(ctx.url.searchParams.get("per_page")) || (opts.defaultPerPage ?? 30), 1), max);
  const page = Math.max(Number(ctx.url.searchParams.get("page")) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const linkFor = (p: number) => {
    const u = new URL(ctx.url.pathname + ctx.url.search, ctx.base);
    u.searchParams.set("per_page", String(perPage));
    u.searchParams.set("page", String(p));
    return `<${u.toString()}>`;
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`${linkFor(page - 1)}; rel="prev"`);
  if (page < last) rels.push(`${linkFor(page + 1)}; rel="next"`, `${linkFor(last)}; rel="last"`);
  if (page > 1) rels.push(`${linkFor(1)}; rel="first"`);
  return { page: slice, link: rels.length ? { link: rels.join(", ") } : {} };
}

export async function readBody(req: IncomingMessage, limit = 1_000_000): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export const isoNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
