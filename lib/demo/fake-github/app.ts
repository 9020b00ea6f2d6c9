import type { components } from "@octokit/openapi-types";
import { createPublicKey, randomBytes, verify, type KeyObject } from "node:crypto";
import { stableId } from "./fixture";
import { notFound, paginate, readBody, send, sendError, type Ctx } from "./http";
import { isOrg } from "./rest-repos";
import { ownerJson, pullRepoJson } from "./shapes";

/**
 * A GitHub App installed on the fixture's organization, as GitHub serves one: the App authenticates
 * with an RS256 JWT its private key signs (verified here against the public key), and trades it at
 * `POST /app/installations/{id}/access_tokens` for an installation token (`ghs_…`, one hour by
 * default) that the org's REST and GraphQL accept until it expires. What such a token may not do
 * (the Packages API, GHCR's private packages) is refused the way GitHub refuses it.
 */
export interface FakeAppOptions {
  /** the App's id: the JWT's `iss` */
  id: number;
  slug: string;
  /** PEM of the App's RSA public key (the private key stays with the client) */
  publicKey: string;
  name?: string;
  /** the installation on the fixture's organization (default: derived from the app id and org) */
  installationId?: number;
  /** what the installation was granted (default DEFAULT_APP_PERMISSIONS) */
  permissions?: Record<string, "read" | "write">;
  /** how long an installation token lives (default one hour, as on GitHub); tests shorten it to see refreshes */
  tokenLifetimeMs?: number;
}

/**
 * What cacheguard's App asks for (README "GitHub App mode"). `packages: read` is granted too, to show
 * that it does not open the Packages REST API or GHCR's private packages to an installation token.
 */
export const DEFAULT_APP_PERMISSIONS: Record<string, "read" | "write"> = {
  metadata: "read", contents: "write", pull_requests: "write", workflows: "write", issues: "write",
  security_events: "write", members: "read", packages: "read",
  // the Actions cache: its entries (Actions) and the org's usage by repository (Organization administration)
  actions: "read", organization_administration: "read",
};

export interface InstallationGrant {
  /** which token of the server's life this is (1, 2, …): the request log names it, never the token */
  seq: number;
  installationId: number;
  permissions: Record<string, "read" | "write">;
  /** repositories the token was narrowed to (names, lower case), or null for the installation's all */
  repositories: Set<string> | null;
  expiresAt: number;
}

export interface AppState {
  opts: FakeAppOptions & { installationId: number; permissions: Record<string, "read" | "write">; tokenLifetimeMs: number };
  key: KeyObject;
  tokens: Map<string, InstallationGrant>;
  issued: number;
  /** every token issued, live or not (for tests that look for them where they must not be) */
  all: string[];
}

export function appState(opts: FakeAppOptions, org: string): AppState {
  let key: KeyObject;
  try {
    key = createPublicKey(opts.publicKey);
  } catch (e) {
    throw new Error(`the GitHub App's public key is not a PEM public key (${(e as Error).message})`);
  }
  if (key.asymmetricKeyType !== "rsa") throw new Error(`the GitHub App's key must be RSA (GitHub signs App JWTs with RS256), not ${key.asymmetricKeyType}`);
  return {
    opts: {
      ...opts,
      installationId: opts.installationId ?? stableId(org, "installation", String(opts.id)),
      permissions: opts.permissions ?? DEFAULT_APP_PERMISSIONS,
      tokenLifetimeMs: opts.tokenLifetimeMs ?? 3_600_000,
    },
    key,
    tokens: new Map(),
    issued: 0,
    all: [],
  };
}

// GitHub's answers to a JWT it will not take (401, documentation_url https://docs.github.com/rest)
export const JWT_UNDECODABLE = "A JSON web token could not be decoded";
export const JWT_EXPIRED = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
export const JWT_TOO_LONG = "'Expiration time' claim ('exp') is too far in the future";
export const JWT_IAT = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";

/** GitHub allows an App JWT at most ten minutes of life; it forgives a little clock drift on `iat`. */
const MAX_JWT_LIFE_S = 600;
const CLOCK_DRIFT_S = 60;

