import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/server/db";
import { type FakeGitHub, startFakeGitHub } from "@/lib/demo/fake-github/server";
import { authRequired, readAuthConfig } from "@/lib/auth/config";
import { checkOrgMembership, fetchUser } from "@/lib/auth/membership";
import { buildAuthOptions } from "@/lib/auth/options";
import { DEMO_FIXTURE, freshDbUrl } from "./scan-helpers";

/** The sign-in rules against the fake GitHub's OAuth flow: members of the org in, everyone else out. */
let gh: FakeGitHub;
let db: Db;
let dir: string;

beforeAll(async () => {
  gh = await startFakeGitHub({ fixture: DEMO_FIXTURE });
  dir = mkdtempSync(path.join(tmpdir(), "cg-signin-"));
  db = createDb(await freshDbUrl(dir));
});
afterAll(async () => {
  await gh?.close();
  await db?.$disconnect();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The OAuth web flow as a browser and next-auth would run it: authorize, then exchange the code. */
async function oauthToken(login: string): Promise<string> {
  const authorize = new URL(`${gh.url}/login/oauth/authorize`);
  Object.entries({ client_id: "x", redirect_uri: "http://localhost:3999/api/auth/callback/github", scope: "read:user read:org", state: "s", login })
    .forEach(([k, v]) => authorize.searchParams.set(k, v));
  const res = await fetch(authorize, { redirect: "manual" });
  const code = new URL(res.headers.get("location")!).searchParams.get("code")!;
  const tok = await fetch(`${gh.url}/login/oauth/access_token`, {
    method: "POST", headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ code, client_id: "x", client_secret: "y" }),
  });
  return ((await tok.json()) as { access_token: string }).access_token;
}

const ENV = {
  CACHEGUARD_ORG: "acme", GITHUB_TOKEN: "demo-token", GITHUB_CLIENT_ID: "x", GITHUB_CLIENT_SECRET: "client-secret-value",
  NEXTAUTH_SECRET: "a-long-random-secret-for-tests-only", NEXTAUTH_URL: "http://localhost:3999",
};

describe("sign-in configuration", () => {
  it("is required outside demo mode only: a configured org without a token is never the open demo", () => {
    expect(authRequired({})).toBe(false);
    expect(authRequired({ CACHEGUARD_ORG: "acme" })).toBe(true);
    expect(authRequired({ CACHEGUARD_ORG: "acme", GITHUB_TOKEN: "t" })).toBe(true);
  });

  it("needs the public URL outside demo mode (the origin check compares against it)", () => {
    const { NEXTAUTH_URL: _unused, ...withoutUrl } = ENV;
    expect(() => readAuthConfig(withoutUrl)).toThrow(/NEXTAUTH_URL is required outside demo mode/);
  });

  it("names what is missing without echoing any value", () => {
    expect(() => readAuthConfig({ CACHEGUARD_ORG: "acme", GITHUB_TOKEN: "ghp_secretvalue123456", NEXTAUTH_SECRET: "short" }))
      .toThrow(/GITHUB_CLIENT_ID.*GITHUB_CLIENT_SECRET.*NEXTAUTH_SECRET/s);
    try {
      readAuthConfig({ CACHEGUARD_ORG: "acme", NEXTAUTH_SECRET: "short-secret-xyz" });
    } catch (e) {
      expect((e as Error).message).not.toContain("short-secret-xyz");
    }
  });

  it("points the OAuth endpoints at the configured GitHub, e.g. the fake server", () => {
    const opts = buildAuthOptions(readAuthConfig({ ...ENV, GITHUB_OAUTH_URL: `${gh.url}/`, GITHUB_API_URL: gh.url }));
    const p = opts.providers[0] as unknown as { authorization: { url: string; params: { scope: string } }; token: string; userinfo: { url: string } };
    expect(p.authorization.url).toBe(`${gh.url}/login/oauth/authorize`);
    expect(p.authorization.params.scope).toContain("read:org");
    expect(p.token).toBe(`${gh.url}/login/oauth/access_token`);
    expect(p.userinfo.url).toBe(`${gh.url}/user`);
    expect(opts.session?.strategy).toBe("jwt");
  });
});

describe("org membership", () => {
  it("a member's own token confirms the membership; an outsider's does not", async () => {
    const member = await oauthToken("octocat");
    const outsider = await oauthToken("mallory");
    expect((await fetchUser(gh.url, outsider)).login).toBe("mallory");
    expect(await checkOrgMembership({ apiUrl: gh.url, org: "acme", login: "octocat", token: member })).toEqual({ member: true });
    expect(await checkOrgMembership({ apiUrl: gh.url, org: "acme", login: "mallory", token: outsider }))
      .toEqual({ member: false, reason: "not-member", message: "mallory is not a member of acme" });
  });

  it("a failed check is an error, never a yes", async () => {
    const r = await checkOrgMembership({ apiUrl: gh.url, org: "acme", login: "octocat", token: "gho_revokedtoken000000000000" });
    expect(r).toMatchObject({ member: false, reason: "error" });
    const down = await checkOrgMembership({ apiUrl: "http://127.0.0.1:9", org: "acme", login: "octocat", token: "gho_x0000000000000000000" });
    expect(down).toMatchObject({ member: false, reason: "error" });
  });

  it("the signIn callback lets a member in and sends an outsider to the refusal page", async () => {
    const opts = buildAuthOptions(readAuthConfig({ ...ENV, GITHUB_OAUTH_URL: gh.url, GITHUB_API_URL: gh.url }));
    const signIn = opts.callbacks!.signIn! as (a: unknown) => Promise<boolean | string>;
    const as = async (login: string) =>
      signIn({ user: { id: "1" }, account: { provider: "github", type: "oauth", providerAccountId: "1", access_token: await oauthToken(login) }, profile: { login } });
    expect(await as("octocat")).toBe(true);
    expect(await as("mallory")).toBe("/signin?error=not-member&login=mallory");
  });

  it("keeps only the login and a server-side session id in the session token, never the GitHub token", async () => {
    const opts = buildAuthOptions(readAuthConfig(ENV), { db: () => db });
    const jwt = opts.callbacks!.jwt! as (a: unknown) => Promise<Record<string, unknown>>;
    const token = await jwt({ token: { sub: "1", name: "Octo" }, account: { access_token: "gho_abc1234567890" }, profile: { login: "octocat" } });
    expect(token).toEqual({ sub: "1", name: "Octo", login: "octocat", sid: expect.stringMatching(/^[\w-]{43}$/) });
    const row = await db.authSession.findUniqueOrThrow({ where: { id: token.sid as string } });
    expect(row).toMatchObject({ login: "octocat", org: "acme", revokedAt: null });
    expect(JSON.stringify(row)).not.toContain("gho_abc1234567890");
    // sign-out revokes it on the server, whatever the browser does with its cookie
    await opts.events!.signOut!({ token } as never);
    expect((await db.authSession.findUniqueOrThrow({ where: { id: token.sid as string } })).revokedAt).toBeInstanceOf(Date);
  });
});
