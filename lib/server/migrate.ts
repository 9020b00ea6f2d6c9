import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_DATABASE_URL, createDb } from "@/lib/server/db";
import { databaseLabel, isPostgresUrl } from "@/lib/server/dialect";

/** The project root: where prisma/migrations and node_modules/.bin/prisma live. */
function projectRoot(): string {
  try {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const root = path.resolve(here, "..", "..");
    if (existsSync(path.join(root, "prisma", "migrations"))) return root;
  } catch {
    // bundled (Next): import.meta.url may not be a file URL; fall back to the cwd
  }
  return process.cwd();
}

/** `file:./data/x.db` -> absolute path (relative paths are relative to the cwd, like the adapter). */
export function sqlitePathFromUrl(url: string): string {
  if (!url.startsWith("file:")) throw new Error(`DATABASE_URL must be a SQLite file: URL or a postgresql:// URL (got "${url.split(":")[0]}:…")`);
  const p = url.slice("file:".length).split("?")[0];
  return path.resolve(process.cwd(), p);
}

function migrationsDir(root: string, postgres: boolean): string {
  return postgres ? path.join(root, "prisma", "postgresql", "migrations") : path.join(root, "prisma", "migrations");
}

function migrationNames(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort();
}

const APPLIED = "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL";

async function appliedSqlite(file: string): Promise<Set<string>> {
  if (!existsSync(file)) return new Set();
  // better-sqlite3 is only a dependency of the Prisma adapter (no types): go through Prisma
  const db = createDb(`file:${file}`);
  try {
    const table = await db.$queryRawUnsafe<Array<{ name: string }>>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'",
    );
    if (table.length === 0) return new Set();
    const rows = await db.$queryRawUnsafe<Array<{ migration_name: string }>>(APPLIED);
    return new Set(rows.map((r) => r.migration_name));
  } finally {
    await db.$disconnect();
  }
}

async function appliedPostgres(url: string): Promise<Set<string>> {
  const { Client } = await import("pg");
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (e) {
    // node-postgres's message names the address, never the password; ours adds the database
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new Error(`cannot reach the PostgreSQL server of DATABASE_URL (${databaseLabel(url)}): ${why}`);
  }
  try {
    // in the schema the URL selects (search_path), as Prisma's own tables are
    const table = await client.query<{ t: string | null }>("SELECT to_regclass('_prisma_migrations')::text AS t");
    if (!table.rows[0]?.t) return new Set();
    const rows = await client.query<{ migration_name: string }>(APPLIED);
    return new Set(rows.rows.map((r) => r.migration_name));
  } finally {
    await client.end();
  }
}

function runMigrateDeploy(root: string, url: string): Promise<void> {
  const bin = path.join(root, "node_modules", ".bin", process.platform === "win32" ? "prisma.cmd" : "prisma");
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ["migrate", "deploy"], {
      cwd: root,
      // prisma.config.ts picks the schema, the migrations and the adapter by this URL
      env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolve();
      // Prisma may echo the URL: the password never leaves in an error
      else reject(new Error(`prisma migrate deploy failed (exit ${code}): ${redactPassword(output.trim().slice(-2000), url)}`));
    });
  });
}

function redactPassword(text: string, url: string): string {
  try {
    const password = new URL(url).password;
    return password ? text.split(password).join("***").split(decodeURIComponent(password)).join("***") : text;
  } catch {
    return text;
  }
}

const pending = new Map<string, Promise<void>>();

/**
 * Apply pending migrations on first use: SQLite (creating the file's folder) or PostgreSQL (the
 * migrations under prisma/postgresql/). Fast when the database is already current: it only compares
 * `_prisma_migrations` with the migration folders.
 */
export function ensureDatabase(url: string = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): Promise<void> {
  const postgres = isPostgresUrl(url);
  const key = postgres ? url : sqlitePathFromUrl(url);
  const inFlight = pending.get(key);
  if (inFlight) return inFlight;
  const job = (async () => {
    const root = projectRoot();
    const names = migrationNames(migrationsDir(root, postgres));
    if (postgres) {
      const applied = await appliedPostgres(url);
      if (names.every((m) => applied.has(m))) return;
      await runMigrateDeploy(root, url);
      return;
    }
    mkdirSync(path.dirname(key), { recursive: true });
    const applied = await appliedSqlite(key);
    if (names.every((m) => applied.has(m))) return;
    // an absolute URL so the child resolves the same file whatever its cwd
    await runMigrateDeploy(root, `file:${key}`);
  })().finally(() => pending.delete(key));
  pending.set(key, job);
  return job;
}
