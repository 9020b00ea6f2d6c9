/**
 * A second registry host for the fake server, shaped like Docker Hub: the registry API on one
 * listener, its token service on another (a separate realm, as auth.docker.io is to
 * registry-1.docker.io). Anonymous callers get pull tokens for public repositories; a private
 * repository (package.json `visibility: private`) needs a user and access token (Basic at the token
 * endpoint) or an identity token (POST grant_type=refresh_token); a token that does not grant the
 * repository gets 401 `insufficient_scope`, for unknown repositories too (Docker Hub does not say
 * which exist). Manifest GETs are pulls and counted per caller (HEADs are not, as on Docker Hub).
 * Content: the fixture's `registries/docker.io/<namespace>/<repo>/` folders, in the packages format.
 */
import { createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Fixture, FixturePackage } from "./fixture";
import { readBody, type Ctx, type ServerState } from "./http";
import { blob, manifest, methodNotAllowed, regError, regSend, tagsList } from "./registry";

export const HUB_HOST = "docker.io";
export const HUB_SERVICE = "registry.docker.io";

/** The fake Docker Hub's accounts: user → access token (the password at the token endpoint) and identity token. */
export const HUB_USERS: Record<string, { token: string; identityToken: string }> = {
  "acme-ci": { token: "dckr_pat_acmeDemoHubToken0123456789", identityToken: "dckr_idt_acmeDemoHubIdentity0123456789" },
};

export interface HubStats { requests: number; tokens: number; pulls: number; byRoute: Record<string, number> }

export interface FakeHub {
  /** the registry API (what `docker.io` maps to) */
  url: string;
  /** the token service (the realm its challenges name) */
  authUrl: string;
  stats(): HubStats;
  resetStats(): void;
  /** every request answered, oldest first, with whether it carried credentials (never the values) */
  requests(): Array<{ method: string; path: string; status: number; auth: "none" | "basic" | "bearer" }>;
  close(): Promise<void>;
}

