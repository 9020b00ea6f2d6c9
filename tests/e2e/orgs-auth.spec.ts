import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import { type AddressInfo, createServer as netServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { type FakeGitHub, startFakeGitHub } from "../../lib/demo/fake-github/server";

/**
 * Sign-in with several orgs, end to end (the build the main e2e run made, `next start`): the server
 * audits acme (the default) and globex. monalisa is a member of acme only: she signs in, sees acme,
 * and gets a clear "not a member of globex" page for globex, whose API answers 403.
 * Two fake GitHubs stand behind one API URL (a proxy routing /orgs/globex/… to globex's), as on github.com.
 */
const ROOT = path.resolve(import.meta.dirname, "..", "..");
const APP_DIR = process.env.CACHEGUARD_E2E_APP_DIR ?? ROOT;
const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
const GLOBEX = path.join(ROOT, "lib", "demo", "fixture-globex");

let acme: FakeGitHub;
let globex: FakeGitHub;
let router: Server;
let server: ChildProcess | null = null;
let dir: string;
let base: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = netServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === "object" && addr ? addr.port : 0));
    });
  });
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dir = mkdtempSync(path.join(tmpdir(), "cg-e2e-orgs-auth-"));
  // a small acme: globex's fixture without the repository that has the mistake, monalisa a member
  const acmeFixture = path.join(dir, "acme");
  cpSync(GLOBEX, acmeFixture, { recursive: true });
  rmSync(path.join(acmeFixture, "repos", "rocket"), { recursive: true });
  writeFileSync(path.join(acmeFixture, "org.json"), JSON.stringify({ login: "acme", oauth_login: "octocat", members: ["monalisa"] }));
  [acme, globex] = await Promise.all([startFakeGitHub({ fixture: acmeFixture }), startFakeGitHub({ fixture: GLOBEX })]);
  router = createServer((req, res) => {
    const target = new URL(/^\/orgs\/globex(\/|$)/i.test(req.url ?? "") ? globex.url : acme.url);
    const out = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(out);
  });
  await new Promise<void>((r) => router.listen(0, "127.0.0.1", r));
  const apiUrl = `http://127.0.0.1:${(router.address() as AddressInfo).port}`;
  const port = await freePort();
  base = `http://localhost:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", PORT: String(port),
    DATABASE_URL: `file:${path.join(dir, "orgs.db")}`,
    CACHEGUARD_ORGS: "acme,globex", GITHUB_TOKEN: "demo-token", GITHUB_API_URL: apiUrl, GHCR_URL: acme.url,
    GITHUB_OAUTH_URL: acme.url, GITHUB_CLIENT_ID: "cacheguard-e2e", GITHUB_CLIENT_SECRET: "e2e-client-secret-value",
    NEXTAUTH_SECRET: "e2e-nextauth-secret-0123456789abcdef", NEXTAUTH_URL: base,
  };
  for (const k of ["CACHEGUARD_ORG", "CACHEGUARD_DEMO_URL", "CACHEGUARD_DEMO_ORG_URLS", "GITHUB_APP_ID"]) delete env[k];
  for (const [org, fake] of [["acme", acme], ["globex", globex]] as const) {
    const scan = await run(["--import", "tsx", "lib/cli/main.ts", "scan", "--org", org, "--api-url", fake.url, "--registry-url", fake.url], env);
    expect(scan.code, scan.out).toBe(org === "globex" ? 1 : 0); // 1: globex has an error finding
  }
  server = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(port)], { cwd: APP_DIR, env, stdio: "ignore" });
  await expect
    .poll(async () => (await fetch(`${base}/api/rules`).catch(() => null))?.status ?? 0, { timeout: 60_000, intervals: [300] })
    .toBe(401);
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((r) => server!.once("exit", r));
  }
  await new Promise((r) => router?.close(r));
  await Promise.all([acme?.close(), globex?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("a member of acme sees acme, and gets a clear 'not a member of globex' page (and 403) for globex", async ({ page }) => {
  await page.goto(`${base}/signin?login=monalisa`);
  await page.getByRole("button", { name: "Sign in with GitHub" }).click();
  await expect(page).toHaveURL(`${base}/`, { timeout: 30_000 });
  await expect(page.getByRole("heading", { name: /Org report/ })).toContainText("acme");

  await page.getByRole("combobox", { name: "Organization" }).selectOption("globex");
  await expect(page).toHaveURL(/\/signin\?error=not-member&login=monalisa&org=globex/, { timeout: 30_000 });
  const refusal = page.getByRole("alert").filter({ hasText: "not a member" }).filter({ has: page.getByRole("heading") });
  await expect(refusal.getByRole("heading", { name: "You are not a member of globex" })).toBeVisible();
  await expect(refusal).toContainText("The GitHub account monalisa is not a member of the globex organization");
  expect((await page.request.get(`${base}/api/findings?org=globex`)).status()).toBe(403);

  // still signed in for acme: the refusal page links back to it
  await page.getByTestId("other-orgs").getByRole("link", { name: "acme" }).click();
  await expect(page.getByRole("heading", { name: /Org report/ })).toContainText("acme");
  expect((await page.request.get(`${base}/api/findings`)).status()).toBe(200);
});

test("a member of both orgs follows a link to globex's view through sign-in, and switches to acme", async ({ page }) => {
  // octocat is the fake's default user: a member of acme and of globex
  await page.goto(`${base}/?org=globex&view=findings`);
  await page.getByRole("button", { name: "Sign in with GitHub" }).click();
  await expect(page).toHaveURL(`${base}/?org=globex&view=findings`, { timeout: 30_000 });
  await expect(page.getByTestId("finding-row")).toHaveCount(1);
  await expect(page.getByTestId("finding-row")).toContainText("ghcr.io/globex/rocket:edge");
  await page.getByRole("combobox", { name: "Organization" }).selectOption("acme");
  await expect(page).toHaveURL(`${base}/?view=findings`);
  await expect(page.getByRole("heading", { name: /Org report/ })).toContainText("acme");
  await expect(page.getByTestId("finding-row")).toHaveCount(0);
});
