import { Octokit as RestOctokit } from "@octokit/rest";
import { throttling } from "@octokit/plugin-throttling";
import { retry } from "@octokit/plugin-retry";
import { GraphqlResponseError } from "@octokit/graphql";
import { type AppAuthOptions, type AppCredentials, createAppCredentials } from "./app-auth";
import { bindLimiter, createLimiter, limiterFor, type Limiter } from "./limiter";
import { redact, registerSecret } from "./redact";
import { GitHubError, IncompleteError, rateLimitWaitMs, toGitHubError, type ErrorContext } from "./errors";

const GitHubOctokit = RestOctokit.plugin(throttling, retry);
export type Octokit = InstanceType<typeof GitHubOctokit>;

export interface GitHubConfig {
  apiUrl: string;
  token?: string;
  /** a GitHub App installation instead of a token (installation id found on `app.org` when absent) */
  app?: AppAuthOptions;
  /** requests in flight at once, REST + GraphQL + registry (default 4) */
  maxConcurrency?: number;
  /** longest rate-limit wait the scan accepts before giving up (default 60 s) */
  maxRateLimitWaitMs?: number;
  /** rate-limit retries per request (default 3) */
  maxRateLimitRetries?: number;
  /** base of the 5xx backoff (default 1000 ms: waits 1 s, 4 s, 9 s); tests set it low */
  retryBaseMs?: number;
  /** pause between GraphQL requests (default 0; the throttling plugin's own default is 1 s) */
  graphqlMinIntervalMs?: number;
  /** where warnings go (already redacted); default console.warn */
  warn?: (message: string) => void;
  /** a shared limiter, e.g. to include the registry client's calls (created when absent) */
  limiter?: Limiter;
  fetch?: typeof fetch;
}

export interface RequestStats {
  rest: number;
  graphql: number;
  registry: number;
  /** rate-limit waits the governor accepted, and their total (ms) */
  rateLimitWaits?: number;
  rateLimitWaitedMs?: number;
}

export interface GraphqlErrorItem {
  type?: string;
  message: string;
  path?: Array<string | number>;
}

export interface GitHubClient {
  octokit: Octokit;
  graphql<T>(query: string, vars?: Record<string, unknown>): Promise<T>;
  /** like graphql, but GraphQL-level errors (e.g. one aliased repo NOT_FOUND) come back with the partial data */
  graphqlPartial<T>(query: string, vars?: Record<string, unknown>, opts?: { retries?: number }): Promise<{ data: T | null; errors: GraphqlErrorItem[] }>;
  stats: RequestStats;
  limiter: Limiter;
  /** the configuration without its secrets (token, App key) */
  config: Readonly<Omit<GitHubConfig, "token" | "app">> & { auth: "token" | "app" | "none" };
  /**
   * Make sure the credentials work before the first request: a GitHub App finds its installation and
   * gets its first installation token (a refusal throws a GitHubError that says what to fix).
   */
  ready(): Promise<void>;
  /** how requests are authenticated; an App's installation once ready() found it */
  authInfo(): { kind: "token" | "app" | "none"; appId?: string; installationId?: number };
  /** map any thrown value to a user-facing GitHubError (token-free) */
  error(err: unknown, ctx?: ErrorContext): GitHubError;
}

export function newStats(): RequestStats {
  return { rest: 0, graphql: 0, registry: 0, rateLimitWaits: 0, rateLimitWaitedMs: 0 };
}

/** GraphQL endpoint for a REST base URL (github.com, GHES /api/v3, or anything else such as the fake server). */
export function graphqlUrlFor(apiUrl: string): string {
  const base = apiUrl.replace(/\/+$/, "");
  if (/^https?:\/\/api\.github\.com$/i.test(base)) return "https://api.github.com/graphql";
  if (/\/api\/v3$/i.test(base)) return base.replace(/\/api\/v3$/i, "/api/graphql");
  return `${base}/graphql`;
}

let clientSeq = 0;

/** How often a GraphQL answer that came back cut short is asked for again. */
const INCOMPLETE_ANSWER_RETRIES = 2;

