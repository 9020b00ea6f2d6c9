import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_DATABASE_URL, createDb } from "@/lib/server/db";

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
  if (!url.startsWith("file:")) throw new Error(`DATABASE_URL must be a SQLite file: URL (got "${url.split(":")[0]}:…")`);
  const p = url.slice("file:".length).split("?")[0];
  return path.resolve(process.cwd(), p);
}

function migrationNames(root: string): string[] {
  const dir = path.join(root, "prisma", "migrations");
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort();
}

async function appliedMigrations(file: string): Promise<Set<string>> {
  if (!existsSync(file)) return new Set();
  // better-sqlite3 is only a dependency of the Prisma adapter (no types): go through Prisma
  const db = createDb(`file:${file}`);
  try {
    const table = await db.$queryRawUnsafe<Array<{ name: string }>>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'",
    );
    if (table.length === 0) return new Set();
    const rows = await db.$queryRawUnsafe<Array<{ migration_name: string }>>(
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
    );
    return new Set(rows.map((r) => r.migration_name));
  } finally {
    await db.$disconnect();
  }
}

function runMigrateDeploy(root: string, file: string): Promise<void> {
  const bin = path.join(root, "node_modules", ".bin", process.platform === "win32" ? "prisma.cmd" : "prisma");
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ["migrate", "deploy"], {
      cwd: root,
      // an absolute URL so the child resolves the same file whatever its cwd
      env: { ...process.env, DATABASE_URL: `file:${file}`, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`prisma migrate deploy failed (exit ${code}): ${output.trim().slice(-2000)}`));
    });
  });
}

const pending = new Map<string, Promise<void>>();

/**
 * Create the SQLite file's folder and apply pending migrations on first use. Fast when the
 * database is already current: it only compares `_prisma_migrations` with the migration folders.
 */
export function ensureDatabase(url: string = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): Promise<void> {
  const file = sqlitePathFromUrl(url);
  const inFlight = pending.get(file);
  if (inFlight) return inFlight;
  const job = (async () => {
    mkdirSync(path.dirname(file), { recursive: true });
    const root = projectRoot();
    const applied = await appliedMigrations(file);
    if (migrationNames(root).every((m) => applied.has(m))) return;
    await runMigrateDeploy(root, file);
  })().finally(() => pending.delete(file));
  pending.set(file, job);
  return job;
}
