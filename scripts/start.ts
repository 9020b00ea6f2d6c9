/**
 * `npm start`: one command from a fresh clone to a dashboard with findings.
 * Migrates SQLite, starts the fake GitHub + GHCR server on the demo org when no real org is
 * configured, builds the Next app when the build is missing or stale, runs `next start`, triggers
 * a first scan and prints the URL. Signals are forwarded to the Next server.
 */
process.env.NEXT_TELEMETRY_DISABLED = "1";

import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startFakeGitHub, type FakeGitHub } from "../lib/demo/fake-github/server";
import { DEFAULT_DATABASE_URL } from "../lib/server/db";
import { databaseLabel } from "../lib/server/dialect";
import { DEMO_ORG, configProblem, configuredOrgs, isDemoMode, readEnv } from "../lib/server/env";
import { ensureDatabase, sqlitePathFromUrl } from "../lib/server/migrate";
import { listenPlan } from "../lib/server/listen";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
/** What the production build is made from: a newer file here means `.next` is stale. */
const BUILD_INPUTS = ["app", "components", "lib", "public", "proxy.ts", "instrumentation.ts", "next.config.ts", "postcss.config.mjs", "package.json", "tsconfig.json"];

function log(msg: string): void {
  process.stdout.write(`[cacheguard] ${msg}\n`);
}

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(p, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    // Tests and the demo fixture do not go into the build; do not rebuild for them.
    if (entry.name.endsWith(".test.ts") || entry.name === "fixture" || entry.name === "fixture-globex" || entry.name === "screenshots") continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry.name)));
  }
  return newest;
}

function buildIsStale(): boolean {
  const buildId = path.join(ROOT, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  return BUILD_INPUTS.some((p) => newestMtime(path.join(ROOT, p)) > built);
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [NEXT_BIN, ...args], { cwd: ROOT, env, stdio: "inherit" });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with code ${child.exitCode}`);
    try {
      // any answer below 500 means Next is serving (401 when sign-in is on)
      const res = await fetch(`${url}/api/rules`);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the dashboard did not answer on ${url} within ${timeoutMs / 1000} s`);
}

class Refusal extends Error {}

/** The demo's GitHub App id (the fake server's App; nothing on github.com). */
const DEMO_APP_ID = 1_000_001;

/**
 * A fresh RSA key pair for the demo's fake GitHub App, made at every start. For the demo in App mode
 * it is written to the data folder (beside the database: `data/demo-app/`, ignored by git), the
 * private key readable by this user only. The fake server gets the public key; the dashboard signs
 * its App JWTs with the private one.
 */
function demoAppKey(databaseUrl: string, write: boolean): { publicKey: string; privateKeyFile: string | null } {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs1", format: "pem" } });
  if (!write) return { publicKey, privateKeyFile: null };
  const dataDir = databaseUrl.startsWith("file:") ? path.dirname(sqlitePathFromUrl(databaseUrl)) : path.join(ROOT, "data");
  const dir = path.join(dataDir, "demo-app");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const privateKeyFile = path.join(dir, "private-key.pem");
  writeFileSync(privateKeyFile, privateKey, { mode: 0o600 });
  chmodSync(privateKeyFile, 0o600);
  writeFileSync(path.join(dir, "public-key.pem"), publicKey);
  return { publicKey, privateKeyFile };
}

