import { spawn } from "node:child_process";
import { sign } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { JWT_EXPIRED, JWT_IAT, JWT_TOO_LONG, JWT_UNDECODABLE } from "@/lib/demo/fake-github/app";
import { type FakeGitHub, startFakeGitHub } from "@/lib/demo/fake-github/server";
import { DEMO_FIXTURE, appKeyPair } from "./scan-helpers";

/**
 * The fake's GitHub App as a client meets it: RS256 JWTs checked as GitHub checks them, installation
 * tokens that work on the org's REST and GraphQL until their expires_at and are refused after, and
 * what an installation token cannot do with packages (the Packages API, GHCR's private packages).
 */
const APP_ID = 777;
let fake: FakeGitHub | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

function jwt(claims: Record<string, unknown> = {}, key = appKeyPair().privateKey): string {
  const now = Math.floor(Date.now() / 1000);
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const body = `${b64({ alg: "RS256", typ: "JWT" })}.${b64({ iat: now - 30, exp: now + 540, iss: String(APP_ID), ...claims })}`;
  return `${body}.${sign("sha256", Buffer.from(body), key).toString("base64url")}`;
}

async function start(tokenLifetimeMs?: number): Promise<FakeGitHub> {
  fake = await startFakeGitHub({ fixture: DEMO_FIXTURE, port: 0, reload: "manual", app: { id: APP_ID, slug: "cg-fake", publicKey: appKeyPair().publicKey, ...(tokenLifetimeMs ? { tokenLifetimeMs } : {}) } });
  return fake;
}
const call = async (f: FakeGitHub, p: string, auth: string | null, init: RequestInit = {}) => {
  const res = await fetch(`${f.url}${p}`, { ...init, headers: { ...(auth ? { authorization: auth } : {}), "content-type": "application/json", ...(init.headers as Record<string, string> | undefined) } });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown> & { message?: string }) : null, headers: res.headers };
};
const newToken = async (f: FakeGitHub, body: unknown = {}) =>
  (await call(f, `/app/installations/${f.app!.installationId}/access_tokens`, `Bearer ${jwt()}`, { method: "POST", body: JSON.stringify(body) })).body as { token: string; expires_at: string; permissions: Record<string, string>; repository_selection: string };

