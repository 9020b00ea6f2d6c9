import type { Ctx } from "./http";

export type RateResource = "core" | "graphql";

export interface RateWindow { limit: number; remaining: number; reset: number; used: number; resource: RateResource }

function key(ctx: Ctx, resource: RateResource): string {
  // GitHub counts an App's JWT requests per App, an installation's per installation
  const who = ctx.identity ? `user:${ctx.identity.user.login}` : ctx.appCaller !== undefined ? `app:${ctx.appCaller}` : `ip:${ctx.req.socket.remoteAddress ?? "?"}`;
  return `${resource}:${who}`;
}

function limitFor(ctx: Ctx): number {
  // GitHub: 5,000 an hour for a token, 60 for anonymous callers; tests lower it with `rateLimit`.
  return ctx.state.rateLimit.limit ?? (ctx.identity || ctx.appCaller !== undefined ? 5000 : 60);
}

/** Current window without spending from it (GET /rate_limit and rateLimit { } do not count). */
export function peek(ctx: Ctx, resource: RateResource): RateWindow {
  const now = Date.now();
  const k = key(ctx, resource);
  let w = ctx.state.rateLimit.windows.get(k);
  if (!w || w.resetAt <= now) {
    w = { used: 0, resetAt: now + ctx.state.rateLimit.windowMs };
    ctx.state.rateLimit.windows.set(k, w);
  }
  const limit = limitFor(ctx);
  return { limit, used: w.used, remaining: Math.max(limit - w.used, 0), reset: Math.ceil(w.resetAt / 1000), resource };
}

/** Spend one request; returns false when the window is exhausted. Sets the x-ratelimit-* headers either way. */
export function spend(ctx: Ctx, resource: RateResource, cost = 1): boolean {
  const before = peek(ctx, resource);
  const ok = before.remaining >= cost;
  if (ok) ctx.state.rateLimit.windows.get(key(ctx, resource))!.used += cost;
  setHeaders(ctx, peek(ctx, resource));
  return ok;
}

export function setHeaders(ctx: Ctx, w: RateWindow): void {
  Object.assign(ctx.extraHeaders, {
    "x-ratelimit-limit": String(w.limit),
    "x-ratelimit-remaining": String(w.remaining),
    "x-ratelimit-reset": String(w.reset),
    "x-ratelimit-used": String(w.used),
    "x-ratelimit-resource": w.resource,
  });
}

export function retryAfterSeconds(w: RateWindow): number {
  return Math.max(w.reset - Math.floor(Date.now() / 1000), 1);
}

/** The primary rate-limit answer: REST gets 403 with a JSON message, GraphQL gets 200 + RATE_LIMITED like GitHub. */
export function rateLimitedBody(ctx: Ctx): { message: string; documentation_url: string } {
  const who = ctx.identity ? `user ID ${stableUserId(ctx.identity.user.login)}` : ctx.req.socket.remoteAddress ?? "your IP";
  return {
    message: `API rate limit exceeded for ${who}.`,
    documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
  };
}

export function stableUserId(login: string): number {
  let h = 7;
  for (const c of login) h = (h * 31 + c.charCodeAt(0)) % 90_000_000;
  return h + 1000;
}
