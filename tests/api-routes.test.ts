import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { encode } from "next-auth/jwt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openSession, revokeSession } from "@/lib/auth/sessions";
import { type FakeGitHub, startFakeGitHub } from "@/lib/demo/fake-github/server";
import { createDb, type Db } from "@/lib/server/db";
import { testingOnPostgres } from "./postgres-test-db";
import { DEMO_FIXTURE, freshDbUrl } from "./scan-helpers";

/**
 * The API route handlers themselves (what runs after proxy.ts), on a real SQLite file: each one
 * checks the session, answers JSON with the right status for every mistake, and never shows
 * another org's data or Prisma's internals.
 */
type Route = Record<string, (req: NextRequest, ctx?: { params: Promise<Record<string, string>> }) => Promise<Response>>;
const routes = {
  summary: () => import("@/app/api/summary/route") as Promise<Route>,
  findings: () => import("@/app/api/findings/route") as Promise<Route>,
  repos: () => import("@/app/api/repos/route") as Promise<Route>,
  repo: () => import("@/app/api/repos/[repo]/route") as Promise<Route>,
  packages: () => import("@/app/api/packages/route") as Promise<Route>,
  pkg: () => import("@/app/api/packages/[name]/route") as Promise<Route>,
  rules: () => import("@/app/api/rules/route") as Promise<Route>,
  rule: () => import("@/app/api/rules/[id]/route") as Promise<Route>,
  scans: () => import("@/app/api/scans/route") as Promise<Route>,
  scan: () => import("@/app/api/scans/[id]/route") as Promise<Route>,
  settings: () => import("@/app/api/settings/route") as Promise<Route>,
  integrations: () => import("@/app/api/settings/integrations/route") as Promise<Route>,
  unknown: () => import("@/app/api/[...rest]/route") as Promise<Route>,
};

const BASE = "http://localhost:3999";
const SECRET = "route-test-nextauth-secret-0123456789";
let dir: string;
let db: Db;
let dbUrl: string;
let gh: FakeGitHub;
let acmeScan: number;
let otherScan: number;
const saved = { ...process.env };

const REAL = () => ({
  CACHEGUARD_ORG: "acme", GITHUB_TOKEN: "demo-token", GITHUB_API_URL: gh.url, GITHUB_CLIENT_ID: "x", GITHUB_CLIENT_SECRET: "y",
  NEXTAUTH_SECRET: SECRET, NEXTAUTH_URL: BASE, DATABASE_URL: dbUrl,
});

function setEnv(vars: Record<string, string>): void {
  for (const k of ["CACHEGUARD_ORG", "GITHUB_TOKEN", "GITHUB_APP_ID", "GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET", "NEXTAUTH_SECRET", "NEXTAUTH_URL", "CACHEGUARD_MEMBERSHIP_TTL_SECONDS"]) delete process.env[k];
  Object.assign(process.env, vars);
}

function useDb(d: Db): void {
  (globalThis as unknown as { cacheguardDb?: Db }).cacheguardDb = d;
}

async function call(route: keyof typeof routes, method: string, url: string, init: { headers?: Record<string, string>; body?: BodyInit | null; params?: Record<string, string> } = {}): Promise<Response> {
  const mod = await routes[route]();
  const req = new NextRequest(`${BASE}${url}`, { method, headers: init.headers, body: init.body ?? null, ...(init.body ? { duplex: "half" } : {}) } as ConstructorParameters<typeof NextRequest>[1]);
  return mod[method](req, { params: Promise.resolve(init.params ?? {}) });
}

