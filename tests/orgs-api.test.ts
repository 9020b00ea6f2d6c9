import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAuthConfig } from "@/lib/auth/config";
import { buildAuthOptions } from "@/lib/auth/options";
import { openSession } from "@/lib/auth/sessions";
import { DEFAULT_TOKENS } from "@/lib/demo/fake-github/fixture";
import { type FakeGitHub, startFakeGitHub } from "@/lib/demo/fake-github/server";
import { createDb, type Db } from "@/lib/server/db";
import { runScan } from "@/lib/server/scan";
import { freshDbUrl } from "./scan-helpers";

/**
 * Several orgs per deployment, through the API route handlers on a real SQLite file: every answer
 * is about the org of `?org=` (the default without it), an org the server does not audit is 404,
 * and a member of one org is refused another org's data.
 *
 * Two fake GitHubs: globex (lib/demo/fixture-globex) and a small "acme" made of the same fixture
 * without the repository that has the mistake, so acme's audit is clean and globex has one finding.
 * One GitHub API URL serves both, as github.com does, through a proxy that routes by org.
 */
type Route = Record<string, (req: NextRequest, ctx?: { params: Promise<Record<string, string>> }) => Promise<Response>>;
const routes = {
  summary: () => import("@/app/api/summary/route") as Promise<Route>,
  findings: () => import("@/app/api/findings/route") as Promise<Route>,
  repo: () => import("@/app/api/repos/[repo]/route") as Promise<Route>,
  scans: () => import("@/app/api/scans/route") as Promise<Route>,
  settings: () => import("@/app/api/settings/route") as Promise<Route>,
};

const WILE_TOKEN = "gho_wileTheGlobexMember000000000000";
const GLOBEX_FIXTURE = path.resolve(import.meta.dirname, "..", "lib", "demo", "fixture-globex");
const BASE = "http://localhost:3998";
const SECRET = "orgs-test-nextauth-secret-0123456789";
const saved = { ...process.env };
let dir: string;
let db: Db;
let dbUrl: string;
let acme: FakeGitHub;
let globex: FakeGitHub;
let proxy: Server;
let apiUrl: string;
const memberQuestions: string[] = [];

