import type { ServerResponse } from "node:http";
import { z } from "zod";

/** Injected failures for resilience tests (issue 5): what GitHub and GHCR do on a bad day. */
export const FAULT_KINDS = ["500", "502", "429", "403-secondary", "timeout", "truncated"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const faultKindsSchema = z
  .string()
  .transform((s) => s.split(",").map((k) => k.trim()).filter(Boolean))
  .pipe(z.array(z.enum(FAULT_KINDS)).min(1));

export interface FaultOptions {
  /** probability in [0, 1] that an API request (REST, GraphQL, registry) fails */
  rate: number;
  kinds: FaultKind[];
  /** same seed, same sequence of faults for the same sequence of requests */
  seed?: number;
  /** how long a `timeout` fault holds the request before dropping the connection; default 30 s */
  timeoutMs?: number;
}

export interface FaultStats { injected: number; byKind: Partial<Record<FaultKind, number>> }

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

export class FaultInjector {
  private readonly random: () => number;
  readonly stats: FaultStats = { injected: 0, byKind: {} };
  private readonly held = new Set<ServerResponse>();

  constructor(private readonly opts: FaultOptions) {
    this.random = prng(opts.seed ?? 1);
  }

  pick(): FaultKind | null {
    if (this.opts.rate <= 0 || this.random() >= this.opts.rate) return null;
    const kind = this.opts.kinds[Math.floor(this.random() * this.opts.kinds.length)];
    this.stats.injected++;
    this.stats.byKind[kind] = (this.stats.byKind[kind] ?? 0) + 1;
    return kind;
  }

  /**
   * Apply a fault. Returns true when the response is finished (the handler must not run); for
   * `truncated` it returns false after arranging for the handler's body to be cut in half.
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
    }
  }

  close(): void {
    for (const res of this.held) res.destroy();
    this.held.clear();
  }
}
