import { createHash, generateKeyPairSync } from "node:crypto";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { type FakeAppOptions, type FakeGitHub, type FakeGitHubOptions, startFakeGitHub } from "@/lib/demo/fake-github/server";
import { type Db, createDb } from "@/lib/server/db";
import { ensureDatabase } from "@/lib/server/migrate";
import type { ScanConfig } from "@/lib/server/scan";
import { freshPostgresUrl, testingOnPostgres } from "./postgres-test-db";

export const DEMO_FIXTURE = path.resolve(import.meta.dirname, "..", "lib", "demo", "fixture");

let template: Promise<string> | null = null;

/** Changes whenever what `prisma migrate deploy` would write changes: the migrations and the Prisma version. */
function schemaKey(): string {
  const root = path.resolve(import.meta.dirname, "..");
  const h = createHash("sha256");
  const migrations = path.join(root, "prisma", "migrations");
  for (const name of readdirSync(migrations).sort()) {
    const sql = path.join(migrations, name, "migration.sql");
    if (existsSync(sql)) h.update(name).update("\0").update(readFileSync(sql)).update("\0");
  }
  h.update(String((JSON.parse(readFileSync(path.join(root, "node_modules", "prisma", "package.json"), "utf8")) as { version: string }).version));
  return h.digest("hex").slice(0, 16);
}

/**
 * One migrated template for every test process of a run (and later runs of the same schema). Each
 * process migrating its own copy spawned one `prisma migrate deploy` per test file at the same moment:
 * with many scan test files in parallel on 2 cores that took 10-12 s, inside the first test's 30 s.
 * The first process to take the lock (an atomic mkdir) migrates and renames the file into place;
 * the others wait for it. A lock left by a killed process is taken over once it is stale.
 */
