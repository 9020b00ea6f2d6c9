import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { appState, installationGrant, jwtProblem, JWT_UNDECODABLE, type FakeAppOptions } from "./app";
import { FaultInjector, type FaultOptions, type FaultStats } from "./faults";
import { FixtureStore, type ReloadMode } from "./fixture-store";
import { GitWrites } from "./git-writes";
import { lookupToken, parseToken, readBody, send, sendError, type Ctx, type FakeAuth, type FakeRequest, type ServerState } from "./http";
import { readRegistryToken } from "./registry-token";
import { peek, rateLimitedBody, setHeaders, spend } from "./rate-limit";
import type { SarifUpload } from "./rest-code-scanning";
import { matchRoute } from "./routes";
import { buildWebhook, deliverWebhook, type Delivery, type WebhookRequest, type WebhookTarget } from "./webhooks";

export interface FakeGitHubOptions {
  /** fixture folder (org.json, repos/, packages/, optional tokens.json) */
  fixture: string;
  /** 0 picks a free port */
  port?: number;
  host?: string;
  /** delay added before every response, to model a real network */
  latencyMs?: number;
  /** requests per window for each caller and resource (core, graphql); default GitHub's 5000 (60 anonymous) */
  rateLimit?: number;
  /** length of a rate-limit window; default one hour */
  rateLimitWindowMs?: number;
  /** injected failures on REST, GraphQL and registry requests (never on /__stats or OAuth) */
  faults?: FaultOptions;
  /**
   * the largest page lists serve, whatever the client asks: REST `per_page` (GitHub: 100) and
   * registry tags/list `n` (default: all tags). Lower them to page through a small fixture.
   */
  maxPerPage?: number;
  maxTagsPerPage?: number;
  /**
   * "auto" (default): fixture edits are picked up by themselves (a stat walk per request on small
   * fixtures). "manual": only reload() / POST /__reload re-read the fixture; no per-request cost.
   */
  reload?: ReloadMode;
  /** where `deliverWebhook` POSTs (an organization hook: URL and secret) */
  webhooks?: WebhookTarget;
  /**
   * a GitHub App installed on the organization: `GET /app`, `/app/installations[/{id}]`,
   * `/orgs/{org}/installation` and `POST /app/installations/{id}/access_tokens` with its RS256 JWT,
   * and the `ghs_` installation tokens they issue accepted by the org's REST and GraphQL until they expire
   */
  app?: FakeAppOptions;
}

export type { FakeAppOptions, FakeAuth, FakeRequest };

export interface FakeStats { rest: number; graphql: number; registry: number; oauth: number; byRoute: Record<string, number>; faults: FaultStats }

export interface FakeGitHub {
  url: string;
  port: number;
  close(): Promise<void>;
  stats(): FakeStats;
  resetStats(): void;
  /** reload the fixture now (it also reloads by itself when files change) */
  reload(): void;
  /** the SARIF uploads code scanning accepted (POST /repos/{o}/{r}/code-scanning/sarifs), oldest first */
  sarifUploads(): SarifUpload[];
  /** deliver one webhook about the fixture, as GitHub would, to `target` or the configured hook */
  deliverWebhook(req: WebhookRequest, target?: WebhookTarget): Promise<Delivery>;
  /** the requests answered since the start or the last resetStats(), oldest first, with how each was authenticated */
  requests(): FakeRequest[];
  /** the installed App (null without one) */
  app: { id: number; slug: string; installationId: number } | null;
  /** every installation token the App was issued, in order (test hook: to look for them where they must not be) */
  installationTokens(): string[];
}

function queryText(body: string): string | undefined {
  try {
    const q = (JSON.parse(body) as { query?: unknown }).query;
    return typeof q === "string" ? q : undefined;
  } catch {
    return undefined;
  }
}

