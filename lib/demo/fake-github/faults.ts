import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { z } from "zod";

/** Injected failures for resilience tests (issue 5): what GitHub and GHCR do on a bad day. */
export const FAULT_KINDS = ["500", "502", "429", "403-secondary", "404", "timeout", "truncated", "disconnect", "wrong-page-count"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const faultKindsSchema = z
  .string()
  .transform((s) => s.split(",").map((k) => k.trim()).filter(Boolean))
  .pipe(z.array(z.enum(FAULT_KINDS)).min(1));

/**
 * Which requests may fail: a route name as `/__stats` `byRoute` spells it (`GET /orgs/:org/packages`),
 * a RegExp tested against `METHOD /path?query`, or both plus, for GraphQL, a RegExp tested against the
 * query text (`{ route: "POST /graphql", query: /\brepositories\(/ }`: only the repository listing).
 */
export type FaultMatch = string | RegExp | { route?: string | RegExp; query?: RegExp };

export interface FaultOptions {
  /** probability in [0, 1] that a matching API request (REST, GraphQL, registry) fails */
  rate: number;
  kinds: FaultKind[];
  /** same seed, same sequence of faults for the same sequence of requests */
  seed?: number;
  /** how long a `timeout` fault holds the request before dropping the connection; default 30 s */
  timeoutMs?: number;
  /** only these requests fail (default: every REST, GraphQL and registry request) */
  match?: FaultMatch;
  /** at most this many faults in all (default: no limit), e.g. one fault that a retry must heal */
  max?: number;
}

export interface FaultStats { injected: number; byKind: Partial<Record<FaultKind, number>> }

/** What a request is, for FaultMatch. `query` is the GraphQL query text when the server read it. */
export interface FaultRequest { route: string; method: string; path: string; query?: string }

/** mulberry32: tiny, seedable, good enough to pick faults reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SECONDARY = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.";

function routeMatches(m: string | RegExp | undefined, req: FaultRequest): boolean {
  if (m === undefined) return true;
  if (typeof m === "string") return m === req.route;
  m.lastIndex = 0;
  return m.test(`${req.method} ${req.path}`);
}

export class FaultInjector {
  private readonly random: () => number;
  readonly stats: FaultStats = { injected: 0, byKind: {} };
  private readonly held = new Set<ServerResponse>();

  constructor(private readonly opts: FaultOptions) {
    this.random = prng(opts.seed ?? 1);
  }

  /** The server must read a GraphQL body before `pick` when the match looks at the query text. */
  get needsQuery(): boolean {
    const m = this.opts.match;
    return this.opts.rate > 0 && typeof m === "object" && !(m instanceof RegExp) && m.query !== undefined;
  }

  matches(req: FaultRequest): boolean {
    const m = this.opts.match;
    if (m === undefined || typeof m === "string" || m instanceof RegExp) return routeMatches(m, req);
    if (!routeMatches(m.route, req)) return false;
    if (!m.query) return true;
    m.query.lastIndex = 0;
    return req.query !== undefined && m.query.test(req.query);
  }

  pick(req?: FaultRequest): FaultKind | null {
    if (this.opts.rate <= 0 || (this.opts.max !== undefined && this.stats.injected >= this.opts.max)) return null;
    if (req && !this.matches(req)) return null;
    if (this.random() >= this.opts.rate) return null;
    const kind = this.opts.kinds[Math.floor(this.random() * this.opts.kinds.length)];
    // a page-count fault counts only once it found pagination to break (see apply)
    if (kind !== "wrong-page-count") this.count(kind);
    return kind;
  }

  private count(kind: FaultKind): void {
    this.stats.injected++;
    this.stats.byKind[kind] = (this.stats.byKind[kind] ?? 0) + 1;
  }

  /**
   * Apply a fault. Returns true when the response is finished (the handler must not run); for
   * `truncated`, `disconnect` and `wrong-page-count` it returns false after arranging for the
   * handler's answer to be cut or rewritten on its way out.
   */
  apply(kind: FaultKind, res: ServerResponse): boolean {
    const json = (status: number, body: object, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(JSON.stringify(body));
    };
    switch (kind) {
      case "500":
        json(500, { message: "Server Error" });
        return true;
      case "502":
        res.writeHead(502, { "content-type": "text/html" });
        res.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
        return true;
      case "429":
        json(429, { message: SECONDARY, documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits" }, { "retry-after": "1" });
        return true;
      case "403-secondary":
        json(403, { message: SECONDARY, documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits" }, { "retry-after": "1" });
        return true;
      case "404":
        // GHCR answers a read it does not authorise (a private package the token cannot see) with 404
        json(404, { message: "Not Found", errors: [{ code: "NAME_UNKNOWN", message: "repository name not known to registry" }] });
        return true;
      case "timeout": {
        this.held.add(res);
        const timer = setTimeout(() => { this.held.delete(res); res.destroy(); }, this.opts.timeoutMs ?? 30_000);
        res.on("close", () => { clearTimeout(timer); this.held.delete(res); });
        return true;
      }
      case "truncated": {
        const end = res.end.bind(res);
        // Headers (with the full content-length) go out, then half the body, then the connection drops.
        res.end = ((chunk?: unknown) => {
          if (typeof chunk === "string" || Buffer.isBuffer(chunk)) {
            const b = Buffer.from(chunk);
            res.write(b.subarray(0, Math.floor(b.length / 2)), () => res.destroy());
          } else {
            end();
          }
          return res;
        }) as typeof res.end;
        return false;
      }
      case "disconnect":
        // No content-length (chunked), half the body, then the socket is destroyed: the client has no
        // length to compare, only a stream that stops.
        intercept(res, (status, headers, body) => {
          if (body.length === 0) return { status, headers, body };
          const { "content-length": _len, ...rest } = headers;
          res.writeHead(status, rest);
          res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
          return null;
        });
        return false;
      case "wrong-page-count":
        intercept(res, (status, headers, body) => {
          const broken = breakPagination(headers, body);
          if (!broken) return { status, headers, body };
          this.count(kind);
          return { status, headers: { ...broken.headers, "content-length": String(broken.body.length) }, body: broken.body };
        });
        return false;
    }
  }

  close(): void {
    for (const res of this.held) res.destroy();
    this.held.clear();
  }
}

type Rewrite = (status: number, headers: OutgoingHttpHeaders, body: Buffer) => { status: number; headers: OutgoingHttpHeaders; body: Buffer } | null;

/**
 * Hold the handler's `writeHead(status, headers)` and `end(body)` (every route answers that way)
 * and send what `rewrite` makes of them instead; null: `rewrite` finished the response itself.
 */
function intercept(res: ServerResponse, rewrite: Rewrite): void {
  const writeHead = res.writeHead.bind(res) as (status: number, headers?: OutgoingHttpHeaders) => ServerResponse;
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  let held: { status: number; headers: OutgoingHttpHeaders } = { status: 200, headers: {} };
  let passthrough = false;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    if (passthrough) return writeHead(status, ...(rest as [OutgoingHttpHeaders]));
    const headers = rest.find((r) => typeof r === "object" && r !== null) as OutgoingHttpHeaders | undefined;
    held = { status, headers: Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])) };
    return res;
  }) as typeof res.writeHead;
  res.end = ((chunk?: unknown) => {
    passthrough = true;
    const body = typeof chunk === "string" || Buffer.isBuffer(chunk) ? Buffer.from(chunk) : Buffer.alloc(0);
    const out = rewrite(held.status, held.headers, body);
    if (!out) return res;
    writeHead(out.status, out.headers);
    return end(res.req?.method === "HEAD" ? undefined : out.body);
  }) as typeof res.end;
}