interface Claims { sub: string | null; repos: string[]; exp: number }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFakeHub(opts: { fixture: () => Fixture; state: ServerState; latencyMs?: number; host?: string; pullLimit?: number }): Promise<FakeHub> {
  const secret = randomBytes(32);
  let stats: HubStats = { requests: 0, tokens: 0, pulls: 0, byRoute: {} };
  let log: ReturnType<FakeHub["requests"]> = [];
  const pullsBy = new Map<string, number>();
  const sign = (c: Omit<Claims, "exp">) => {
    const body = Buffer.from(JSON.stringify({ ...c, exp: Date.now() + 300_000 })).toString("base64url");
    return `dckr_jwt_${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
  };
  const verify = (token: string): Claims | null => {
    const m = /^dckr_jwt_([\w-]+)\.([\w-]+)$/.exec(token);
    if (!m || createHmac("sha256", secret).update(m[1]).digest("base64url") !== m[2]) return null;
    const c = JSON.parse(Buffer.from(m[1], "base64url").toString("utf8")) as Claims;
    return c.exp > Date.now() ? c : null;
  };
  const repos = (): Map<string, FixturePackage> => opts.fixture().registries.get(HUB_HOST) ?? new Map();
  let authBase = "";

  const ctxOf = (req: IncomingMessage, res: ServerResponse, url: URL): Ctx => ({
    req, res, url, base: `http://${req.headers.host ?? "127.0.0.1"}`, fixture: opts.fixture(), state: opts.state,
    identity: null, badToken: false, extraHeaders: {},
  });
  const count = (route: string) => {
    stats.requests++;
    stats.byRoute[route] = (stats.byRoute[route] ?? 0) + 1;
  };
  const logged = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const h = req.headers.authorization ?? "";
    const entry = { method: req.method ?? "GET", path: url.pathname + url.search, status: 0, auth: (/^basic /i.test(h) ? "basic" : /^bearer /i.test(h) ? "bearer" : "none") as "none" | "basic" | "bearer" };
    log.push(entry);
    res.once("finish", () => (entry.status = res.statusCode));
  };

  /** GET /token (Basic or anonymous) and POST /token (OAuth2 refresh_token grant). */
  const auth = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    logged(req, res, url);
    if (opts.latencyMs) await sleep(opts.latencyMs);
    const ctx = ctxOf(req, res, url);
    if (url.pathname !== "/token") return regSend(ctx, 404, { details: "not found" });
    count(`${req.method} /token`);
    let user: string | null = null;
    let params = url.searchParams;
    if (req.method === "POST") {
      params = new URLSearchParams(await readBody(req));
      if (params.get("grant_type") !== "refresh_token" || !params.get("client_id")) return regSend(ctx, 400, { details: "grant_type=refresh_token and client_id are required" });
      user = Object.entries(HUB_USERS).find(([, u]) => u.identityToken === params.get("refresh_token"))?.[0] ?? null;
      if (!user) return regSend(ctx, 401, { details: "invalid refresh token" });
    } else if (req.method === "GET") {
      const h = req.headers.authorization;
      if (h?.toLowerCase().startsWith("basic ")) {
        const decoded = Buffer.from(h.slice(6).trim(), "base64").toString("utf8");
        const name = decoded.slice(0, decoded.indexOf(":"));
        if (HUB_USERS[name]?.token !== decoded.slice(decoded.indexOf(":") + 1)) return regSend(ctx, 401, { details: "incorrect username or password" });
        user = name;
      }
    } else return methodNotAllowed(ctx);
    if (params.get("service") !== HUB_SERVICE) return regSend(ctx, 400, { details: `unknown service ${JSON.stringify(params.get("service") ?? "")}` });
    stats.tokens++;
    const granted: string[] = [];
    for (const scope of params.getAll("scope").flatMap((s) => s.split(" "))) {
      const m = /^repository:([^:]+):([a-z,*]+)$/.exec(scope);
      if (!m || !m[2].split(",").includes("pull")) continue;
      const repo = repos().get(m[1].toLowerCase());
      // Docker Hub hands a token to anyone; it just grants nothing it should not (nor says why)
      if (repo && (repo.visibility === "public" || user !== null)) granted.push(m[1].toLowerCase());
    }
    const token = sign({ sub: user, repos: granted });
    regSend(ctx, 200, { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() });
  };

  /** /v2/… of the registry listener. */
  const registry = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    logged(req, res, url);
    if (opts.latencyMs) await sleep(opts.latencyMs);
    const ctx = ctxOf(req, res, url);
    const bearer = /^bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const claims = bearer ? verify(bearer) : null;
    const challenge = (scope?: string) => ({
      "www-authenticate": `Bearer realm="${authBase}/token",service="${HUB_SERVICE}"${scope ? `,scope="${scope}"` : ""}${bearer !== undefined ? `,error="${claims ? "insufficient_scope" : "invalid_token"}"` : ""}`,
    });
    const p = url.pathname;
    const method = req.method ?? "GET";
    if (p === "/v2/" || p === "/v2") {
      count(`${method} /v2/`);
      return claims ? regSend(ctx, 200, {}) : regSend(ctx, 401, regError("UNAUTHORIZED", "authentication required", null), challenge());
    }
    const m = /^\/v2\/(.+?)\/(tags\/list|manifests\/([^/]+)|blobs\/([^/]+))$/.exec(p);
    if (!m) {
      count("other");
      return regSend(ctx, 404, regError("NOT_FOUND", "not found"));
    }
    const name = m[1].toLowerCase();
    const route = m[2] === "tags/list" ? "tags/list" : m[3] !== undefined ? "manifests" : "blobs";
    count(`${method} /v2/:name/${route}`);
    if (route === "tags/list" && method !== "GET") return methodNotAllowed(ctx);
    if (method !== "GET" && method !== "HEAD") return methodNotAllowed(ctx);
    if (!claims?.repos.includes(name)) {
      return regSend(ctx, 401, regError("UNAUTHORIZED", "authentication required", [{ Type: "repository", Class: "", Name: name, Action: "pull" }]), challenge(`repository:${name}:pull`));
    }
    const repo = repos().get(name)!;
    if (route === "tags/list") return tagsList(ctx, name, repo);
    if (route === "blobs") return blob(ctx, repo, decodeURIComponent(m[4]));
    if (method === "GET") {
      // a manifest GET is a pull on Docker Hub (HEAD is not): counted per caller, limited when asked
      const who = claims.sub ?? "anonymous";
      const used = (pullsBy.get(who) ?? 0) + 1;
      pullsBy.set(who, used);
      stats.pulls++;
      if (opts.pullLimit !== undefined && used > opts.pullLimit) {
        return regSend(ctx, 429, regError("TOOMANYREQUESTS", "You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit"));
      }
      if (opts.pullLimit !== undefined) res.setHeader("ratelimit-remaining", `${Math.max(opts.pullLimit - used, 0)};w=21600`);
    }
    if (opts.pullLimit !== undefined) res.setHeader("ratelimit-limit", `${opts.pullLimit};w=21600`);
    return manifest(ctx, name, repo, decodeURIComponent(m[3]));
  };

  const listen = (handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>) =>
    new Promise<Server>((resolve, reject) => {
      const s = createServer((req, res) => {
        handler(req, res).catch((e: unknown) => {
          if (res.headersSent) return void res.destroy();
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ message: `fake hub internal error: ${(e as Error).message}` }));
        });
      });
      s.keepAliveTimeout = 5_000;
      s.once("error", reject);
      s.listen(0, opts.host ?? "127.0.0.1", () => resolve(s));
    });
  const [regServer, authServer] = await Promise.all([listen(registry), listen(auth)]);
  const urlOf = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  authBase = urlOf(authServer);
  return {
    url: urlOf(regServer),
    authUrl: authBase,
    stats: () => structuredClone(stats),
    resetStats: () => {
      stats = { requests: 0, tokens: 0, pulls: 0, byRoute: {} };
      log = [];
      pullsBy.clear();
    },
    requests: () => log.map((e) => ({ ...e })),
    close: async () => {
      await Promise.all([regServer, authServer].map((s) => new Promise<void>((r) => {
        s.close(() => r());
        s.closeAllConnections();
      })));
    },
  };
}