const emptyStats = () => ({ rest: 0, graphql: 0, registry: 0, oauth: 0, byRoute: {} as Record<string, number> });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The log keeps the latest requests of a long-lived server (the demo's), not all of them. */
const LOG_MAX = 200_000;

/** How a registry request was authenticated: a GitHub token as the /token password, or a registry bearer token. */
function registryAuth(ctx: Ctx): FakeAuth {
  const h = ctx.req.headers.authorization ?? "";
  const basic = /^basic\s+(\S+)$/i.exec(h);
  const bearer = /^bearer\s+(\S+)$/i.exec(h);
  if (basic) {
    const decoded = Buffer.from(basic[1], "base64").toString("utf8");
    const password = decoded.slice(decoded.indexOf(":") + 1);
    const user = lookupToken(ctx.fixture, ctx.state, password);
    if (user) return { kind: "token", login: user.login };
    const grant = installationGrant(ctx.state.app, password);
    return grant ? { kind: "installation", installationId: grant.installationId, token: grant.seq } : { kind: "refused" };
  }
  if (bearer) {
    const claims = readRegistryToken(bearer[1]);
    if (claims) return { kind: "registry-token", login: claims.sub };
    const user = lookupToken(ctx.fixture, ctx.state, bearer[1]);
    return user ? { kind: "token", login: user.login } : { kind: "refused" };
  }
  return { kind: "none" };
}

export async function startFakeGitHub(opts: FakeGitHubOptions): Promise<FakeGitHub> {
  const store = new FixtureStore(opts.fixture, opts.reload ?? "auto");
  const app = opts.app ? appState(opts.app, store.get().org.login) : null;
  const state: ServerState = {
    stats: emptyStats(),
    rateLimit: { limit: opts.rateLimit ?? null, windowMs: opts.rateLimitWindowMs ?? 3_600_000, windows: new Map() },
    oauthCodes: new Map(),
    oauthTokens: new Map(),
    pages: { maxPerPage: opts.maxPerPage ?? 100, maxTagsPerPage: opts.maxTagsPerPage ?? null },
    removedMembers: new Set(),
    writes: new GitWrites(),
    app,
    log: [],
    sarifs: [],
  };
  const faults = new FaultInjector(opts.faults ?? { rate: 0, kinds: ["500"] });
  const snapshot = (): FakeStats => ({ ...structuredClone(state.stats), faults: structuredClone(faults.stats) });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const base = `http://${req.headers.host ?? "127.0.0.1"}`;
    const url = new URL(req.url ?? "/", base);
    // GitHub Enterprise Server serves REST under /api/v3: accept that prefix too.
    const path = url.pathname.startsWith("/api/v3/") ? url.pathname.slice(7) : url.pathname;
    const method = req.method ?? "GET";
    if (path === "/__stats" && method === "GET") {
      res.writeHead(200, { "content-type": "application/json" });
      return void res.end(JSON.stringify(snapshot()));
    }
    if (path === "/__stats/reset" && method === "POST") {
      state.log = [];
      state.stats = emptyStats();
      faults.stats.injected = 0;
      faults.stats.byKind = {};
      res.writeHead(204);
      return void res.end();
    }
    if (path === "/__reload" && method === "POST") {
      // For a process that edits the fixture and cannot wait for the file watcher (benchmarks).
      store.reload();
      res.writeHead(204);
      return void res.end();
    }
    const entry: FakeRequest = { method, path: path + url.search, route: null, kind: null, status: 0, auth: { kind: "none" } };
    if (state.log.length >= LOG_MAX) state.log.splice(0, LOG_MAX / 10);
    state.log.push(entry);
    res.once("finish", () => (entry.status = res.statusCode));
    if (opts.latencyMs) await sleep(opts.latencyMs);
    const ctx: Ctx = { req, res, url, base, fixture: state.writes.apply(store.get()), state, identity: null, badToken: false, extraHeaders: { "x-github-media-type": "github.v3; format=json" } };
    const match = matchRoute(method, path);
    if (!match) return sendError(ctx, 404, "Not Found");
    const { route, params } = match;
    entry.route = route.name;
    entry.kind = route.kind;
    state.stats[route.kind]++;
    state.stats.byRoute[route.name] = (state.stats.byRoute[route.name] ?? 0) + 1;
    if (route.kind !== "oauth") {
      // a fault aimed at one GraphQL query (e.g. only the repository listing) needs the query text first
      if (route.kind === "graphql" && faults.needsQuery) ctx.body = await readBody(req);
      const query = ctx.body === undefined ? undefined : queryText(ctx.body);
      const fault = faults.pick({ route: route.name, method, path: path + url.search, ...(query !== undefined ? { query } : {}) });
      if (fault && faults.apply(fault, res)) return;
    }
    if (route.kind === "registry") entry.auth = registryAuth(ctx);
    if (route.kind === "registry" || route.kind === "oauth") return route.handle(ctx, params);

    const token = parseToken(req.headers.authorization);
    if (route.auth === "app") {
      // the App's own routes take its JWT and nothing else (a server with no App knows no JWT)
      const problem = !state.app || !token ? JWT_UNDECODABLE : jwtProblem(state.app, token);
      if (problem) {
        entry.auth = { kind: "refused" };
        setHeaders(ctx, peek(ctx, "core"));
        return sendError(ctx, 401, problem);
      }
      ctx.appCaller = state.app!.opts.id;
      entry.auth = { kind: "app-jwt", appId: state.app!.opts.id };
    } else if (token) {
      const grant = installationGrant(state.app, token);
      const user = grant ? { login: `${state.app!.opts.slug}[bot]`, scopes: [], member: false } : lookupToken(ctx.fixture, state, token);
      if (!user) {
        // an unknown token, or an installation token past its expires_at
        entry.auth = { kind: "refused" };
        setHeaders(ctx, peek(ctx, route.kind === "graphql" ? "graphql" : "core"));
        return sendError(ctx, 401, "Bad credentials");
      }
      ctx.identity = { token, user, ...(grant ? { installation: grant } : {}) };
      entry.auth = grant ? { kind: "installation", installationId: grant.installationId, token: grant.seq } : { kind: "token", login: user.login };
      // installation tokens have permissions, not OAuth scopes: GitHub sends no scope headers for them
      if (!grant) {
        ctx.extraHeaders["x-oauth-scopes"] = user.scopes.join(", ");
        ctx.extraHeaders["x-accepted-oauth-scopes"] = "";
      }
    }
    if (route.kind === "rest" && route.spends !== false && !spend(ctx, "core")) {
      const w = ctx.extraHeaders;
      const retry = Math.max(Number(w["x-ratelimit-reset"]) - Math.floor(Date.now() / 1000), 1);
      return send(ctx, 403, rateLimitedBody(ctx), { "retry-after": String(retry) });
    }
    if (route.kind === "rest" && route.spends === false) spend(ctx, "core", 0);
    await route.handle(ctx, params);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: `fake-github internal error: ${(e as Error).message}` }));
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats: snapshot,
    requests: () => state.log.map((e) => ({ ...e, auth: { ...e.auth } })),
    app: app ? { id: app.opts.id, slug: app.opts.slug, installationId: app.opts.installationId } : null,
    installationTokens: () => [...(app?.all ?? [])],
    resetStats: () => {
      state.log = [];
      state.stats = emptyStats();
      faults.stats.injected = 0;
      faults.stats.byKind = {};
    },
    reload: () => store.reload(),
    sarifUploads: () => [...state.sarifs],
    deliverWebhook: (req, target = opts.webhooks) => {
      if (!target) return Promise.reject(new Error("no webhook URL configured (FakeGitHubOptions.webhooks)"));
      return deliverWebhook(target, store.get(), buildWebhook(`http://127.0.0.1:${port}`, store.get(), req));
    },
    close: () =>
      new Promise<void>((resolve) => {
        store.close();
        faults.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