async function sharedTemplate(): Promise<string> {
  const dir = path.join(tmpdir(), `cg-scan-template-${schemaKey()}`);
  const file = path.join(dir, "template.db");
  const lock = path.join(dir, "lock");
  mkdirSync(dir, { recursive: true });
  const deadline = Date.now() + 180_000;
  while (!existsSync(file)) {
    let mine = false;
    try {
      mkdirSync(lock);
      mine = true;
    } catch {
      // another process is migrating; take over a lock nobody has touched for a minute
      const age = (() => { try { return Date.now() - statSync(lock).mtimeMs; } catch { return 0; } })();
      if (age > 60_000) rmSync(lock, { recursive: true, force: true });
    }
    if (mine) {
      try {
        if (!existsSync(file)) {
          const part = path.join(dir, `template-${process.pid}.db`);
          await ensureDatabase(`file:${part}`);
          renameSync(part, file);
        }
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
      break;
    }
    if (Date.now() > deadline) throw new Error(`no migrated template at ${file} after 180 s (lock ${lock})`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return file;
}

async function templateDb(): Promise<string> {
  template ??= sharedTemplate();
  return template;
}

/**
 * An empty, migrated database: a SQLite file in `dir` (a copy of the shared template), or in the
 * PostgreSQL run (`npm run test:postgres`) a new PostgreSQL database copied from the run's template.
 */
export async function freshDbUrl(dir: string): Promise<string> {
  if (testingOnPostgres()) return freshPostgresUrl();
  const file = path.join(dir, "cacheguard.db");
  copyFileSync(await templateDb(), file);
  return `file:${file}`;
}

export interface ScanEnv {
  dir: string;
  fixture: string;
  server: FakeGitHub;
  db: Db;
  dbUrl: string;
  /** PAT mode (demo-token) */
  config: ScanConfig;
  /** with `app`: the fake's GitHub App, and its private key (PKCS#1 PEM, as GitHub hands it out) */
  app?: { id: number; slug: string; installationId: number; privateKey: string };
  close(): Promise<void>;
}

let keyPair: { publicKey: string; privateKey: string } | null = null;

/** An RSA key pair for a test App (one per test process: generating one costs tens of ms). */
export function appKeyPair(): { publicKey: string; privateKey: string } {
  keyPair ??= generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs1", format: "pem" } });
  return keyPair;
}

export interface ScanEnvOptions {
  /** install a GitHub App on the fake's org (its key pair generated here); options for the fake's App */
  app?: Partial<Omit<FakeAppOptions, "publicKey">>;
  /** more options for the fake server */
  fake?: Partial<FakeGitHubOptions>;
}

/** Other registries in tests: `docker.io` is the fake's Docker Hub, and no other host is ever reached. */
export function hubRegistries(server: FakeGitHub, credentials: NonNullable<ScanConfig["registries"]>["credentials"] = []): NonNullable<ScanConfig["registries"]> {
  return { credentials, urls: { "docker.io": server.hub.url }, onlyListed: true };
}

/** The same for a command-line run: the environment variable that maps docker.io to the fake's Docker Hub. */
export function hubEnv(server: FakeGitHub): { CACHEGUARD_REGISTRY_URLS: string } {
  return { CACHEGUARD_REGISTRY_URLS: JSON.stringify({ "docker.io": server.hub.url }) };
}

/** A copy of the demo fixture in a temp dir, the fake server on it, and an empty migrated database. */
export async function scanEnv(prepare?: (fixture: string) => void, opts: ScanEnvOptions = {}): Promise<ScanEnv> {
  const dir = mkdtempSync(path.join(tmpdir(), "cg-scan-"));
  const fixture = path.join(dir, "fixture");
  cpSync(DEMO_FIXTURE, fixture, { recursive: true, preserveTimestamps: true });
  prepare?.(fixture);
  const dbUrl = await freshDbUrl(dir);
  await ensureDatabase(dbUrl); // already current: must be a no-op
  const db = createDb(dbUrl);
  const keys = opts.app ? appKeyPair() : null;
  const server = await startFakeGitHub({
    fixture, port: 0, ...opts.fake,
    ...(opts.app ? { app: { id: 4242, slug: "cacheguard-test", ...opts.app, publicKey: keys!.publicKey } } : {}),
  });
  return {
    dir, fixture, server, db, dbUrl,
    config: { org: "acme", apiUrl: server.url, registryUrl: server.url, token: "demo-token", registries: hubRegistries(server) },
    ...(server.app ? { app: { ...server.app, privateKey: keys!.privateKey } } : {}),
    async close() {
      await server.close();
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The scan configuration of App mode on `e`'s fake App: no PAT; `registryToken` (GHCR_TOKEN) when given. */
export function appConfig(e: ScanEnv, over: { registryToken?: string; installationId?: number; privateKey?: string } = {}): ScanConfig {
  if (!e.app) throw new Error("scanEnv was started without an app");
  return {
    org: "acme", apiUrl: e.server.url, registryUrl: e.server.url, registries: hubRegistries(e.server),
    app: { appId: String(e.app.id), privateKey: over.privateKey ?? e.app.privateKey, ...(over.installationId !== undefined ? { installationId: over.installationId } : {}) },
    ...(over.registryToken ? { registryToken: over.registryToken } : {}),
  };
}

/** Rewrite the cache ref a finding points at (`…:tag` -> `…:tag-cache`) in the fixture: the fix a user would make. */
export function moveCacheRef(fixture: string, f: { repo?: string; path: string; line: number; column: number }): void {
  const file = path.join(fixture, "repos", f.repo!.split("/")[1], f.path);
  const lines = readFileSync(file, "utf8").split("\n");
  const at = lines[f.line - 1];
  const start = f.column - 1;
  const end = start + (/^[^\s,"']+/.exec(at.slice(start))?.[0].length ?? 0);
  lines[f.line - 1] = `${at.slice(0, end)}-cache${at.slice(end)}`;
  writeFileSync(file, lines.join("\n"));
}

/**
 * A proxy in front of the fake server whose GraphQL answers say "no access" for one repository
 * (its alias comes back null with an error, as GitHub does), to model a repo that fails mid-scan.
 */
export async function failingRepoProxy(target: string, repo: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && k !== "host" && k !== "content-length") headers[k] = v;
    const upstream = await fetch(`${target}${req.url}`, { method: req.method, headers, body: req.method === "GET" || req.method === "HEAD" ? undefined : body });
    let text = Buffer.from(await upstream.arrayBuffer());
    if (req.url?.endsWith("/graphql") && upstream.ok) {
      const vars = (JSON.parse(body.toString()).variables ?? {}) as Record<string, unknown>;
      const json = JSON.parse(text.toString()) as { data?: Record<string, unknown>; errors?: unknown[] };
      for (const [k, v] of Object.entries(vars)) {
        const alias = `r${k.slice(1)}`;
        if (v === repo && /^n\d+$/.test(k) && json.data && alias in json.data) {
          json.data[alias] = null;
          json.errors = [...(json.errors ?? []), { type: "FORBIDDEN", path: [alias], message: `Resource not accessible by integration (${repo})` }];
        }
      }
      text = Buffer.from(JSON.stringify(json));
    }
    const out: Record<string, string> = {};
    upstream.headers.forEach((v, k) => { if (k !== "content-length" && k !== "content-encoding" && k !== "transfer-encoding") out[k] = v; });
    res.writeHead(upstream.status, out);
    res.end(req.method === "HEAD" ? undefined : text);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}
