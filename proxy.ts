import { type NextRequest, NextResponse } from "next/server";
import { getToken } from "next-auth/jwt";
import { authRequired, readAuthConfig } from "@/lib/auth/config";
import { decide } from "@/lib/auth/guard";

/**
 * Outside demo mode every page and API route needs a signed-in org member (next-auth JWT cookie),
 * and every mutating API call must come from this dashboard's own origin. Runs on Node (Next 16).
 */
export async function proxy(req: NextRequest): Promise<NextResponse> {
  let required = true;
  let configError: string | undefined;
  let secret: string | undefined;
  let publicUrl: string | undefined;
  try {
    required = authRequired();
    if (required) {
      const cfg = readAuthConfig();
      secret = cfg.secret;
      publicUrl = cfg.publicUrl;
    }
  } catch (e) {
    // fail closed: a misconfigured server shows no data
    configError = e instanceof Error ? e.message : "The server is misconfigured.";
  }
  const signedIn = required && secret ? (await getToken({ req, secret }).catch(() => null)) !== null : false;
  const d = decide({
    method: req.method, pathname: req.nextUrl.pathname, search: req.nextUrl.search, headers: req.headers,
    authRequired: required, configError, signedIn, publicUrl,
  });
  if (d.action === "next") return NextResponse.next();
  if (d.action === "json") return NextResponse.json({ error: d.error }, { status: d.status });
  return NextResponse.redirect(new URL(d.to, req.nextUrl));
}

export const config = {
  // only the build's static assets and the icon are public: no extension rule, since a path like
  // /packages/foo.svg is a page (a package may be named so) and must stay behind sign-in
  matcher: ["/((?!_next/static/|_next/image|favicon\\.ico$|icon\\.svg$).*)"],
};
