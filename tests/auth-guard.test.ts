import { describe, expect, it } from "vitest";
import { decide, type GuardInput } from "@/lib/auth/guard";
import { checkOrigin } from "@/lib/auth/origin";

const h = (o: Record<string, string>) => new Headers(o);

function req(over: Partial<GuardInput>): GuardInput {
  return {
    method: "GET", pathname: "/", search: "", headers: h({ host: "cg.example.com" }),
    authRequired: true, signedIn: false, ...over,
  };
}

describe("origin check for mutating requests", () => {
  it("lets a same-origin POST through and refuses one from another site", () => {
    expect(checkOrigin({ method: "POST", headers: h({ host: "cg.example.com", origin: "https://cg.example.com" }) })).toEqual({ ok: true });
    const r = checkOrigin({ method: "DELETE", headers: h({ host: "cg.example.com", origin: "https://evil.example" }) });
    expect(r).toEqual({ ok: false, reason: expect.stringContaining("https://evil.example is not this dashboard's origin") });
  });

  it("compares hosts with ports, and honours a reverse proxy's forwarded host and the public URL", () => {
    expect(checkOrigin({ method: "PUT", headers: h({ host: "localhost:3000", origin: "http://localhost:3001" }) }).ok).toBe(false);
    expect(checkOrigin({ method: "PUT", headers: h({ host: "10.0.0.5:3000", "x-forwarded-host": "cg.example.com", origin: "https://cg.example.com" }) }).ok).toBe(true);
    expect(checkOrigin({ method: "POST", headers: h({ host: "127.0.0.1:3000", origin: "https://cg.example.com" }), allowedOrigins: ["https://cg.example.com/"] }).ok).toBe(true);
  });

  it("never blocks reads, and refuses a write without Origin unless told to allow it (demo mode)", () => {
    expect(checkOrigin({ method: "GET", headers: h({ host: "a", origin: "https://evil.example" }) }).ok).toBe(true);
    expect(checkOrigin({ method: "POST", headers: h({ host: "a" }) }).ok).toBe(false);
    expect(checkOrigin({ method: "POST", headers: h({ host: "a", origin: "null" }) }).ok).toBe(false);
    expect(checkOrigin({ method: "POST", headers: h({ host: "a" }), allowMissingOrigin: true }).ok).toBe(true);
    // a forged origin is refused even in demo mode
    expect(checkOrigin({ method: "POST", headers: h({ host: "a", origin: "https://evil.example" }), allowMissingOrigin: true }).ok).toBe(false);
  });
});

describe("what the proxy does with a request", () => {
  it("sends a signed-out visitor of a page to sign-in, remembering where they were going", () => {
    expect(decide(req({ pathname: "/repos/api", search: "?sev=error" }))).toEqual({
      action: "redirect", to: `/signin?callbackUrl=${encodeURIComponent("/repos/api?sev=error")}`,
    });
  });

  it("answers a signed-out API call with 401 JSON, not a redirect", () => {
    expect(decide(req({ pathname: "/api/findings" }))).toEqual({ action: "json", status: 401, error: expect.stringMatching(/Sign in/) });
  });

  it("leaves next-auth's endpoints and the sign-in page open", () => {
    expect(decide(req({ pathname: "/api/auth/signin/github", method: "POST" }))).toEqual({ action: "next" });
    expect(decide(req({ pathname: "/signin" }))).toEqual({ action: "next" });
  });

  it("lets a signed-in member through, but not a cross-site write", () => {
    expect(decide(req({ pathname: "/api/scans", signedIn: true }))).toEqual({ action: "next" });
    expect(decide(req({ pathname: "/api/scans", method: "POST", signedIn: true, headers: h({ host: "cg.example.com", origin: "https://cg.example.com" }) }))).toEqual({ action: "next" });
    expect(decide(req({ pathname: "/api/scans", method: "POST", signedIn: true, headers: h({ host: "cg.example.com", origin: "https://evil.example" }) }))).toMatchObject({ action: "json", status: 403 });
  });

  it("checks the origin before the session, so a forged write learns nothing", () => {
    expect(decide(req({ pathname: "/api/settings", method: "PUT", headers: h({ host: "cg.example.com", origin: "https://evil.example" }) }))).toMatchObject({ status: 403 });
  });

  it("requires nothing in demo mode except a same-origin write", () => {
    const demo = { authRequired: false };
    expect(decide(req({ ...demo, pathname: "/" }))).toEqual({ action: "next" });
    expect(decide(req({ ...demo, pathname: "/api/findings" }))).toEqual({ action: "next" });
    expect(decide(req({ ...demo, pathname: "/api/scans", method: "POST" }))).toEqual({ action: "next" }); // the start script, curl
    expect(decide(req({ ...demo, pathname: "/api/scans", method: "POST", headers: h({ host: "localhost:3000", origin: "http://evil.example" }) }))).toMatchObject({ status: 403 });
  });

  it("fails closed when sign-in is misconfigured", () => {
    const configError = "Sign-in is not configured: GITHUB_CLIENT_ID: Required";
    expect(decide(req({ pathname: "/api/findings", configError }))).toEqual({ action: "json", status: 503, error: configError });
    expect(decide(req({ pathname: "/", configError }))).toEqual({ action: "redirect", to: "/signin?error=config" });
  });
});
