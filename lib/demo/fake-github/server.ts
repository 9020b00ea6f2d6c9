import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { appState, installationGrant, jwtProblem, JWT_UNDECODABLE, type FakeAppOptions } from "./app";
import { FaultInjector, type FaultOptions, type FaultStats } from "./faults";
import { FixtureStore, type ReloadMode } from "./fixture-store";
import { commitToDefault, GitWrites } from "./git-writes";
import { lookupToken, parseToken, readBody, send, sendError, type Ctx, type FakeAuth, type FakeRequest, type ServerState } from "./http";
import { readRegistryToken } from "./registry-token";
import { type FakeHub, startFakeHub } from "./hub";
import { peek, rateLimitedBody, setHeaders, spend } from "./rate-limit";
import type { SarifUpload } from "./rest-code-scanning";
import { withPackageDeletions } from "./package-deletions";
import { matchRoute } from "./routes";
import { buildWebhook, deliverWebhook, type Delivery, type PushRequest, type PushResult, type RepoChangeRequest, WEBHOOK_EVENTS, type WebhookEvent, type WebhookRequest, type WebhookTarget } from "./webhooks";

export type { PushRequest, PushResult, RepoChangeRequest } from "./webhooks";

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
  /** the fake Docker Hub's pull limit per caller (manifest GETs; HEADs are free, as on Docker Hub); default none */
  hubPullLimit?: number;
}

export type { FakeAppOptions, FakeAuth, FakeRequest };

export interface FakeStats { rest: number; graphql: number; registry: number; oauth: number; byRoute: Record<string, number>; faults: FaultStats; hub?: ReturnType<FakeHub["stats"]> }

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
  /**
   * Commit files to a repository's default branch (in memory: the head sha changes, the fixture
   * folder is not written) and deliver the `push` GitHub sends for it (ref, before, after, and the
   * commit's added/modified/removed paths). Also `POST /_fake/push`.
   */
  push(req: PushRequest, target?: WebhookTarget): Promise<PushResult>;
  /**
   * Rename, archive, unarchive or delete a repository as an org admin would (in memory) and deliver
   * the `repository` event. Also `POST /_fake/repos/{repo}`.
   */
  changeRepo(req: RepoChangeRequest, target?: WebhookTarget): Promise<Delivery>;
  /** where deliveries go when no target is given (the org hook); settable once the receiver is known */
  setWebhookTarget(target: WebhookTarget | undefined): void;
  /**
   * A second registry host, Docker Hub-style (lib/demo/fake-github/hub.ts): scans map `docker.io` to
   * `hub.url` (CACHEGUARD_REGISTRY_URLS, ScanConfig.registries.urls); its content is `registries/docker.io/`.
   */
  hub: FakeHub;
}

function queryText(body: string): string | undefined {
  try {
    const q = (JSON.parse(body) as { query?: unknown }).query;
    return typeof q === "string" ? q : undefined;
  } catch {
    return undefined;
  }
}

