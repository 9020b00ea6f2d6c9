import { randomBytes } from "node:crypto";
import { readBody, send, type Ctx } from "./http";

/**
 * The OAuth web flow, small: authorize redirects straight back (no consent page) with a code for
 * the user named by `login=` or the fixture's default; the code is exchanged once for a token.
 */
export function authorize(ctx: Ctx): void {
  const q = ctx.url.searchParams;
  const redirect = q.get("redirect_uri");
  if (!redirect || !/^https?:\/\//.test(redirect)) {
    ctx.res.writeHead(400, { "content-type": "text/plain" });
    ctx.res.end("redirect_uri is required");
    return;
  }
  const login = q.get("login") ?? ctx.fixture.org.oauth_login ?? "octocat";
  const code = randomBytes(10).toString("hex");
  const scopes = (q.get("scope") ?? "").split(/[\s,]+/).filter(Boolean);
  ctx.state.oauthCodes.set(code, { login, scopes, clientId: q.get("client_id") ?? "" });
  const target = new URL(redirect);
  target.searchParams.set("code", code);
  const state = q.get("state");
  if (state !== null) target.searchParams.set("state", state);
  ctx.res.writeHead(302, { location: target.toString() });
  ctx.res.end();
}

export async function accessToken(ctx: Ctx): Promise<void> {
  const raw = await readBody(ctx.req);
  const type = ctx.req.headers["content-type"] ?? "";
  let params: Record<string, string> = {};
  if (type.includes("json")) {
    try {
      params = JSON.parse(raw) as Record<string, string>;
    } catch {
      params = {};
    }
  } else {
    params = Object.fromEntries(new URLSearchParams(raw || ctx.url.search));
  }
  const grant = params.code ? ctx.state.oauthCodes.get(params.code) : undefined;
  const wantsJson = (ctx.req.headers.accept ?? "").includes("json");
  const reply = (body: Record<string, string>) => {
    if (wantsJson) return send(ctx, 200, body);
    ctx.res.writeHead(200, { "content-type": "application/x-www-form-urlencoded; charset=utf-8" });
    ctx.res.end(new URLSearchParams(body).toString());
  };
  if (!grant) {
    // GitHub answers a bad code with 200 and an error body.
    return reply({ error: "bad_verification_code", error_description: "The code passed is incorrect or expired.", error_uri: "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code" });
  }
  ctx.state.oauthCodes.delete(params.code);
  const token = `gho_${randomBytes(18).toString("hex")}`;
  ctx.state.oauthTokens.set(token, { login: grant.login, scopes: grant.scopes });
  reply({ access_token: token, token_type: "bearer", scope: grant.scopes.join(",") });
}