function part(s: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Why GitHub would refuse this App JWT, or null when it is good: RS256, signed by the App's key, `iss` its id, alive, ≤ 10 minutes. */
export function jwtProblem(app: AppState, jwt: string, nowMs = Date.now()): string | null {
  const parts = jwt.split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return JWT_UNDECODABLE;
  const header = part(parts[0]);
  const claims = part(parts[1]);
  if (!header || !claims || header.alg !== "RS256") return JWT_UNDECODABLE;
  // GitHub finds the App by `iss` (its id, or its client id), then checks the signature with that App's keys
  if (String(claims.iss) !== String(app.opts.id)) return JWT_UNDECODABLE;
  const signed = verify("sha256", Buffer.from(`${parts[0]}.${parts[1]}`), app.key, Buffer.from(parts[2], "base64url"));
  if (!signed) return JWT_UNDECODABLE;
  const now = Math.floor(nowMs / 1000);
  const { iat, exp } = claims;
  if (typeof iat !== "number" || !Number.isInteger(iat) || iat > now + CLOCK_DRIFT_S) return JWT_IAT;
  if (typeof exp !== "number" || !Number.isInteger(exp) || exp <= now) return JWT_EXPIRED;
  if (exp - iat > MAX_JWT_LIFE_S || exp > now + MAX_JWT_LIFE_S + CLOCK_DRIFT_S) return JWT_TOO_LONG;
  return null;
}

/** The live grant of an installation token, or null (unknown, or expired: GitHub then answers 401 Bad credentials). */
export function installationGrant(app: AppState | null, token: string, nowMs = Date.now()): InstallationGrant | null {
  const g = app?.tokens.get(token);
  if (!g) return null;
  if (g.expiresAt <= nowMs) {
    app!.tokens.delete(token);
    return null;
  }
  return g;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const FIXTURE_TIME = "2024-01-15T10:00:00Z";
const EVENTS = ["pull_request", "push", "registry_package", "repository"];

type Schemas = components["schemas"];

function appJson(ctx: Ctx, app: AppState): Schemas["integration"] {
  const o = app.opts;
  return {
    id: o.id,
    slug: o.slug,
    node_id: `A_${o.id}`,
    client_id: `Iv23${String(o.id).padStart(16, "0")}`,
    owner: ownerJson(ctx.base, ctx.fixture),
    name: o.name ?? o.slug,
    description: "Finds BuildKit caches that overwrite image tags",
    external_url: "https://cacheguard.example.com",
    html_url: `https://github.com/apps/${o.slug}`,
    created_at: FIXTURE_TIME,
    updated_at: FIXTURE_TIME,
    permissions: o.permissions,
    events: EVENTS,
    installations_count: 1,
  };
}

function installationJson(ctx: Ctx, app: AppState): Schemas["installation"] {
  const o = app.opts;
  const org = ctx.fixture.org;
  return {
    id: o.installationId,
    // GitHub's description of the installations list types `account` as allOf simple-user and
    // enterprise: the org's account carries enterprise's name, slug and dates too, so it is both
    account: { ...ownerJson(ctx.base, ctx.fixture), name: org.name ?? org.login, slug: org.login, created_at: FIXTURE_TIME, updated_at: FIXTURE_TIME },
    repository_selection: "all",
    access_tokens_url: `${ctx.base}/app/installations/${o.installationId}/access_tokens`,
    repositories_url: `${ctx.base}/installation/repositories`,
    html_url: `https://github.com/organizations/${org.login}/settings/installations/${o.installationId}`,
    app_id: o.id,
    client_id: `Iv23${String(o.id).padStart(16, "0")}`,
    target_id: org.id,
    target_type: "Organization",
    permissions: o.permissions,
    events: EVENTS,
    created_at: FIXTURE_TIME,
    updated_at: FIXTURE_TIME,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    app_slug: o.slug,
    suspended_by: null,
    suspended_at: null,
  };
}

const DOCS = {
  app: "https://docs.github.com/rest/apps/apps#get-the-authenticated-app",
  list: "https://docs.github.com/rest/apps/apps#list-installations-for-the-authenticated-app",
  get: "https://docs.github.com/rest/apps/apps#get-an-installation-for-the-authenticated-app",
  org: "https://docs.github.com/rest/apps/apps#get-an-organization-installation-for-the-authenticated-app",
  token: "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app",
};

/** The App these JWT routes serve (the server has checked the JWT before calling them). */
const appOf = (ctx: Ctx): AppState => ctx.state.app!;

export function getApp(ctx: Ctx): void {
  send(ctx, 200, appJson(ctx, appOf(ctx)));
}

export function listInstallations(ctx: Ctx): void {
  const { page, link } = paginate(ctx, [installationJson(ctx, appOf(ctx))]);
  send(ctx, 200, page, link);
}

export function getInstallation(ctx: Ctx, [id]: string[]): void {
  const app = appOf(ctx);
  if (Number(id) !== app.opts.installationId) return notFound(ctx, DOCS.get);
  send(ctx, 200, installationJson(ctx, app));
}

export function getOrgInstallation(ctx: Ctx, [org]: string[]): void {
  if (!isOrg(ctx, org)) return notFound(ctx, DOCS.org);
  send(ctx, 200, installationJson(ctx, appOf(ctx)));
}

const LEVEL = { read: 1, write: 2 } as const;

/**
 * POST /app/installations/{id}/access_tokens: a `ghs_` token with the installation's permissions
 * (or the subset asked for), for all its repositories (or the ones named), for `tokenLifetimeMs`.
 */
export async function createAccessToken(ctx: Ctx, [id]: string[]): Promise<void> {
  const app = appOf(ctx);
  if (Number(id) !== app.opts.installationId) return notFound(ctx, DOCS.token);
  const text = ctx.body ?? (await readBody(ctx.req));
  let body: Record<string, unknown> = {};
  if (text.trim()) {
    try {
      const v = JSON.parse(text) as unknown;
      if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error("not an object");
      body = v as Record<string, unknown>;
    } catch {
      return sendError(ctx, 400, "Problems parsing JSON", DOCS.token);
    }
  }
  let permissions = app.opts.permissions;
  if (body.permissions !== undefined) {
    const asked = body.permissions as Record<string, unknown>;
    if (!asked || typeof asked !== "object" || Array.isArray(asked)) return sendError(ctx, 422, "Invalid request.\n\nFor 'properties/permissions', is not an object.", DOCS.token);
    const granted: Record<string, "read" | "write"> = {};
    for (const [name, level] of Object.entries(asked)) {
      const have = app.opts.permissions[name];
      if ((level !== "read" && level !== "write") || !have || LEVEL[have] < LEVEL[level]) {
        return sendError(ctx, 422, "The permissions requested are not granted to this installation.", DOCS.token);
      }
      granted[name] = level;
    }
    permissions = granted;
  }
  let repositories: Set<string> | null = null;
  const names = body.repositories;
  const ids = body.repository_ids;
  if (names !== undefined || ids !== undefined) {
    repositories = new Set();
    const repos = [...ctx.fixture.repos.values()];
    for (const n of Array.isArray(names) ? names : names === undefined ? [] : [null]) {
      const r = typeof n === "string" ? repos.find((x) => x.name.toLowerCase() === n.toLowerCase()) : undefined;
      if (!r) return sendError(ctx, 422, "There is at least one repository that does not exist or is not accessible to the parent installation.", DOCS.token);
      repositories.add(r.name.toLowerCase());
    }
    for (const n of Array.isArray(ids) ? ids : ids === undefined ? [] : [null]) {
      const r = typeof n === "number" ? repos.find((x) => x.id === n) : undefined;
      if (!r) return sendError(ctx, 422, "There is at least one repository that does not exist or is not accessible to the parent installation.", DOCS.token);
      repositories.add(r.name.toLowerCase());
    }
  }
  const token = `ghs_${randomBytes(27).toString("base64url").replace(/[-_]/g, "0").slice(0, 36)}`;
  const expiresAt = Date.now() + app.opts.tokenLifetimeMs;
  app.tokens.set(token, { seq: ++app.issued, installationId: app.opts.installationId, permissions, repositories, expiresAt });
  app.all.push(token);
  const out: Schemas["installation-token"] = {
    token,
    expires_at: iso(expiresAt),
    permissions,
    repository_selection: repositories ? "selected" : "all",
  };
  send(ctx, 201, repositories
    ? { ...out, repositories: [...ctx.fixture.repos.values()].filter((r) => repositories.has(r.name.toLowerCase())).map((r) => pullRepoJson(ctx.base, ctx.fixture, r)) }
    : out);
}

/** The installation's grant of `permission` at `level` or above. */
export function granted(grant: InstallationGrant, permission: string, level: "read" | "write" = "read"): boolean {
  const have = grant.permissions[permission];
  return !!have && LEVEL[have] >= LEVEL[level];
}
