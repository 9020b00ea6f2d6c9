import { describe, expect, it } from "vitest";
import { type Access } from "@/lib/auth/access";
import { decide, type GuardInput } from "@/lib/auth/guard";
import { checkOrigin, checkOriginFor, configuredOrigins } from "@/lib/auth/origin";
import { readEnv } from "@/lib/server/env";

const h = (o: Record<string, string>) => new Headers(o);
const env = (o: Record<string, string>) => readEnv(o as unknown as NodeJS.ProcessEnv);
const REAL = { CACHEGUARD_ORG: "acme", GITHUB_TOKEN: "t", NEXTAUTH_URL: "https://cg.example.com" };
const put = (headers: Record<string, string>, e = env(REAL)) => checkOriginFor(e, "PUT", h(headers));

describe("origin check for mutating requests: the configured public URL, nothing the client says", () => {
  it("accepts exactly the public URL's scheme, host and port", () => {
    expect(put({ host: "cg.example.com", origin: "https://cg.example.com" })).toEqual({ ok: true });
    expect(put({ host: "cg.example.com", origin: "https://CG.example.com:443" })).toEqual({ ok: true });
  });

  it("refuses a forged Origin whatever Host and X-Forwarded-* claim", () => {
    const refused = { ok: false, reason: expect.stringContaining("is not this dashboard's origin") };
    expect(put({ host: "evil.example", origin: "http://evil.example", "x-forwarded-host": "evil.example" })).toEqual(refused);
    expect(put({ host: "evil.example", origin: "https://evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" })).toEqual(refused);
    // the right host with the wrong scheme, or the wrong port
    expect(put({ host: "cg.example.com", origin: "http://cg.example.com" })).toEqual(refused);
    expect(put({ host: "cg.example.com", origin: "https://cg.example.com:8443" })).toEqual(refused);
    // a look-alike host
    expect(put({ host: "cg.example.com", origin: "https://cg.example.com.evil.example" })).toEqual(refused);
    expect(put({ host: "cg.example.com", origin: "null" }).ok).toBe(false);
    expect(put({ host: "cg.example.com" }).ok).toBe(false);
  });

  it("believes X-Forwarded-Host/-Proto only with TRUST_PROXY", () => {
    const headers = { host: "10.0.0.5:3000", origin: "https://dash.internal", "x-forwarded-host": "dash.internal", "x-forwarded-proto": "https" };
    expect(put(headers).ok).toBe(false);
    expect(put(headers, env({ ...REAL, TRUST_PROXY: "1" })).ok).toBe(true);
    // even then the scheme must match what the proxy says
    expect(put({ ...headers, origin: "http://dash.internal" }, env({ ...REAL, TRUST_PROXY: "1" })).ok).toBe(false);
  });

  it("in demo mode the public URL is the loopback address on PORT; curl without Origin still works", () => {
    const demo = env({ PORT: "3217" });
    expect(configuredOrigins(demo)).toEqual(["http://localhost:3217", "http://127.0.0.1:3217", "http://[::1]:3217"]);
    expect(put({ host: "localhost:3217", origin: "http://localhost:3217" }, demo).ok).toBe(true);
    expect(put({ host: "evil.example", origin: "http://evil.example", "x-forwarded-host": "evil.example" }, demo).ok).toBe(false);
    expect(put({ host: "localhost:3217", origin: "https://localhost:3217" }, demo).ok).toBe(false);
    expect(put({ host: "localhost:3217", origin: "http://localhost:3000" }, demo).ok).toBe(false);
    expect(put({ host: "localhost:3217" }, demo).ok).toBe(true);
    // but "null" (a sandboxed frame or data: page on any site) is not a missing Origin
    expect(put({ host: "localhost:3217", origin: "null" }, demo).ok).toBe(false);
    expect(configuredOrigins(env({ PORT: "3217", HOST: "192.168.1.5" }))).toContain("http://192.168.1.5:3217");
  });

  it("never blocks reads", () => {
    expect(checkOrigin({ method: "GET", headers: h({ origin: "https://evil.example" }), allowedOrigins: [] }).ok).toBe(true);
  });
});