/** github.com's one API host: /orgs/globex/… goes to globex's fake, everything else to acme's. */
function orgRouter(): Promise<Server> {
  const server = createServer((req, res) => {
    const target = new URL(/^\/orgs\/globex(\/|$)/i.test(req.url ?? "") ? globex.url : acme.url);
    if (/\/members\//.test(req.url ?? "")) memberQuestions.push(req.url ?? "");
    const out = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(out);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function configure(extra: Record<string, string> = {}): void {
  for (const k of ["CACHEGUARD_ORG", "CACHEGUARD_ORGS", "GITHUB_APP_ID", "CACHEGUARD_MEMBERSHIP_TTL_SECONDS"]) delete process.env[k];
  Object.assign(process.env, {
    CACHEGUARD_ORGS: "acme,globex", GITHUB_TOKEN: "demo-token", GITHUB_API_URL: apiUrl, GITHUB_CLIENT_ID: "x", GITHUB_CLIENT_SECRET: "y",
    NEXTAUTH_SECRET: SECRET, NEXTAUTH_URL: BASE, DATABASE_URL: dbUrl, ...extra,
  });
}

async function call(route: keyof typeof routes, url: string, init: { method?: string; cookie?: string; body?: string; params?: Record<string, string> } = {}): Promise<Response> {
  const mod = await routes[route]();
  const method = init.method ?? "GET";
  const headers: Record<string, string> = { ...(init.cookie ? { cookie: init.cookie } : {}), ...(init.body ? { "content-type": "application/json", origin: BASE } : {}) };
  const req = new NextRequest(`${BASE}${url}`, { method, headers, body: init.body ?? null, ...(init.body ? { duplex: "half" } : {}) } as ConstructorParameters<typeof NextRequest>[1]);
  return mod[method](req, { params: Promise.resolve(init.params ?? {}) });
}

/** A signed-in browser: the session opened for `org`, as sign-in does for the first org the user belongs to. */
async function cookieFor(login: string, org = "acme"): Promise<string> {
  const sid = await openSession(db, login, org);
  return `next-auth.session-token=${await encode({ token: { sub: "1", login, sid }, secret: SECRET })}`;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "cg-orgs-"));
  dbUrl = await freshDbUrl(dir);
  db = createDb(dbUrl);
  (globalThis as unknown as { cacheguardDb?: Db }).cacheguardDb = db;
  const acmeFixture = path.join(dir, "acme");
  const globexFixture = path.join(dir, "globex");
  cpSync(GLOBEX_FIXTURE, acmeFixture, { recursive: true });
  cpSync(GLOBEX_FIXTURE, globexFixture, { recursive: true });
  rmSync(path.join(acmeFixture, "repos", "rocket"), { recursive: true });
  writeFileSync(path.join(acmeFixture, "org.json"), JSON.stringify({ login: "acme", oauth_login: "octocat", members: ["monalisa"] }));
  // wile (a user token, as sign-in has it) is a member of globex only
  const tokens = (wileMember: boolean) => JSON.stringify({ ...DEFAULT_TOKENS, [WILE_TOKEN]: { login: "wile", scopes: ["read:user", "read:org"], member: wileMember } });
  writeFileSync(path.join(acmeFixture, "tokens.json"), tokens(false));
  writeFileSync(path.join(globexFixture, "tokens.json"), tokens(true));
  [acme, globex] = await Promise.all([startFakeGitHub({ fixture: acmeFixture }), startFakeGitHub({ fixture: globexFixture })]);
  proxy = await orgRouter();
  apiUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  for (const [org, server] of [["acme", acme], ["globex", globex]] as const) {
    const s = await runScan(db, { trigger: "cli", config: { org, apiUrl: server.url, registryUrl: server.url, token: "demo-token" } });
    expect(s.status, org).toBe("succeeded");
  }
  // an org this database holds but the server is not configured for
  await db.org.create({ data: { login: "initech" } });
}, 120_000);

afterAll(async () => {
  process.env = saved;
  await new Promise((r) => proxy?.close(r));
  await Promise.all([acme?.close(), globex?.close()]);
  await db?.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe("every answer is about the org in the URL", () => {
  it("globex's finding shows under ?org=globex and never under acme (the default org)", async () => {
    configure();
    const cookie = await cookieFor("octocat");
    const mine = await (await call("findings", "/api/findings", { cookie })).json();
    expect(mine.total).toBe(0);
    const theirs = await (await call("findings", "/api/findings?org=globex", { cookie })).json();
    expect(theirs.rows.map((f: { repo: string; ruleId: string }) => `${f.repo} ${f.ruleId}`)).toEqual(["rocket cache-overwrites-image-tag"]);
    expect((await (await call("summary", "/api/summary?org=globex", { cookie })).json()).openFindings).toBe(1);
    expect((await (await call("summary", "/api/summary", { cookie })).json()).openFindings).toBe(0);
  });

  it("a repository is looked up in the viewed org only, even when both orgs have one of that name", async () => {
    configure();
    const cookie = await cookieFor("octocat");
    expect((await call("repo", "/api/repos/rocket", { cookie, params: { repo: "rocket" } })).status).toBe(404);
    expect((await call("repo", "/api/repos/rocket?org=globex", { cookie, params: { repo: "rocket" } })).status).toBe(200);
    const portal = await call("repo", "/api/repos/portal?org=acme", { cookie, params: { repo: "portal" } });
    expect((await portal.json()).org).toBe("acme");
  });

  it("an org the server does not audit is 404, even one the database holds", async () => {
    configure();
    const cookie = await cookieFor("octocat");
    for (const org of ["initech", "nope"]) {
      const res = await call("summary", `/api/summary?org=${org}`, { cookie });
      expect(res.status, org).toBe(404);
      expect(await res.json()).toEqual({ error: `This server does not audit the organization ${org}.` });
    }
    // and a visitor without a session learns nothing about which orgs exist
    expect((await call("summary", "/api/summary?org=nope")).status).toBe(401);
  });

  it("the scan history is the viewed org's", async () => {
    configure();
    const cookie = await cookieFor("octocat");
    expect((await (await call("scans", "/api/scans?org=globex", { cookie })).json()).org).toBe("globex");
    expect((await (await call("scans", "/api/scans", { cookie })).json()).org).toBe("acme");
  });
});

describe("sign-in is per org", () => {
  it("a member of acme who is not a member of globex sees acme and is refused globex with 403", async () => {
    configure();
    const cookie = await cookieFor("monalisa");
    expect((await call("summary", "/api/summary", { cookie })).status).toBe(200);
    const refused = await call("summary", "/api/summary?org=globex", { cookie });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: "monalisa is not a member of globex." });
    expect((await call("findings", "/api/findings?org=globex", { cookie })).status).toBe(403);
    // the refusal of globex does not end the session: acme still answers
    expect((await call("summary", "/api/summary?org=acme", { cookie })).status).toBe(200);
  });

  it("a member of both sees both; the answer about the other org is asked once and cached", async () => {
    configure();
    const cookie = await cookieFor("octocat");
    memberQuestions.length = 0;
    for (let i = 0; i < 3; i++) expect((await call("summary", "/api/summary?org=globex", { cookie })).status).toBe(200);
    expect(memberQuestions).toEqual(["/orgs/globex/members/octocat"]);
  });

  it("a member of globex only signs in (the default org is acme) and sees globex, not acme", async () => {
    configure();
    const opts = buildAuthOptions(readAuthConfig(process.env), { db: () => db });
    const signIn = opts.callbacks!.signIn! as (a: unknown) => Promise<boolean | string>;
    const jwt = opts.callbacks!.jwt! as (a: unknown) => Promise<Record<string, unknown>>;
    const account = { provider: "github", type: "oauth", providerAccountId: "9", access_token: WILE_TOKEN };
    expect(await signIn({ user: { id: "9" }, account, profile: { login: "wile" } })).toBe(true);
    const token = await jwt({ token: { sub: "9" }, account, profile: { login: "wile" } });
    expect(await db.authSession.findUniqueOrThrow({ where: { id: token.sid as string } })).toMatchObject({ login: "wile", org: "globex" });
    const cookie = `next-auth.session-token=${await encode({ token, secret: SECRET })}`;
    memberQuestions.length = 0;
    expect((await call("summary", "/api/summary?org=globex", { cookie })).status).toBe(200);
    const acmeAnswer = await call("summary", "/api/summary", { cookie });
    expect(acmeAnswer.status).toBe(403);
    expect(await acmeAnswer.json()).toEqual({ error: "wile is not a member of acme." });
    // sign-in's own answer about acme (with wile's token) is the cached one: GitHub is not asked again
    expect(memberQuestions).toEqual([]);
    // a member of neither is refused at sign-in
    expect(await signIn({ user: { id: "8" }, account: { ...account, access_token: "gho_nobody000000000000000000000" }, profile: { login: "nobody" } }))
      .toMatch(/^\/signin\?error=/);
  });
});

describe("each org has its own schedule", () => {
  it("saving globex's schedule leaves acme's as it was", async () => {
    configure({ CACHEGUARD_SCHEDULE: "0 3 * * *" });
    const cookie = await cookieFor("octocat");
    const put = await call("settings", "/api/settings?org=globex", { method: "PUT", cookie, body: '{"schedule":"15 5 * * 1"}' });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ org: "globex", schedule: "15 5 * * 1", source: "settings" });
    expect(await (await call("settings", "/api/settings", { cookie })).json()).toMatchObject({ org: "acme", schedule: "0 3 * * *", source: "env" });
    expect(await (await call("settings", "/api/settings?org=globex", { cookie })).json()).toMatchObject({ org: "globex", schedule: "15 5 * * 1" });
    // a member of acme only may not change globex's schedule
    const outsider = await call("settings", "/api/settings?org=globex", { method: "PUT", cookie: await cookieFor("monalisa"), body: '{"schedule":"off"}' });
    expect(outsider.status).toBe(403);
    expect((await (await call("settings", "/api/settings?org=globex", { cookie })).json()).schedule).toBe("15 5 * * 1");
  });
});