class FakeControlError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
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
    packageDeletions: new Map(),
  };
  const faults = new FaultInjector(opts.faults ?? { rate: 0, kinds: ["500"] });
  let hub: FakeHub | null = null;
  const snapshot = (): FakeStats => ({ ...structuredClone(state.stats), faults: structuredClone(faults.stats), ...(hub ? { hub: hub.stats() } : {}) });
  let hookTarget = opts.webhooks;
  let base = "http://127.0.0.1";
  const served = () => withPackageDeletions(state.writes.apply(store.get()), state.packageDeletions);
  const servedRepo = (name: string) => {
    const r = served().repos.get(name);
    if (!r) throw new FakeControlError(404, `no repository ${name} in the fixture`);
    return r;
  };
  const targetOf = (target: WebhookTarget | undefined) => {
    const t = target ?? hookTarget;
    if (!t) throw new FakeControlError(409, "no webhook URL configured (FakeGitHubOptions.webhooks)");
    return t;
  };
  const deliver = (req: WebhookRequest, target?: WebhookTarget) => {
    const t = targetOf(target);
    const fx = served();
    return deliverWebhook(t, fx, buildWebhook(base, fx, req));
  };
  const push = async (req: PushRequest, target?: WebhookTarget): Promise<PushResult> => {
    const t = targetOf(target);
    const r = servedRepo(req.repo);
    const message = req.message ?? `Update ${Object.keys(req.files).join(", ")}`;
    const timestamp = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace(".000Z", "Z");
    const changed = commitToDefault(state.writes, r, req.files, message, timestamp);
    const after = servedRepo(req.repo).git!.head.oid;
    const delivery = await deliver({ event: "push", repo: req.repo, push: { ...changed, after, message, timestamp } }, t);
    return { delivery, after, ...changed };
  };
  const changeRepo = async (req: RepoChangeRequest, target?: WebhookTarget): Promise<Delivery> => {
    const t = targetOf(target);
    const r = servedRepo(req.repo);
    if (req.action === "deleted") {
      // the payload describes the repository as it was
      const hook = buildWebhook(base, served(), { event: "repository", action: "deleted", repo: r.name });
      state.writes.changeRepo(r.name, { deleted: true });
      return deliverWebhook(t, served(), hook);
    }
    if (req.action === "renamed") {
      if (!req.to || !/^[A-Za-z0-9._-]{1,100}$/.test(req.to)) throw new FakeControlError(422, "renamed needs `to`, a repository name");
      if (served().repos.has(req.to)) throw new FakeControlError(422, `a repository ${req.to} exists already`);
      state.writes.changeRepo(r.name, { name: req.to });
      return deliver({ event: "repository", action: "renamed", repo: req.to, from: r.name }, t);
    }
    state.writes.changeRepo(r.name, { archived: req.action === "archived" });
    return deliver({ event: "repository", action: req.action, repo: r.name }, t);
  };

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
      hub?.resetStats();
      res.writeHead(204);
      return void res.end();
    }
    if (path === "/__reload" && method === "POST") {
      // For a process that edits the fixture and cannot wait for the file watcher (benchmarks).
      store.reload();
      res.writeHead(204);
      return void res.end();
    }
    if (path.startsWith("/_fake/")) return control(req, res, path, method);
    const entry: FakeRequest = { method, path: path + url.search, route: null, kind: null, status: 0, auth: { kind: "none" } };
    if (state.log.length >= LOG_MAX) state.log.splice(0, LOG_MAX / 10);
    state.log.push(entry);
    res.once("finish", () => (entry.status = res.statusCode));
    if (opts.latencyMs) await sleep(opts.latencyMs);
    const ctx: Ctx = { req, res, url, base, fixture: served(), state, identity: null, badToken: false, extraHeaders: { "x-github-media-type": "github.v3; format=json" } };
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

  /**
   * Control routes for tests and the demo, outside GitHub's path space (never probed as GitHub's):
   * POST /_fake/push {repo, files, message?}, POST /_fake/repos/{repo} {action, to?},
   * POST /_fake/webhooks {event, repo?, package?, tag?, action?, from?}. Each delivers to the org hook.
   */
  const control = async (req: IncomingMessage, res: ServerResponse, path: string, method: string): Promise<void> => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (method !== "POST") return answer(405, { message: "POST only" });
    let body: Record<string, unknown>;
    try {
      const v = JSON.parse(await readBody(req)) as unknown;
      if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error("not an object");
      body = v as Record<string, unknown>;
    } catch {
      return answer(400, { message: "send a JSON object" });
    }
    const str = (k: string) => (typeof body[k] === "string" ? (body[k] as string) : undefined);
    try {
      if (path === "/_fake/push") {
        const files = body.files;
        if (!str("repo") || !files || typeof files !== "object" || Object.values(files).some((v) => v !== null && typeof v !== "string")) {
          return answer(422, { message: "push needs {repo, files: {path: text | null}}" });
        }
        const out = await push({ repo: str("repo")!, files: files as Record<string, string | null>, message: str("message") });
        return answer(200, out);
      }
      const m = /^\/_fake\/repos\/([^/]+)$/.exec(path);
      if (m) {
        const action = str("action");
        if (action !== "renamed" && action !== "archived" && action !== "unarchived" && action !== "deleted") {
          return answer(422, { message: "action is one of renamed, archived, unarchived, deleted" });
        }
        return answer(200, { delivery: await changeRepo({ repo: decodeURIComponent(m[1]), action, to: str("to") }) });
      }
      if (path === "/_fake/webhooks") {
        const event = str("event");
        if (!event || !(WEBHOOK_EVENTS as readonly string[]).includes(event)) return answer(422, { message: `event is one of ${WEBHOOK_EVENTS.join(", ")}` });
        const request: WebhookRequest = { event: event as WebhookEvent, repo: str("repo"), package: str("package"), tag: str("tag"), action: str("action"), from: str("from") };
        return answer(200, { delivery: await deliver(request) });
      }
      return answer(404, { message: `no control route ${path}` });
    } catch (e) {
      if (e instanceof FakeControlError) return answer(e.status, { message: e.message });
      return answer(502, { message: `delivery failed: ${(e as Error).message}` });
    }
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
  base = `http://127.0.0.1:${port}`;
  const theHub = await startFakeHub({ fixture: served, state, latencyMs: opts.latencyMs, host: opts.host, pullLimit: opts.hubPullLimit });
  hub = theHub;
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
      theHub.resetStats();
    },
    reload: () => store.reload(),
    sarifUploads: () => [...state.sarifs],
    deliverWebhook: async (req, target) => deliver(req, target),
    push,
    changeRepo,
    setWebhookTarget: (target) => {
      hookTarget = target;
    },
    hub: theHub,
    close: async () => {
      await theHub.close();
      await new Promise<void>((resolve) => {
        store.close();
        faults.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
