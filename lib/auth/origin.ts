import { type Env, isDemoMode, trustProxy } from "@/lib/server/env";

/**
 * CSRF defence for mutating API routes: a browser always sends `Origin` on POST/PUT/PATCH/DELETE,
 * and a page on another site cannot forge it. The request is allowed when its origin is exactly
 * (scheme, host and port) the dashboard's configured public URL. What the request says about
 * itself (Host, X-Forwarded-*) is not evidence: a client can send anything there. Only behind an
 * explicit TRUST_PROXY, whose proxy overwrites X-Forwarded-Host/-Proto, is that origin accepted too.
 */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isMutatingMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** `scheme://host[:port]` of a URL, lower-case, default ports dropped; null when it is not one. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.protocol !== "http:" && u.protocol !== "https:") return null;
    return u.origin.toLowerCase();
  } catch {
    return null;
  }
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0", "::"]);

/**
 * The origins this dashboard is served from: NEXTAUTH_URL when set; in demo mode without it, the
 * loopback addresses on PORT (and HOST's, when HOST names a concrete address).
 */
export function configuredOrigins(env: Env): string[] {
  const out: string[] = [];
  const add = (u: string) => {
    const o = originOf(u);
    if (o && !out.includes(o)) out.push(o);
  };
  if (env.NEXTAUTH_URL) add(env.NEXTAUTH_URL);
  if (isDemoMode(env) && !env.NEXTAUTH_URL) {
    for (const h of ["localhost", "127.0.0.1", "[::1]"]) add(`http://${h}:${env.PORT}`);
    const host = env.HOST?.trim();
    if (host && !LOOPBACK.has(host)) add(`http://${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}:${env.PORT}`);
  }
  return out;
}

export interface OriginCheckInput {
  method: string;
  headers: Headers;
  /** the configured public origins (configuredOrigins) */
  allowedOrigins: string[];
  /** believe X-Forwarded-Host/-Proto (TRUST_PROXY) */
  trustProxy?: boolean;
  /** in demo mode a request without an Origin header (curl, the start script) is let through */
  allowMissingOrigin?: boolean;
}

export type OriginCheck = { ok: true } | { ok: false; reason: string };

function forwardedOrigin(headers: Headers): string | null {
  const first = (name: string) => headers.get(name)?.split(",")[0]?.trim() || null;
  const host = first("x-forwarded-host");
  if (!host) return null;
  const proto = first("x-forwarded-proto") ?? "https";
  return originOf(`${proto}://${host}`);
}

/** Whether a request may change state, judged by its Origin header against the public URL. */
export function checkOrigin(input: OriginCheckInput): OriginCheck {
  if (!isMutatingMethod(input.method)) return { ok: true };
  const origin = input.headers.get("origin");
  // "null" is what a sandboxed frame or a data: page on any site sends: never our own
  if (origin === null || origin === "") {
    return input.allowMissingOrigin
      ? { ok: true }
      : { ok: false, reason: "This request has no Origin header; changes are accepted only from the cacheguard dashboard." };
  }
  const from = originOf(origin);
  const allowed = [...input.allowedOrigins];
  if (input.trustProxy) {
    const fwd = forwardedOrigin(input.headers);
    if (fwd) allowed.push(fwd);
  }
  if (from && allowed.includes(from)) return { ok: true };
  return { ok: false, reason: `Cross-origin request refused: ${origin} is not this dashboard's origin.` };
}

/** The origin check with the server's own configuration. */
export function checkOriginFor(env: Env, method: string, headers: Headers): OriginCheck {
  return checkOrigin({
    method, headers, allowedOrigins: configuredOrigins(env), trustProxy: trustProxy(env), allowMissingOrigin: isDemoMode(env),
  });
}