const signedOut: Access = { ok: false, status: 401, error: "Sign in with GitHub to use the cacheguard API.", reason: "signed-out" };
function req(over: Partial<GuardInput>): GuardInput {
  return { method: "GET", pathname: "/", search: "", origin: { ok: true }, access: signedOut, ...over };
}

describe("what the proxy does with a request", () => {
  it("answers a malformed percent-encoding with 400 JSON on the API and the not-found page elsewhere", () => {
    expect(decide(req({ pathname: "/api/repos/%ff" }))).toEqual({ action: "json", status: 400, error: expect.stringMatching(/malformed percent-encoding/) });
    expect(decide(req({ pathname: "/repos/%ff" }))).toEqual({ action: "not-found" });
    expect(decide(req({ pathname: "/rules/%zz" }))).toEqual({ action: "not-found" });
    expect(decide(req({ pathname: "/packages/%" }))).toEqual({ action: "not-found" });
  });

  it("sends a signed-out visitor of a page to sign-in, remembering where they were going", () => {
    expect(decide(req({ pathname: "/repos/api", search: "?sev=error" }))).toEqual({
      action: "redirect", to: `/signin?callbackUrl=${encodeURIComponent("/repos/api?sev=error")}`,
    });
  });

  it("answers a refused API call with the access status as JSON", () => {
    expect(decide(req({ pathname: "/api/findings" }))).toEqual({ action: "json", status: 401, error: expect.stringMatching(/Sign in/) });
    const gone: Access = { ok: false, status: 403, error: "mallory is no longer a member of acme.", reason: "not-member", login: "mallory" };
    expect(decide(req({ pathname: "/api/findings", access: gone }))).toMatchObject({ status: 403 });
    expect(decide(req({ pathname: "/", access: gone }))).toEqual({ action: "redirect", to: "/signin?error=not-member&login=mallory" });
  });

  it("leaves next-auth's endpoints and the sign-in page open", () => {
    expect(decide(req({ pathname: "/api/auth/signin/github", method: "POST", origin: { ok: false, reason: "x" } }))).toEqual({ action: "next" });
    expect(decide(req({ pathname: "/signin" }))).toEqual({ action: "next" });
  });

  it("lets GitHub's webhook deliveries reach exactly /api/webhooks/github without a session or an Origin (the route checks their signature)", () => {
    const noOrigin = { ok: false as const, reason: "This request has no Origin header" };
    expect(decide(req({ pathname: "/api/webhooks/github", method: "POST", origin: noOrigin }))).toEqual({ action: "next" });
    // nothing beside or below it
    expect(decide(req({ pathname: "/api/webhooks/github/x", method: "POST", origin: noOrigin }))).toMatchObject({ action: "json", status: 403 });
    expect(decide(req({ pathname: "/api/webhooks/gitlab", method: "POST", origin: noOrigin }))).toMatchObject({ action: "json", status: 403 });
    expect(decide(req({ pathname: "/api/webhooks/github/x" }))).toMatchObject({ action: "json", status: 401 });
  });

  it("checks the origin before the session, so a forged write learns nothing", () => {
    expect(decide(req({ pathname: "/api/settings", method: "PUT", origin: { ok: false, reason: "Cross-origin request refused" } }))).toMatchObject({ status: 403 });
  });

  it("fails closed when sign-in is misconfigured", () => {
    const config: Access = { ok: false, status: 503, error: "Sign-in is not configured: GITHUB_CLIENT_ID: Required", reason: "config" };
    expect(decide(req({ pathname: "/api/findings", access: config }))).toEqual({ action: "json", status: 503, error: config.error });
    expect(decide(req({ pathname: "/", access: config }))).toEqual({ action: "redirect", to: "/signin?error=config" });
  });
});