export function createGitHub(config: GitHubConfig, stats: RequestStats = newStats()): GitHubClient {
  const maxWait = config.maxRateLimitWaitMs ?? 60_000;
  const maxRetries = config.maxRateLimitRetries ?? 3;
  const limiter = config.limiter ?? limiterFor(stats) ?? createLimiter(config.maxConcurrency ?? 4);
  bindLimiter(stats, limiter);
  const baseFetch = config.fetch ?? globalThis.fetch;
  const apiUrl = config.apiUrl.replace(/\/+$/, "");
  const graphqlUrl = graphqlUrlFor(apiUrl);
  const warn = (m: string) => (config.warn ?? ((s: string) => console.warn(s)))(redact(m, [config.token]));
  registerSecret(config.token);
  if (config.app) registerSecret(config.app.privateKey);
  stats.rateLimitWaits ??= 0;
  stats.rateLimitWaitedMs ??= 0;

  // A GitHub App's token exchanges are counted like any request but do not wait for a limiter slot:
  // they run while requests hold their slots waiting for the token.
  const app: AppCredentials | null = config.app
    ? createAppCredentials({
      ...config.app, apiUrl,
      fetch: async (input, init) => {
        stats.rest++;
        return wholeBody(await baseFetch(input, init), (init?.method ?? "GET").toUpperCase());
      },
    })
    : null;
  let installationId: number | undefined;
  /** why the App could not get a token, for the error the failed request maps to */
  let appFailure: GitHubError | null = null;

  // Counting and limiting at the fetch level sees every HTTP request, retries and
  // App token exchanges included, and holds a slot only while a request is on the wire
  // (not while the throttling plugin sleeps before a retry).
  // The body is read here, whole, before Octokit sees it: Octokit turns a body cut short into ""
  // (an empty list, an answer without data); a failed read here is a network error it retries.
  // An App's installation token is set here, once the request has its slot, right before it is
  // sent: a request that waited in the queue never carries a token that expired meanwhile.
  const countingFetch: typeof fetch = (input, init) =>
    limiter.run(async () => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      const method = (init?.method ?? "GET").toUpperCase();
      const path = url.split("?")[0];
      if (app) {
        const headers = new Headers(init?.headers);
        if (!headers.has("authorization")) {
          try {
            headers.set("authorization", `token ${await app.token()}`);
            appFailure = null;
          } catch (e) {
            // answered as GitHub would answer a request without valid credentials: a 401 Octokit does not retry
            appFailure = e instanceof GitHubError ? e : new GitHubError("auth", redact(e instanceof Error ? e.message : String(e)), 401);
            return new Response(JSON.stringify({ message: appFailure.message }), { status: 401, headers: { "content-type": "application/json; charset=utf-8" } });
          }
          init = { ...init, headers };
        }
      }
      if (method === "POST" && (path === graphqlUrl || /\/graphql$/.test(path))) stats.graphql++;
      else stats.rest++;
      return wholeBody(await baseFetch(input, init), method);
    });

  // One governor for the whole scan: retry while the wait is acceptable, at most maxRetries times.
  const governor = (kind: string) => (retryAfterSec: number, options: { method?: string; url?: string }, _o: unknown, retryCount: number) => {
    const waitMs = retryAfterSec * 1000;
    const what = `${options.method ?? "GET"} ${options.url ?? ""}`;
    if (retryCount >= maxRetries || waitMs > maxWait) {
      warn(`GitHub ${kind} rate limit on ${what}: a ${Math.ceil(waitMs / 1000)} s wait is not acceptable (limit ${Math.ceil(maxWait / 1000)} s, retry ${retryCount + 1}/${maxRetries}); giving up`);
      return false;
    }
    stats.rateLimitWaits = (stats.rateLimitWaits ?? 0) + 1;
    stats.rateLimitWaitedMs = (stats.rateLimitWaitedMs ?? 0) + waitMs;
    warn(`GitHub ${kind} rate limit on ${what}: waiting ${Math.ceil(waitMs / 1000)} s before retry ${retryCount + 1}/${maxRetries}`);
    return true;
  };

  const auth = config.token && !app ? { auth: config.token } : {};

  const octokit: Octokit = new GitHubOctokit({
    ...auth,
    baseUrl: apiUrl,
    userAgent: "cacheguard",
    request: { fetch: countingFetch },
    // request-log reports every failed request at error level; callers get the mapped error instead
    log: { debug: () => {}, info: () => {}, warn: (m: string) => warn(String(m)), error: () => {} },
    throttle: {
      id: `cacheguard-${++clientSeq}`,
      onRateLimit: governor("primary"),
      onSecondaryRateLimit: governor("secondary"),
      // The plugin paces GraphQL like writes (1 s apart); our queries are reads, so the pace is configurable.
      write: pacedGroup(config.graphqlMinIntervalMs ?? 0) as never,
    },
    retry: {
      // 429 is left to the throttling governor so a refused wait is not retried behind its back
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
      retries: 3,
      retryAfterBaseValue: config.retryBaseMs ?? 1000,
    },
  });

  const mapError = (err: unknown, ctx?: ErrorContext) => {
    // a request the App could not get a token for fails with the reason, not as "bad credentials"
    if (appFailure && (err as { status?: number } | null)?.status === 401) return appFailure;
    return toGitHubError(err, ctx, maxWait);
  };

  const graphqlPartial = async <T>(query: string, vars: Record<string, unknown> = {}, opts: { retries?: number } = {}) => {
    // @octokit/graphql derives the same URL as graphqlUrlFor (GHES /api/v3 -> /api/graphql)
    const request = opts.retries !== undefined ? { request: { retries: opts.retries } } : {};
    try {
      // A body cut short parses to nothing: that is a transport fault, not "no data". Ask again
      // (bounded); if it stays broken, report it as a network error so batches can split.
      for (let attempt = 0; ; attempt++) {
        const data = await octokit.graphql<T>(query, { ...vars, ...request });
        if (data !== null && typeof data === "object") return { data, errors: [] as GraphqlErrorItem[] };
        if (attempt >= INCOMPLETE_ANSWER_RETRIES) throw new IncompleteError("GitHub sent an incomplete GraphQL answer (the response was cut short)");
        await new Promise((r) => setTimeout(r, (config.retryBaseMs ?? 500) * 2 ** attempt));
      }
    } catch (err) {
      if (err instanceof GraphqlResponseError) {
        const errors = (err.errors ?? []) as GraphqlErrorItem[];
        // a rate limit or a failure of the whole query is not a partial answer
        if (errors.some((x) => x.type === "RATE_LIMITED" || x.type === "INSUFFICIENT_SCOPES") || err.data == null) {
          throw mapError(Object.assign(err, { status: 200, headers: err.headers }));
        }
        return { data: (err.data ?? null) as T | null, errors };
      }
      throw err;
    }
  };

  return {
    octokit,
    stats,
    limiter,
    config: (({ token: _t, app: _a, ...rest }) => ({ ...rest, auth: config.app ? "app" : config.token ? "token" : "none" }) as const)(config),
    async ready() {
      if (!app) return;
      installationId = await app.installationId();
      await app.token();
    },
    authInfo: () => (app ? { kind: "app", appId: app.appId, ...(installationId !== undefined ? { installationId } : {}) } : { kind: config.token ? "token" : "none" }),
    error: mapError,
    graphqlPartial,
    async graphql<T>(query: string, vars?: Record<string, unknown>): Promise<T> {
      const { data, errors } = await graphqlPartial<T>(query, vars);
      if (errors.length > 0 || data == null) {
        throw mapError({ status: 200, errors, message: errors.map((x) => x.message).join("; ") });
      }
      return data;
    },
  };
}

