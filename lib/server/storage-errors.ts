/**
 * What a user can do about a storage failure, in one sentence, without Prisma's internals (query
 * text, file paths, stack). SQLite's result codes come through Prisma's driver adapter as `code`;
 * PostgreSQL's failures as Prisma's P1xxx codes or node-postgres's (SQLSTATE or errno) codes.
 */
export interface StorageProblem {
  status: 503 | 500;
  message: string;
}

function codeOf(e: unknown): string {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === "string" ? c : "";
}

export function storageProblem(e: unknown): StorageProblem | null {
  const code = codeOf(e);
  const text = e instanceof Error ? e.message : String(e);
  if (code.startsWith("SQLITE_READONLY") || /readonly database/i.test(text)) {
    return { status: 503, message: "the database is read-only: make the DATABASE_URL file and its folder writable by the server's user (and drop ?mode=ro), then retry." };
  }
  if (code.startsWith("SQLITE_CANTOPEN") || /directory does not exist|unable to open database/i.test(text)) {
    return { status: 503, message: "the database cannot be opened: check that DATABASE_URL points at a file in an existing, writable folder, then restart." };
  }
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED") || /database is locked/i.test(text)) {
    return { status: 503, message: "the database is busy (another process holds a lock): retry in a moment." };
  }
  if (code.startsWith("SQLITE_FULL") || /database or disk is full/i.test(text)) {
    return { status: 503, message: "the disk holding the database is full: free some space, then retry." };
  }
  if (code.startsWith("SQLITE_CORRUPT") || code.startsWith("SQLITE_NOTADB") || /malformed|not a database/i.test(text)) {
    return { status: 500, message: "the database file is damaged or not a cacheguard database: restore it from a backup or point DATABASE_URL at a new file." };
  }
  if (code === "P1001" || code === "ECONNREFUSED" || code === "ENOTFOUND" || /can't reach database server/i.test(text)) {
    return { status: 503, message: "the PostgreSQL server cannot be reached: check that it is running and DATABASE_URL's host and port, then retry." };
  }
  if (code === "P1000" || code === "28P01" || code === "28000") {
    return { status: 503, message: "PostgreSQL refused the sign-in: check the user and password in DATABASE_URL, then restart." };
  }
  if (code === "25006" || /read-only transaction/i.test(text)) {
    return { status: 503, message: "the database is read-only (a PostgreSQL standby or a read-only user): point DATABASE_URL at the primary, then retry." };
  }
  if (code === "P2021" || code === "P2022" || /no such (table|column)/i.test(text)) {
    return { status: 503, message: "the database schema is out of date: run `npm run db:migrate` (or restart with `npm start`, which migrates)." };
  }
  if (code.startsWith("SQLITE_IOERR")) {
    return { status: 503, message: "the database could not be read or written (I/O error): check the disk, then retry." };
  }
  return null;
}

/** A user-facing sentence for any failure: the storage advice when it is one, else a generic line. */
export function storageErrorMessage(e: unknown): string {
  const p = storageProblem(e);
  return p ? `Storage error: ${p.message}` : "Server error: the request failed; the server log has the details.";
}
