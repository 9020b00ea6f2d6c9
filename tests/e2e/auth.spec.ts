import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, request as playwrightRequest, test } from "@playwright/test";
import { type FakeGitHub, startFakeGitHub } from "../../lib/demo/fake-github/server";

/**
 * Sign-in outside demo mode, end to end: the app (the build the main e2e run made, `next start`,
 * never a second build) audits org `acme` on the fake GitHub, whose OAuth endpoints stand in for
 * github.com. A member signs in and sees the report; an outsider is refused; the API says 401.
 */
const ROOT = path.resolve(import.meta.dirname, "..", "..");
// where the built app lives (a copy built elsewhere can be pointed at for a quick local run)
const APP_DIR = process.env.CACHEGUARD_E2E_APP_DIR ?? ROOT;
const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");

let fake: FakeGitHub;
let server: ChildProcess | null = null;
let dir: string;
let base: string;
let serverLog = "";
let baseEnv: Record<string, string | undefined> = {};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === "object" && addr ? addr.port : 0));
    });
  });
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dir = mkdtempSync(path.join(tmpdir(), "cg-e2e-auth-"));
  fake = await startFakeGitHub({ fixture: path.join(ROOT, "lib", "demo", "fixture") });
  const port = await freePort();
  base = `http://localhost:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    DATABASE_URL: `file:${path.join(dir, "auth.db")}`,
    CACHEGUARD_ORG: "acme",
    GITHUB_TOKEN: "demo-token",
    GITHUB_API_URL: fake.url,
    GHCR_URL: fake.url,
    GITHUB_OAUTH_URL: fake.url,
    GITHUB_CLIENT_ID: "cacheguard-e2e",
    GITHUB_CLIENT_SECRET: "e2e-client-secret-value",
    NEXTAUTH_SECRET: "e2e-nextauth-secret-0123456789abcdef",
    NEXTAUTH_URL: base,
    CACHEGUARD_DEMO_URL: "",
    // GitHub is asked again about a membership after 3 s here (default and maximum: 10 minutes)
    CACHEGUARD_MEMBERSHIP_TTL_SECONDS: "3",
  };
  baseEnv = env;
  delete env.CACHEGUARD_DEMO_URL;
  // data to show: one scan through the CLI, into this server's own database
  const scan = await run(process.execPath, ["--import", "tsx", "lib/cli/main.ts", "scan", "--org", "acme", "--api-url", fake.url, "--registry-url", fake.url], env);
  expect(scan.code, scan.out).toBe(1); // 1: error findings reported
  server = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(port)], { cwd: APP_DIR, env, stdio: ["ignore", "pipe", "pipe"] });
  server.stdout?.on("data", (d: Buffer) => (serverLog += d.toString()));
  server.stderr?.on("data", (d: Buffer) => (serverLog += d.toString()));
  await expect
    .poll(async () => (await fetch(`${base}/api/rules`).catch(() => null))?.status ?? 0, { timeout: 60_000, intervals: [300] })
    .toBe(401);
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((r) => server!.once("exit", r));
  }
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("an API call without a session gets 401 JSON, and a page sends you to sign in", async ({ request, page }) => {
  const res = await request.get(`${base}/api/findings`);
  expect(res.status()).toBe(401);
  expect(await res.json()).toEqual({ error: expect.stringMatching(/Sign in with GitHub/) });
  const post = await request.post(`${base}/api/scans`, { headers: { origin: base } });
  expect(post.status()).toBe(401);

  await page.goto(`${base}/repos/api`);
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Frepos%2Fapi/);
  await expect(page.getByRole("button", { name: "Sign in with GitHub" })).toBeVisible();
  await expect(page.getByText(/visible to members of the acme GitHub organization/)).toBeVisible();
});

test("a member of the org signs in with GitHub and sees the report", async ({ page }) => {
  await page.goto(`${base}/`);
  await expect(page).toHaveURL(/\/signin/);
  await page.getByRole("button", { name: "Sign in with GitHub" }).click();
  // the fake GitHub signs in its default user, octocat, a member of acme, and sends us back
  await expect(page).toHaveURL(`${base}/`, { timeout: 30_000 });
  await expect(page.getByRole("heading", { name: /Org report/ })).toBeVisible();
  const row = page.getByTestId("problem-row").filter({ hasText: "ghcr.io/acme/api:test" });
  await expect(row.first()).toBeVisible();

  // the session works for the API too, and a cross-site write is still refused
  const api = await page.request.get(`${base}/api/findings`);
  expect(api.status()).toBe(200);
  const forged = await page.request.post(`${base}/api/scans`, { headers: { origin: "https://evil.example" }, data: {} });
  expect(forged.status()).toBe(403);
  expect((await forged.json()).error).toMatch(/Cross-origin request refused/);
});

test("an outsider (a GitHub user who is not a member of acme) is refused", async ({ page }) => {
  // GitHub's `login` hint picks the account; the fake GitHub signs in mallory, who is no member
  await page.goto(`${base}/signin?login=mallory`);
  await page.getByRole("button", { name: "Sign in with GitHub" }).click();
  await expect(page).toHaveURL(/\/signin\?error=not-member&login=mallory/, { timeout: 30_000 });
  const refusal = page.getByRole("alert").filter({ hasText: "not a member" });
  await expect(refusal.getByRole("heading", { name: "You are not a member of acme" })).toBeVisible();
  await expect(refusal).toContainText("The GitHub account mallory is not a member of the acme organization");
  await expect(page.getByRole("button", { name: "Sign in with another GitHub account" })).toBeVisible();
  // and no session was made: the report and the API stay closed
  await page.goto(`${base}/`);
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2F$/);
  expect((await page.request.get(`${base}/api/summary`)).status()).toBe(401);
  // what the server logged for the refusal and the rest carries no secret
  expect(serverLog).not.toContain("e2e-client-secret-value");
  expect(serverLog).not.toContain("demo-token");
});

test("a member changes the scan schedule on /settings; it is checked, saved and re-armed at once", async ({ page }) => {
  await page.goto(`${base}/settings`);
  await page.getByRole("button", { name: "Sign in with GitHub" }).click();
  await expect(page).toHaveURL(`${base}/settings`, { timeout: 30_000 });
  await expect(page.getByText("Signed in as octocat")).toBeVisible();
  await expect(page.getByText(/Now 0 3 \* \* \*, the default/)).toBeVisible();
  await expect(page.getByRole("list", { name: "Next five runs" }).getByRole("listitem")).toHaveCount(5);

  // the schedule's own form (the page has other sections with their own Save)
  const schedule = page.getByRole("region", { name: "Scheduled scans" });
  const input = schedule.getByLabel(/Cron expression/);
  await input.fill("0 25 * * *");
  await expect(page.getByRole("alert").filter({ hasText: "not a valid cron expression" })).toBeVisible();
  await expect(schedule.getByRole("button", { name: "Save" })).toBeDisabled();

  await input.fill("30 2 * * 1-5");
  await schedule.getByRole("button", { name: "Save" }).click();
  await expect(schedule.getByRole("status")).toContainText("Saved. Next scan");
  await expect(page.getByText(/Now 30 2 \* \* 1-5, set on this page/)).toBeVisible();
  const runs = page.getByRole("list", { name: "Next five runs" }).locator("time");
  await expect(runs).toHaveCount(5);
  for (const iso of await runs.evaluateAll((els) => els.map((e) => e.getAttribute("datetime") ?? ""))) {
    const d = new Date(iso);
    expect(d.getUTCDay()).toBeGreaterThanOrEqual(1);
    expect(d.getUTCDay()).toBeLessThanOrEqual(5);
  }
  // the running scheduler took the new schedule without a restart
  await expect.poll(() => serverLog).toContain('[schedule] "30 2 * * 1-5" (settings)');
  await page.reload();
  await expect(page.getByText(/Now 30 2 \* \* 1-5, set on this page/)).toBeVisible();
});

test("with the org, OAuth app and NEXTAUTH_* set but no GITHUB_TOKEN, the server refuses to start instead of opening the data", async () => {
  test.setTimeout(60_000);
  const port = await freePort();
  const env: Record<string, string | undefined> = { ...baseEnv, PORT: String(port), NEXTAUTH_URL: `http://localhost:${port}` };
  delete env.GITHUB_TOKEN;
  const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(port)], { cwd: APP_DIR, env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 45_000);
    child.on("exit", (code) => { clearTimeout(timer); resolve({ code, out }); });
  });
  expect(r.code).toBe(1);
  expect(r.out).toContain("[cacheguard] cannot start: CACHEGUARD_ORG=acme is set but there is no way to read it: set GITHUB_TOKEN (or a GitHub App), or unset CACHEGUARD_ORG for the demo.");
  // nothing answers there: no summary, findings or settings for anyone
  expect(await fetch(`http://127.0.0.1:${port}/api/summary`).then((x) => x.status).catch(() => "refused")).toBe("refused");
});