/**
 * Pagination that disagrees with what was delivered, the way each list says how long it is:
 * a REST `Link` whose next page skips one (`page=N+2`); a GraphQL connection that delivers one node
 * fewer than its `totalCount`; a registry tags/list page that drops its last tag while its `Link`
 * still continues after it. Null when the answer has no pagination to break (a single page, or no
 * list at all): a well-formed answer with an item missing is something no client can notice.
 */
export function breakPagination(headers: OutgoingHttpHeaders, body: Buffer): { headers: OutgoingHttpHeaders; body: Buffer } | null {
  const link = typeof headers.link === "string" ? headers.link : undefined;
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    return null;
  }
  const tags = (json as { tags?: unknown } | null)?.tags;
  if (link && /rel="next"/.test(link) && Array.isArray(tags) && tags.length > 0) {
    return { headers, body: Buffer.from(JSON.stringify({ ...(json as object), tags: tags.slice(0, -1) })) };
  }
  if (link && /rel="next"/.test(link) && Array.isArray(json)) {
    const skipped = link.replace(/<([^>]*)>;\s*rel="next"/, (whole, url: string) => {
      const u = new URL(url);
      const page = Number(u.searchParams.get("page"));
      if (!page) return whole;
      u.searchParams.set("page", String(page + 1));
      return `<${u.href}>; rel="next"`;
    });
    return skipped === link ? null : { headers: { ...headers, link: skipped }, body };
  }
  let dropped = false;
  const visit = (v: unknown): void => {
    if (dropped || v === null || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    if (typeof o.totalCount === "number" && Array.isArray(o.nodes) && o.nodes.length > 0) {
      o.nodes = o.nodes.slice(0, -1);
      if (Array.isArray(o.edges)) o.edges = o.edges.slice(0, -1);
      dropped = true;
      return;
    }
    for (const x of Object.values(o)) visit(x);
  };
  visit(json);
  return dropped ? { headers, body: Buffer.from(JSON.stringify(json)) } : null;
}
