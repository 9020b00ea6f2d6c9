import { type NextRequest, NextResponse } from "next/server";
import { type Access, checkAccess } from "@/lib/auth/access";
import { decide, isApiPath, isPublicPath } from "@/lib/auth/guard";
import { type OriginCheck, checkOriginFor, configuredOrigins } from "@/lib/auth/origin";
import { ORG_HEADER } from "@/lib/http/org-param";
import { NON_PAGE_CSP, STATIC_SECURITY_HEADERS, contentSecurityPolicy, newNonce } from "@/lib/http/security-headers";
import { readEnv } from "@/lib/server/env";

/**
 * The first line for every request (Node runtime, Next 16): malformed paths, the CSRF origin check
 * against the configured public URL, sign-in, and the security headers with a fresh CSP nonce.
 * Pages get the full session check here (they read the database in server components); API routes
 * get a cookie check here and the full one in their handler (app/api/_lib/route.ts).
 */
export async function proxy(req: NextRequest): Promise<NextResponse> {
  const pathname = req.nextUrl.pathname;
  const api = isApiPath(pathname);
  let env: ReturnType<typeof readEnv> | null = null;
  try {
    env = readEnv();
  } catch {
    // checkAccess reports the configuration problem
  }
  const origin: OriginCheck = env ? checkOriginFor(env, req.method, req.headers) : { ok: false, reason: "The server is misconfigured." };
  const access: Access = isPublicPath(pathname) ? { ok: true, viewer: null } : await checkAccess(req, { depth: api ? "cookie" : "full" });
  const d = decide({ method: req.method, pathname, search: req.nextUrl.search, origin, access });

  const nonce = newNonce();
  const https = (env?.NEXTAUTH_URL ?? req.nextUrl.href).startsWith("https:");
  const csp = api ? NON_PAGE_CSP : contentSecurityPolicy({ nonce, dev: process.env.NODE_ENV === "development", https });
  const requestHeaders = new Headers(req.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  // the org server components render (checked against the configuration); never the client's own header
  requestHeaders.delete(ORG_HEADER);
  if (access.ok && access.org) requestHeaders.set(ORG_HEADER, access.org);

  let res: NextResponse;
  if (d.action === "next") res = NextResponse.next({ request: { headers: requestHeaders } });
  else if (d.action === "not-found") {
    // a path that cannot be decoded names no page: Next's not-found page, with status 404
    res = NextResponse.rewrite(new URL("/_malformed-path", req.nextUrl), { request: { headers: requestHeaders } });
  } else if (d.action === "json") res = NextResponse.json({ error: d.error }, { status: d.status });
  else {
    const base = env && env.NEXTAUTH_URL ? configuredOrigins(env)[0] : req.nextUrl.origin;
    res = NextResponse.redirect(new URL(d.to, base));
  }
  res.headers.set("content-security-policy", d.action === "next" || d.action === "not-found" ? csp : NON_PAGE_CSP);
  for (const [k, v] of Object.entries(STATIC_SECURITY_HEADERS)) res.headers.set(k, v);
  return res;
}

export const config = {
  // only the build's static assets and the icon skip the proxy (next.config.ts gives them the same
  // headers); no extension rule, since /packages/foo.svg is a page (a package may be named so)
  matcher: ["/((?!_next/static/|_next/image|favicon\\.ico$|icon\\.svg$).*)"],
};
