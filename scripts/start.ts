/**
 * `npm start`: one command from a fresh clone to a dashboard with findings.
 * Migrates SQLite, starts the fake GitHub + GHCR server on the demo org when no real org is
 * configured, builds the Next app when the build is missing or stale, runs `next start`, triggers
 * a first scan and prints the URL. Signals are forwarded to the Next server.
 */
process.env.NEXT_TELEMETRY_DISABLED = "1";

import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startFakeGitHub, type FakeGitHub } from "../lib/demo/fake-github/server";
import { DEFAULT_DATABASE_URL } from "../lib/server/db";
import { DEMO_ORG, configProblem, isDemoMode, readEnv } from "../lib/server/env";
import { ensureDatabase } from "../lib/server/migrate";
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
    if (entry.name.endsWith(".test.ts") || entry.name === "fixture" || entry.name === "screenshots") continue;
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

async function main(): Promise<void> {
  const env = readEnv();
  const port = env.PORT;
  // an org that cannot be read is refused before anything runs, never served as the open demo
  const problem = configProblem(env);
  if (problem) throw new Refusal(problem);
  const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  process.env.DATABASE_URL = databaseUrl;

  log(`database ${databaseUrl}`);
  await ensureDatabase(databaseUrl);
  {
    const { getDb } = await import("../lib/server/db");
    const { startupProblem } = await import("../lib/server/startup-check");
    const refusal = await startupProblem(env, getDb());
    if (refusal) throw new Refusal(refusal);
  }
  const listen = listenPlan(env);

  let fake: FakeGitHub | null = null;
  if (isDemoMode(env) && !env.CACHEGUARD_DEMO_URL) {
    const latencyMs = Number(process.env.CACHEGUARD_DEMO_LATENCY_MS ?? "0") || 0;
    // CACHEGUARD_DEMO_PORT: a known port, so end-to-end tests can act on the fake GitHub (merge a pull request)
    const demoPort = Number(process.env.CACHEGUARD_DEMO_PORT ?? "0") || (await freePort());
    // the fake's org webhook points at the dashboard, signed with a secret made for this run
    process.env.GITHUB_WEBHOOK_SECRET ??= randomBytes(24).toString("hex");
    const webhooks = { url: `${listen.probeUrl}/api/webhooks/github`, secret: process.env.GITHUB_WEBHOOK_SECRET };
    fake = await startFakeGitHub({ fixture: path.join(ROOT, "lib", "demo", "fixture"), port: demoPort, host: "127.0.0.1", latencyMs, webhooks });
    process.env.CACHEGUARD_DEMO_URL = fake.url;
    log(`demo mode: no CACHEGUARD_ORG set, auditing the built-in org "${DEMO_ORG}" served by ${fake.url}; no sign-in`);
    log(`demo webhooks: the fake GitHub delivers signed events to ${webhooks.url}; push a change with POST ${fake.url}/_fake/push`);
  } else if (!isDemoMode(env)) {
    log(`auditing the GitHub organization "${env.CACHEGUARD_ORG}" through ${env.GITHUB_API_URL}`);
  }

  const childEnv: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", PORT: String(port) };
  if (buildIsStale()) {
    log("building the dashboard (next build); this takes a minute the first time…");
    const code = await run(["build"], { ...childEnv, NODE_ENV: "production" });
    if (code !== 0) {
      await fake?.close();
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
      process.exit(code ?? (signal ? 0 : 1));
    })();
  });

  await waitForServer(listen.probeUrl, server);
  // The first scan runs in this process (plain Node fetch, no session or Origin header needed
  // when sign-in is on); the dashboard reads its progress from the shared database.
  try {
    const { getDb } = await import("../lib/server/db");
    const { startScan, scanConfigFromEnv, ScanAlreadyRunningError } = await import("../lib/server/scan");
    try {
      const { scanId } = await startScan(getDb(), { config: scanConfigFromEnv(readEnv()), trigger: "startup" });
      log(`first scan started (scan #${scanId})`);
    } catch (e) {
      if (e instanceof ScanAlreadyRunningError) log(e.message);
      else throw e;
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