async function main(): Promise<void> {
  const env = readEnv();
  const port = env.PORT;
  // an org that cannot be read is refused before anything runs, never served as the open demo
  const problem = configProblem(env);
  if (problem) throw new Refusal(problem);
  const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  process.env.DATABASE_URL = databaseUrl;

  // a PostgreSQL URL may hold a password: the log names user@host:port/db only
  log(`database ${databaseLabel(databaseUrl)}`);
  await ensureDatabase(databaseUrl);
  {
    const { getDb } = await import("../lib/server/db");
    const { startupProblem } = await import("../lib/server/startup-check");
    const refusal = await startupProblem(env, getDb());
    if (refusal) throw new Refusal(refusal);
  }
  const listen = listenPlan(env);

  let fake: FakeGitHub | null = null;
  let globex: FakeGitHub | null = null;
  if (isDemoMode(env) && !env.CACHEGUARD_DEMO_URL) {
    const latencyMs = Number(process.env.CACHEGUARD_DEMO_LATENCY_MS ?? "0") || 0;
    // CACHEGUARD_DEMO_PORT: a known port, so end-to-end tests can act on the fake GitHub (merge a pull request)
    const demoPort = Number(process.env.CACHEGUARD_DEMO_PORT ?? "0") || (await freePort());
    // the fake org has a GitHub App installed; CACHEGUARD_DEMO_AUTH=app makes the demo scan as it
    const asApp = process.env.CACHEGUARD_DEMO_AUTH === "app";
    const key = demoAppKey(databaseUrl, asApp);
    // the fake's org webhook points at the dashboard, signed with a secret made for this run
    process.env.GITHUB_WEBHOOK_SECRET ??= randomBytes(24).toString("hex");
    const webhooks = { url: `${listen.probeUrl}/api/webhooks/github`, secret: process.env.GITHUB_WEBHOOK_SECRET };
    fake = await startFakeGitHub({
      fixture: path.join(ROOT, "lib", "demo", "fixture"), port: demoPort, host: "127.0.0.1", latencyMs, webhooks,
      app: { id: DEMO_APP_ID, slug: "cacheguard-demo", name: "cacheguard (demo)", publicKey: key.publicKey },
    });
    process.env.CACHEGUARD_DEMO_URL = fake.url;
    // the demo's second org (several orgs per deployment: the switcher, per-org schedules), on its own small fake
    globex = await startFakeGitHub({ fixture: path.join(ROOT, "lib", "demo", "fixture-globex"), port: 0, host: "127.0.0.1", latencyMs });
    process.env.CACHEGUARD_DEMO_ORG_URLS ??= JSON.stringify({ globex: globex.url });
    // the demo's Docker Hub is the fake's second registry host; demo scans reach no other registry
    process.env.CACHEGUARD_REGISTRY_URLS ??= JSON.stringify({ "docker.io": fake.hub.url });
    if (asApp && key.privateKeyFile) {
      process.env.CACHEGUARD_DEMO_APP_ID = String(DEMO_APP_ID);
      process.env.CACHEGUARD_DEMO_APP_KEY_FILE = key.privateKeyFile;
    }
    log(`demo mode: no CACHEGUARD_ORG set, auditing the built-in org "${DEMO_ORG}" served by ${fake.url} and "globex" served by ${globex.url}; no sign-in`);
    if (asApp) log(`demo mode: scanning as the GitHub App ${DEMO_APP_ID} (installation ${fake.app!.installationId}; key in ${path.relative(ROOT, key.privateKeyFile!)}), the registry with the demo PAT as GHCR_TOKEN`);
    log(`demo registries: docker.io is the fake Docker Hub at ${fake.hub.url} (token service ${fake.hub.authUrl})`);
    log(`demo webhooks: the fake GitHub delivers signed events to ${webhooks.url}; push a change with POST ${fake.url}/_fake/push`);
  } else if (!isDemoMode(env)) {
    log(`auditing the GitHub organization${configuredOrgs(env).length > 1 ? "s" : ""} ${configuredOrgs(env).map((o) => `"${o}"`).join(", ")} through ${env.GITHUB_API_URL}`);
  }

  const childEnv: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", PORT: String(port) };
  if (buildIsStale()) {
    log("building the dashboard (next build); this takes a minute the first time…");
    const code = await run(["build"], { ...childEnv, NODE_ENV: "production" });
    if (code !== 0) {
      await fake?.close();
      await globex?.close();
      throw new Error(`next build failed (exit ${code})`);
    }
  }

  // The server runs scans: the same heap tuning as lib/server/scan/heap.ts, from the start.
  const server = spawn(process.execPath, ["--optimize-for-size", NEXT_BIN, "start", "-p", String(port), ...listen.nextArgs], { cwd: ROOT, env: { ...childEnv, NODE_ENV: "production" }, stdio: "inherit" });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    server.kill(signal);
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  server.on("exit", (code, signal) => {
    void (async () => {
      await fake?.close().catch(() => undefined);
      await globex?.close().catch(() => undefined);
      process.exit(code ?? (signal ? 0 : 1));
    })();
  });

  await waitForServer(listen.probeUrl, server);
  // The first scan runs in this process (plain Node fetch, no session or Origin header needed
  // when sign-in is on); the dashboard reads its progress from the shared database.
  try {
    const { getDb } = await import("../lib/server/db");
    const { startScan, scanConfigFromEnv, ScanAlreadyRunningError } = await import("../lib/server/scan");
    // one first scan per org (each org has its own active scan)
    for (const org of configuredOrgs(readEnv())) {
      try {
        const { scanId } = await startScan(getDb(), { config: scanConfigFromEnv(readEnv(), org), trigger: "startup" });
        log(`first scan of ${org} started (scan #${scanId})`);
      } catch (e) {
        if (e instanceof ScanAlreadyRunningError) log(e.message);
        else throw e;
      }
    }
  } catch (e) {
    log(`first scan not started: ${e instanceof Error ? e.message : String(e)}`);
  }
  process.stdout.write(`cacheguard dashboard: ${listen.startLine}\n`);
}

main().catch((e: unknown) => {
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(e instanceof Refusal ? `[cacheguard] cannot start: ${msg}\n` : `[cacheguard] ${msg}\n`);
  process.exit(1);
});