/**
 * The response with its body read completely: a read that fails (the connection dropped mid-body) or
 * comes up short of Content-Length rejects like a failed fetch, so Octokit reports and retries it as
 * a network error. (Content-Length counts encoded bytes: compared only for an unencoded body.)
 */
async function wholeBody(res: Response, method: string): Promise<Response> {
  if (method === "HEAD" || res.status === 204 || res.status === 304 || !res.body) return res;
  let bytes: ArrayBuffer;
  try {
    bytes = await res.arrayBuffer();
  } catch (err) {
    throw new TypeError("fetch failed", { cause: new Error(`GitHub's answer was cut short (${(err as Error).message || String(err)})`) });
  }
  const len = res.headers.get("content-length");
  const enc = (res.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (len && /^\d+$/.test(len) && enc === "identity" && bytes.byteLength !== Number(len)) {
    throw new TypeError("fetch failed", { cause: new Error(`GitHub's answer was cut short (${bytes.byteLength} of ${len} bytes)`) });
  }
  const whole = new Response(bytes, { status: res.status, statusText: res.statusText, headers: res.headers });
  Object.defineProperty(whole, "url", { value: res.url });
  return whole;
}

/**
 * Run a read again while it throws IncompleteError (a bounded number of times, with backoff), then
 * let the IncompleteError through: the caller's phase reports it.
 */
export async function untilComplete<T>(gh: Pick<GitHubClient, "config">, read: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      if (!(err instanceof IncompleteError) || attempt >= INCOMPLETE_ANSWER_RETRIES) throw err;
      await new Promise((r) => setTimeout(r, (gh.config.retryBaseMs ?? 500) * 2 ** attempt));
    }
  }
}

/** A minimal stand-in for the Bottleneck.Group the throttling plugin schedules GraphQL through. */
function pacedGroup(minIntervalMs: number) {
  let next = 0;
  const limiter = {
    async schedule<R>(...args: unknown[]): Promise<R> {
      const fnIndex = typeof args[0] === "function" ? 0 : 1;
      const fn = args[fnIndex] as (...a: unknown[]) => Promise<R> | R;
      if (minIntervalMs > 0) {
        const now = Date.now();
        const at = Math.max(now, next);
        next = at + minIntervalMs;
        if (at > now) await new Promise((r) => setTimeout(r, at - now));
      }
      return fn(...args.slice(fnIndex + 1));
    },
  };
  return { key: () => limiter };
}

export { rateLimitWaitMs };