test("forged origins are refused even with a session: another site, a forwarded host, the wrong scheme", async ({ page }) => {
  await page.goto(`${base}/`);
  await page.getByRole("button", { name: "Sign in with GitHub" }).click();
  await expect(page).toHaveURL(`${base}/`, { timeout: 30_000 });
  const port = new URL(base).port;
  const forged: Array<Record<string, string>> = [
    { origin: "http://evil.example", "x-forwarded-host": "evil.example" },
    { origin: `https://localhost:${port}` },
    { origin: `http://127.0.0.1:${port}` }, // the same server by another name is not the public URL
  ];
  for (const headers of forged) {
    const r = await page.request.put(`${base}/api/settings`, { headers: { ...headers, "content-type": "application/json" }, data: { schedule: "off" } });
    expect(r.status(), JSON.stringify(headers)).toBe(403);
  }
  expect((await page.request.get(`${base}/api/settings`)).status()).toBe(200);
});

test("signing out ends the session on the server: the old cookie no longer opens anything", async ({ page }) => {
  await page.goto(`${base}/settings`);
  await page.getByRole("button", { name: "Sign in with GitHub" }).click();
  await expect(page).toHaveURL(`${base}/settings`, { timeout: 30_000 });
  const cookie = (await page.context().cookies()).find((c) => c.name === "next-auth.session-token");
  expect(cookie).toBeTruthy();
  const replay = await playwrightRequest.newContext({ extraHTTPHeaders: { cookie: `${cookie!.name}=${cookie!.value}` } });
  expect((await replay.get(`${base}/api/summary`)).status()).toBe(200);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  const after = await replay.get(`${base}/api/summary`);
  expect(after.status()).toBe(401);
  expect((await after.json()).error).toMatch(/signed out/);
  const pageAfter = await replay.get(`${base}/repos/api`, { maxRedirects: 0 });
  expect(pageAfter.status()).toBe(307);
  expect(pageAfter.headers()["location"]).toMatch(/\/signin\?callbackUrl=/);
  await replay.dispose();
});

test("a member removed from the org loses access at the next membership check", async ({ page }) => {
  await page.goto(`${base}/signin?login=monalisa`);
  await page.getByRole("button", { name: "Sign in with GitHub" }).click();
  await expect(page).toHaveURL(`${base}/`, { timeout: 30_000 });
  await expect(page.getByRole("heading", { name: /Org report/ })).toBeVisible();
  expect((await page.request.get(`${base}/api/findings`)).status()).toBe(200);

  // an owner removes monalisa on GitHub
  const removed = await fetch(`${fake.url}/orgs/acme/members/monalisa`, { method: "DELETE", headers: { authorization: "Bearer demo-admin-token" } });
  expect(removed.status).toBe(204);
  // GitHub is asked again once the confirmed membership is older than the TTL (3 s here, 10 min by default)
  await page.waitForTimeout(3500);
  const api = await page.request.get(`${base}/api/findings`);
  expect(api.status()).toBe(403);
  expect(await api.json()).toEqual({ error: "monalisa is no longer a member of acme." });
  await page.goto(`${base}/repos/api`);
  await expect(page).toHaveURL(/\/signin\?error=not-member&login=monalisa/);
  await expect(page.getByRole("heading", { name: "You are not a member of acme" })).toBeVisible();
});