async function cookieFor(login: string): Promise<string> {
  const sid = await openSession(db, login, "acme");
  const jwt = await encode({ token: { sub: "1", login, sid }, secret: SECRET });
  return `next-auth.session-token=${jwt}`;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "cg-routes-"));
  dbUrl = await freshDbUrl(dir);
  db = createDb(dbUrl);
  gh = await startFakeGitHub({ fixture: DEMO_FIXTURE });
  const acme = await db.org.create({ data: { login: "acme" } });
  const other = await db.org.create({ data: { login: "initech" } });
  acmeScan = (await db.scan.create({ data: { orgId: acme.id, trigger: "cli", status: "succeeded", finishedAt: new Date() } })).id;
  otherScan = (await db.scan.create({ data: { orgId: other.id, trigger: "cli", status: "succeeded", finishedAt: new Date() } })).id;
  useDb(db);
});
afterEach(() => {
  useDb(db);
});
afterAll(async () => {
  process.env = saved;
  await gh?.close();
  await db?.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe("a configured org is never served without sign-in", () => {
  it("with CACHEGUARD_ORG but no token every route refuses with one line, session or not", async () => {
    setEnv({ ...REAL(), GITHUB_TOKEN: "" });
    delete process.env.GITHUB_TOKEN;
    for (const [route, method] of [["summary", "GET"], ["findings", "GET"], ["repos", "GET"], ["settings", "PUT"]] as const) {
      const res = await call(route, method, `/api/${route}`, { headers: { "content-type": "application/json" }, body: method === "PUT" ? '{"schedule":"off"}' : null });
      expect(res.status, route).toBe(503);
      expect(await res.json()).toEqual({ error: expect.stringMatching(/^CACHEGUARD_ORG=acme is set but there is no way to read it: set GITHUB_TOKEN/) });
    }
    expect(await db.setting.count()).toBe(0);
  });

  it("without a session: 401; with a live one: the data; after sign-out: 401 again", async () => {
    setEnv(REAL());
    expect((await call("summary", "GET", "/api/summary")).status).toBe(401);
    const cookie = await cookieFor("octocat");
    const ok = await call("summary", "GET", "/api/summary", { headers: { cookie } });
    expect(ok.status).toBe(200);
    const sid = (await db.authSession.findFirstOrThrow({ orderBy: { createdAt: "desc" } })).id;
    await revokeSession(db, sid);
    const after = await call("summary", "GET", "/api/summary", { headers: { cookie } });
    expect(after.status).toBe(401);
    expect((await after.json()).error).toMatch(/signed out/);
  });

  it("a removed member is refused once the cached membership is older than the TTL", async () => {
    setEnv({ ...REAL(), CACHEGUARD_MEMBERSHIP_TTL_SECONDS: "1" });
    const cookie = await cookieFor("monalisa");
    expect((await call("repos", "GET", "/api/repos", { headers: { cookie } })).status).toBe(200);
    await fetch(`${gh.url}/orgs/acme/members/monalisa`, { method: "DELETE", headers: { authorization: "Bearer demo-admin-token" } });
    // still cached: the answer does not change within the TTL
    expect((await call("repos", "GET", "/api/repos", { headers: { cookie } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    const res = await call("repos", "GET", "/api/repos", { headers: { cookie } });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: "monalisa is no longer a member of acme." });
  });

  it("/api/scans/[id] answers only for the current org", async () => {
    setEnv(REAL());
    const cookie = await cookieFor("octocat");
    const mine = await call("scan", "GET", `/api/scans/${acmeScan}`, { headers: { cookie }, params: { id: String(acmeScan) } });
    expect(mine.status).toBe(200);
    expect((await mine.json()).id).toBe(acmeScan);
    const theirs = await call("scan", "GET", `/api/scans/${otherScan}`, { headers: { cookie }, params: { id: String(otherScan) } });
    expect(theirs.status).toBe(404);
    expect(await theirs.json()).toEqual({ error: `Scan #${otherScan} does not exist for acme.` });
  });
});

describe("/api/settings/integrations", () => {
  it("the environment is the default, the page wins, null goes back to the environment; signed-in only; bad bodies are 400", async () => {
    setEnv({ ...REAL(), CACHEGUARD_CODE_SCANNING: "1" });
    try {
      const json = { "content-type": "application/json" };
      expect((await call("integrations", "GET", "/api/settings/integrations")).status).toBe(401);
      expect((await call("integrations", "PUT", "/api/settings/integrations", { headers: json, body: '{"issues":true}' })).status).toBe(401);
      const cookie = await cookieFor("octocat");
      const get = await call("integrations", "GET", "/api/settings/integrations", { headers: { cookie } });
      expect(get.status).toBe(200);
      expect(await get.json()).toEqual({
        codeScanning: { enabled: true, source: "env", env: "CACHEGUARD_CODE_SCANNING", envValue: "1" },
        issues: { enabled: false, source: "default", env: "CACHEGUARD_ISSUES", envValue: null },
      });
      const off = await call("integrations", "PUT", "/api/settings/integrations", { headers: { ...json, cookie }, body: '{"codeScanning":false,"issues":true}' });
      expect(off.status).toBe(200);
      expect(await off.json()).toMatchObject({ codeScanning: { enabled: false, source: "settings" }, issues: { enabled: true, source: "settings" } });
      const reset = await call("integrations", "PUT", "/api/settings/integrations", { headers: { ...json, cookie }, body: '{"codeScanning":null}' });
      expect(await reset.json()).toMatchObject({ codeScanning: { enabled: true, source: "env" }, issues: { enabled: true, source: "settings" } });
      for (const body of ["{}", '{"codeScanning":"yes"}', '{"issues":true,"slack":true}']) {
        const bad = await call("integrations", "PUT", "/api/settings/integrations", { headers: { ...json, cookie }, body });
        expect(bad.status, body).toBe(400);
        expect((await bad.json()).error).toMatch(/^Send \{"codeScanning": true\|false\|null/);
      }
      expect(await db.setting.findMany({ where: { key: { startsWith: "integrations." } }, orderBy: { key: "asc" } })).toEqual([{ key: "integrations.issues", value: "on" }]);
    } finally {
      delete process.env.CACHEGUARD_CODE_SCANNING;
      await db.setting.deleteMany({ where: { key: { startsWith: "integrations." } } });
    }
  });
});

describe("API errors are JSON with the right status", () => {
  it("a wrong method is 405 with Allow; OPTIONS lists the methods", async () => {
    setEnv({ DATABASE_URL: dbUrl });
    const res = await call("rules", "DELETE", "/api/rules");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    expect(await res.json()).toEqual({ error: "DELETE is not allowed on /api/rules; use GET, HEAD, OPTIONS." });
    const put = await call("scans", "PUT", "/api/scans");
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, POST, HEAD, OPTIONS");
    const options = await call("settings", "OPTIONS", "/api/settings");
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toBe("GET, PUT, HEAD, OPTIONS");
    const head = await call("rules", "HEAD", "/api/rules");
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("an unknown route is 404 JSON", async () => {
    const res = await call("unknown", "POST", "/api/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "No API route /api/nope. See the README for the API." });
  });

  it("a body that is not JSON is 415; a broken one 400", async () => {
    setEnv({ DATABASE_URL: dbUrl });
    const plain = await call("settings", "PUT", "/api/settings", { headers: { "content-type": "text/plain" }, body: '{"schedule":"off"}' });
    expect(plain.status).toBe(415);
    expect(await plain.json()).toEqual({ error: "Send the body as application/json (got text/plain)." });
    const none = await call("settings", "PUT", "/api/settings", { body: '{"schedule":"off"}' });
    expect(none.status).toBe(415);
    const broken = await call("settings", "PUT", "/api/settings", { headers: { "content-type": "application/json" }, body: "{schedule" });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ error: "The request body is not valid JSON." });
    expect(await db.setting.count()).toBe(0);
  });

  it("a body over 64 KB is 413, announced or streamed, before it is read", async () => {
    setEnv({ DATABASE_URL: dbUrl });
    const announced = await call("settings", "PUT", "/api/settings", { headers: { "content-type": "application/json", "content-length": String(10 * 1024 * 1024) }, body: "{}" });
    expect(announced.status).toBe(413);
    expect(await announced.json()).toEqual({ error: "The request body is over 64 KB." });
    // a chunked upload without a length is cut off as soon as it passes 64 KB, not read to the end
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        sent += 16 * 1024;
        if (sent > 10 * 1024 * 1024) c.close();
        else c.enqueue(new Uint8Array(16 * 1024).fill(32));
      },
    });
    const streamed = await call("settings", "PUT", "/api/settings", { headers: { "content-type": "application/json" }, body: stream });
    expect(streamed.status).toBe(413);
    expect(sent).toBeLessThan(256 * 1024);
  });

  it("a param that decodes to nothing valid is 400, not 500", async () => {
    setEnv({ DATABASE_URL: dbUrl });
    const pkg = await call("pkg", "GET", "/api/packages/%25", { params: { name: "%" } });
    expect(pkg.status).toBe(400);
    expect((await pkg.json()).error).toMatch(/^Invalid package/);
    const scan = await call("scan", "GET", "/api/scans/x", { params: { id: "99999999999999999999" } });
    expect(scan.status).toBe(400);
    // past PostgreSQL's 32-bit integer: refused, not a database error (SQLite would just find nothing)
    const big = await call("scan", "GET", "/api/scans/3000000000", { params: { id: "3000000000" } });
    expect(big.status).toBe(400);
  });

  it("a read-only database says so, and what to do, without Prisma's internals", async () => {
    setEnv({ DATABASE_URL: dbUrl });
    // SQLite: a read-only copy of the file; PostgreSQL: a session where every transaction is read-only (a standby's answer)
    const file = path.join(dir, "readonly.db");
    const roUrl = testingOnPostgres() ? `${dbUrl}&options=${encodeURIComponent("-c default_transaction_read_only=on")}` : `file:${file}?mode=ro`;
    if (!testingOnPostgres()) copyFileSync(dbUrl.slice("file:".length), file);
    const ro = createDb(roUrl);
    useDb(ro);
    try {
      const res = await call("settings", "PUT", "/api/settings", { headers: { "content-type": "application/json" }, body: '{"schedule":"0 4 * * *"}' });
      expect(res.status).toBe(503);
      const body = (await res.json()) as { error: string };
      expect(body.error).toMatch(testingOnPostgres()
        ? /^Storage error: the database is read-only \(a PostgreSQL standby or a read-only user\): point DATABASE_URL at the primary/
        : /^Storage error: the database is read-only: make the DATABASE_URL file and its folder writable/);
      expect(body.error).not.toMatch(/prisma|invocation|upsert|SQLITE|readonly\.db/i);
      // reading still works
      expect((await call("settings", "GET", "/api/settings")).status).toBe(200);
    } finally {
      await ro.$disconnect();
    }
  });
});
