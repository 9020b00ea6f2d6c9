/**
 * What differs between the two databases cacheguard runs on, in one place: which one a URL or a
 * client is, and the few query pieces that must be spelled differently.
 */
import { Prisma } from "@prisma/client";

export type Provider = "sqlite" | "postgresql";

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

export function isPostgresUrl(url: string): boolean {
  return POSTGRES_URL.test(url);
}

/** The provider of a DATABASE_URL (`file:` SQLite, `postgresql://`/`postgres://`), or of a client. */
export function providerOf(target: string | object): Provider {
  if (typeof target === "string") return isPostgresUrl(target) ? "postgresql" : "sqlite";
  // every Prisma client (and the one a $transaction callback is given) carries the schema's provider
  const active = (target as { _activeProvider?: string })._activeProvider;
  return active === "postgresql" ? "postgresql" : "sqlite";
}

/**
 * The largest id (or other `Int`) a query may be given: PostgreSQL's `integer` is 32-bit, and a
 * larger value in a query fails there (P2020) where SQLite's 64-bit integers simply find nothing.
 * Ids from outside (URLs, request bodies, filters) are checked against it.
 */
export const DB_INT_MAX = 2_147_483_647;

/** A DATABASE_URL as errors and logs may show it: a PostgreSQL URL as `user@host:port/db`, never its password. */
export function databaseLabel(url: string): string {
  if (!isPostgresUrl(url)) return url;
  try {
    const u = new URL(url);
    return `${u.username ? `${decodeURIComponent(u.username)}@` : ""}${u.hostname}${u.port ? `:${u.port}` : ""}${u.pathname}`;
  } catch {
    return "(an unparseable postgresql:// URL)";
  }
}

/**
 * A case-insensitive `contains` filter. SQLite's LIKE (what Prisma's `contains` becomes there)
 * already ignores case, but only for ASCII letters (`É` does not match `é`); PostgreSQL's needs
 * `mode: "insensitive"` (ILIKE, which folds every letter the database's locale knows). The SQLite
 * client's types have no `mode`, hence the cast: the PostgreSQL client takes it.
 */
export function containsInsensitive(db: object, text: string): { contains: string } {
  return (providerOf(db) === "postgresql" ? { contains: text, mode: "insensitive" } : { contains: text }) as { contains: string };
}

/** The raw-SQL operator for a case-insensitive LIKE: ILIKE on PostgreSQL, LIKE on SQLite (ASCII folding only, as above). */
export function likeInsensitive(db: object): Prisma.Sql {
  return providerOf(db) === "postgresql" ? Prisma.raw("ILIKE") : Prisma.raw("LIKE");
}

/**
 * A unique constraint said no (Prisma's P2002, both databases). By code, not `instanceof`: the two
 * generated clients each carry their own copy of Prisma's runtime, so an error thrown by the
 * PostgreSQL client is not an instance of `Prisma.PrismaClientKnownRequestError` from @prisma/client.
 */
export function isUniqueViolation(e: unknown): boolean {
  if ((e as { code?: unknown } | null)?.code === "P2002") return true;
  return e instanceof Error && /unique constraint/i.test(e.message);
}
