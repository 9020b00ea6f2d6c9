import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@prisma/client";

export type Db = PrismaClient;

export const DEFAULT_DATABASE_URL = "file:./data/cacheguard.db";

/**
 * A Prisma client on SQLite through better-sqlite3 (no Rust engine). `?mode=ro` opens the file
 * read-only (a dashboard over a copy); other query parameters are not part of the file name.
 */
export function createDb(url: string = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): Db {
  const [file, query = ""] = url.split("?", 2);
  const readonly = new URLSearchParams(query).get("mode") === "ro";
  const adapter = new PrismaBetterSQLite3({ url: file, ...(readonly ? { readonly: true } : {}) } as { url: string });
  return new PrismaClient({ adapter });
}

const globalForDb = globalThis as unknown as { cacheguardDb?: Db };

/** One client per process (kept on globalThis so Next's dev reloads do not open more). */
export function getDb(): Db {
  globalForDb.cacheguardDb ??= createDb();
  return globalForDb.cacheguardDb;
}