describe("the fake GitHub's App", () => {
  it("checks the App JWT as GitHub does, with GitHub's messages", async () => {
    const f = await start();
    const now = Math.floor(Date.now() / 1000);
    const other = (await import("node:crypto")).generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } }).privateKey;
    expect((await call(f, "/app", `Bearer ${jwt()}`)).body).toMatchObject({ id: APP_ID, slug: "cg-fake", owner: { login: "acme" } });
    const refused: Array<[string | null, string]> = [
      [jwt({ iat: now - 700, exp: now - 100 }), JWT_EXPIRED],
      [jwt({ exp: now + 3600 }), JWT_TOO_LONG],
      [jwt({ iat: now + 300, exp: now + 600 }), JWT_IAT],
      [jwt({}, other), JWT_UNDECODABLE],
      [jwt({ iss: "778" }), JWT_UNDECODABLE],
      ["garbage", JWT_UNDECODABLE],
      ["demo-token", JWT_UNDECODABLE],
      [null, JWT_UNDECODABLE],
    ];
    for (const [token, message] of refused) {
      const r = await call(f, "/app/installations", token ? `Bearer ${token}` : null);
      expect({ status: r.status, message: r.body?.message }).toEqual({ status: 401, message });
    }
    expect(JWT_EXPIRED).toBe("'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires");
  });

  it("issues ghs_ tokens with expires_at and the installation's permissions, narrowed when asked; the org's REST and GraphQL take them", async () => {
    const f = await start();
    const t = await newToken(f);
    expect(t.token).toMatch(/^ghs_[A-Za-z0-9]{36}$/);
    expect(Date.parse(t.expires_at) - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(t.permissions).toMatchObject({ contents: "write", metadata: "read", members: "read" });
    expect(t.repository_selection).toBe("all");
    const repos = await call(f, "/orgs/acme/repos?per_page=100", `token ${t.token}`);
    expect(repos.status).toBe(200);
    expect((repos.body as unknown as Array<{ name: string }>).map((r) => r.name)).toContain("payments"); // private: the installation sees it
    expect(repos.headers.get("x-oauth-scopes")).toBeNull(); // permissions, not scopes
    const gql = await call(f, "/graphql", `bearer ${t.token}`, { method: "POST", body: JSON.stringify({ query: "{ viewer { login } organization(login: \"acme\") { login } }" }) });
    expect(gql.body).toEqual({ data: { viewer: { login: "cg-fake[bot]" }, organization: { login: "acme" } } });
    // an installation is no user
    expect((await call(f, "/user", `token ${t.token}`)).body?.message).toBe("Resource not accessible by integration");

    const narrow = await newToken(f, { repositories: ["api"], permissions: { contents: "read" } });
    expect(narrow.repository_selection).toBe("selected");
    expect((await call(f, "/repos/acme/payments", `token ${narrow.token}`)).status).toBe(404);
    expect((await call(f, "/repos/acme/api", `token ${narrow.token}`)).status).toBe(200);
    const more = await call(f, `/app/installations/${f.app!.installationId}/access_tokens`, `Bearer ${jwt()}`, { method: "POST", body: JSON.stringify({ permissions: { administration: "write" } }) });
    expect({ status: more.status, message: more.body?.message }).toEqual({ status: 422, message: "The permissions requested are not granted to this installation." });
  });

  it("refuses an installation token once it has expired: 401 Bad credentials on REST and GraphQL", async () => {
    const f = await start(300);
    const t = await newToken(f);
    expect((await call(f, "/orgs/acme/repos", `token ${t.token}`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 400));
    const rest = await call(f, "/orgs/acme/repos", `token ${t.token}`);
    expect({ status: rest.status, message: rest.body?.message }).toEqual({ status: 401, message: "Bad credentials" });
    const gql = await call(f, "/graphql", `bearer ${t.token}`, { method: "POST", body: JSON.stringify({ query: "{ viewer { login } }" }) });
    expect({ status: gql.status, message: gql.body?.message }).toEqual({ status: 401, message: "Bad credentials" });
    expect(f.requests().filter((r) => r.status === 401).map((r) => r.auth)).toEqual([{ kind: "refused" }, { kind: "refused" }]);
  });

  it("does not open packages to an installation token: the Packages API refuses it, GHCR grants it public packages only", async () => {
    const f = await start();
    const t = await newToken(f);
    expect(t.permissions.packages).toBe("read"); // granted, and still no use for these
    const list = await call(f, "/orgs/acme/packages?package_type=container", `token ${t.token}`);
    expect({ status: list.status, message: list.body?.message }).toEqual({ status: 400, message: "Invalid argument." });
    expect((await call(f, "/orgs/acme/packages/container/api", `token ${t.token}`)).status).toBe(404);
    // the registry: payments is a private package, api a public one
    const basic = `Basic ${Buffer.from(`x-access-token:${t.token}`).toString("base64")}`;
    const grant = await call(f, "/token?service=ghcr.io&scope=repository:acme/payments:pull&scope=repository:acme/api:pull", basic);
    expect(grant.status).toBe(200);
    const bearer = `Bearer ${(grant.body as { token: string }).token}`;
    expect((await call(f, "/v2/acme/api/tags/list", bearer)).status).toBe(200);
    expect((await call(f, "/v2/acme/payments/tags/list", bearer)).status).toBe(401);
    // a classic PAT with read:packages reads both
    const pat = `Basic ${Buffer.from("x:demo-token").toString("base64")}`;
    const patGrant = `Bearer ${((await call(f, "/token?service=ghcr.io&scope=repository:acme/payments:pull", pat)).body as { token: string }).token}`;
    expect((await call(f, "/v2/acme/payments/tags/list", patGrant)).status).toBe(200);
  });

  it("logs each request with how it was authenticated, never the credential itself", async () => {
    const f = await start();
    const t = await newToken(f);
    await call(f, "/orgs/acme", `token ${t.token}`);
    await call(f, "/orgs/acme", "token demo-token");
    await call(f, "/orgs/acme", "token nope");
    const log = f.requests();
    expect(log.map((r) => [r.method, r.route, r.status, r.auth])).toEqual([
      ["POST", "POST /app/installations/:installation_id/access_tokens", 201, { kind: "app-jwt", appId: APP_ID }],
      ["GET", "GET /orgs/:org", 200, { kind: "installation", installationId: f.app!.installationId, token: 1 }],
      ["GET", "GET /orgs/:org", 200, { kind: "token", login: "octocat" }],
      ["GET", "GET /orgs/:org", 401, { kind: "refused" }],
    ]);
    expect(JSON.stringify(log)).not.toContain(t.token);
    f.resetStats();
    expect(f.requests()).toEqual([]);
  });

  it("npm run fake-github serves the App given --app-id and --app-public-key", async () => {
    const keyFile = path.join((await import("node:os")).tmpdir(), `cg-fake-app-${process.pid}.pub`);
    writeFileSync(keyFile, appKeyPair().publicKey);
    const child = spawn(process.execPath, ["--import", "tsx", "lib/demo/fake-github-cli.ts", "--fixture", DEMO_FIXTURE, "--port", "0", "--app-id", String(APP_ID), "--app-public-key", keyFile, "--app-slug", "cg-cli"],
      { cwd: path.resolve(import.meta.dirname, ".."), stdio: ["ignore", "pipe", "pipe"] });
    try {
      const out = await new Promise<string>((resolve, reject) => {
        let text = "";
        child.stdout.on("data", (d: Buffer) => {
          text += d.toString();
          if (/installation \d+\n/.test(text)) resolve(text);
        });
        child.on("exit", (code) => reject(new Error(`fake-github exited ${code}`)));
      });
      const url = /listening on (\S+)/.exec(out)![1];
      expect(out).toMatch(new RegExp(`GitHub App ${APP_ID} \\(cg-cli\\) installed on the org as installation \\d+`));
      const res = await fetch(`${url}/app`, { headers: { authorization: `Bearer ${jwt()}` } });
      expect(((await res.json()) as { slug: string }).slug).toBe("cg-cli");
    } finally {
      child.kill("SIGTERM");
      rmSync(keyFile, { force: true });
    }
  });
});
