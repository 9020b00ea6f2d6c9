import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
// the second client, generated from prisma/postgresql/schema.prisma (`npm run db:schema`, postinstall)
import { PrismaClient as PostgresClient } from "@/lib/generated/prisma-postgresql";
import { isPostgresUrl } from "@/lib/server/dialect";

/**
 * One type for both databases: the two generated clients come from the same models (the PostgreSQL
 * schema is generated from the SQLite one), so their model APIs are the same. Where they differ
 * (`mode: "insensitive"`, provider-specific SQL) lib/server/dialect.ts says so.
 */
export type Db = PrismaClient;

export const DEFAULT_DATABASE_URL = "file:./data/cacheguard.db";

/**
 * A Prisma client for DATABASE_URL, through a driver adapter (no Rust engine):
 * - `file:` SQLite through better-sqlite3; `?mode=ro` opens the file read-only (a dashboard over a
 *   copy); other query parameters are not part of the file name.
 * - `postgresql://` / `postgres://` through node-postgres; `?connection_limit=N` sizes its pool
 *   (default 10, node-postgres's own).
 */
export function createDb(url: string = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): Db {
  if (isPostgresUrl(url)) return createPostgresDb(url);
  const [file, query = ""] = url.split("?", 2);
  const readonly = new URLSearchParams(query).get("mode") === "ro";
  const adapter = new PrismaBetterSQLite3({ url: file, ...(readonly ? { readonly: true } : {}) } as { url: string });
  return new PrismaClient({ adapter });
}

function createPostgresDb(url: string): Db {
  const u = new URL(url);
  const limit = Number(u.searchParams.get("connection_limit") ?? "");
  // Prisma's own URL parameter: node-postgres would pass it to the server as a setting
  u.searchParams.delete("connection_limit");
  const adapter = new PrismaPg({ connectionString: u.toString(), ...(limit > 0 ? { max: limit } : {}) });
  // same models, same API (see Db above); the classes differ only in their generated type names
  // Prisma's defaults (2 s to get a connection, 5 s per transaction) suit in-process SQLite; on
  // PostgreSQL every write of a batch $transaction is a round trip, so a scan's batches (hundreds
  // of upserts) under load outlive 5 s, and the scan fails (P2028, "expired transaction"; seen in the
  // fault-injection suite on a loaded machine)
  return new PostgresClient({ adapter, transactionOptions: { maxWait: 15_000, timeout: 120_000 } }) as unknown as Db;
}

const globalForDb = globalThis as unknown as { cacheguardDb?: Db };

/** One client per process (kept on globalThis so Next's dev reloads do not open more). */
export function getDb(): Db {
  globalForDb.cacheguardDb ??= createDb();
  return globalForDb.cacheguardDb;
}
