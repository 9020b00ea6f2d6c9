/**
 * The Finding rows a scan reads and inserts, in raw SQL that SQLite and PostgreSQL both run (quoted
 * identifiers as Prisma names them, values bound): Prisma's findMany and createMany cost a few ms per
 * row through the driver adapter, which at 100,000 findings is most of a scan. Reads select only the
 * columns a scan compares; inserts go 200 rows a statement (about 5,000 bound values, under both limits).
 */
import { Prisma } from "@prisma/client";
import type { Db } from "@/lib/server/db";
import { chunks } from "@/lib/server/chunk";

/** What a scan compares with what it found, and writes when they differ. */
export const COMPARED = [
  "repoId", "ruleId", "severity", "severityRank", "confidence", "path", "line", "column", "ref", "message", "fixDescription",
  "fixDiff", "locationKey", "suppressedBy", "suppressionReason", "suppressedAt", "suppressedUntil", "related",
] as const;

export type ComparedColumns = {
  repoId: number | null; ruleId: string; severity: string; severityRank: number; confidence: string; path: string; line: number;
  column: number; ref: string; message: string; fixDescription: string | null; fixDiff: string | null; locationKey: string | null;
  suppressedBy: string | null; suppressionReason: string | null; suppressedAt: string | null; suppressedUntil: Date | null; related: string;
};

export type StoredFinding = ComparedColumns & { id: number; fingerprint: string; resolvedScanId: number | null };

export type NewFindingRow = ComparedColumns & { orgId: number; fingerprint: string; firstSeenScanId: number; lastSeenScanId: number };

const READ = Prisma.raw(["id", "fingerprint", "resolvedScanId", ...COMPARED].map((c) => `"${c}"`).join(", "));

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function toStored(r: Record<string, unknown>): StoredFinding {
  return {
    ...(r as unknown as StoredFinding),
    id: Number(r.id), resolvedScanId: num(r.resolvedScanId), repoId: num(r.repoId), severityRank: Number(r.severityRank),
    line: Number(r.line), column: Number(r.column),
    // a raw read gives the driver's value (ISO text or a number on SQLite, a Date on PostgreSQL)
    suppressedUntil: r.suppressedUntil === null || r.suppressedUntil === undefined ? null : new Date(r.suppressedUntil as string | number | Date),
  };
}

/** The org's open findings (suppressed ones included), the columns a scan compares. */
export async function readOpenFindings(db: Db, orgId: number): Promise<StoredFinding[]> {
  const rows = await db.$queryRaw<Array<Record<string, unknown>>>(
    Prisma.sql`SELECT ${READ} FROM "Finding" WHERE "orgId" = ${orgId} AND "resolvedScanId" IS NULL`);
  return rows.map(toStored);
}

/** Resolved findings of the org with one of these fingerprints (found again), through the (orgId, fingerprint) index. */
export async function readResolvedByFingerprint(db: Db, orgId: number, fingerprints: string[]): Promise<StoredFinding[]> {
  const parts = await Promise.all(chunks(fingerprints, 2000).map((fps) => db.$queryRaw<Array<Record<string, unknown>>>(
    Prisma.sql`SELECT ${READ} FROM "Finding" WHERE "orgId" = ${orgId} AND "fingerprint" IN (${Prisma.join(fps)}) AND "resolvedScanId" IS NOT NULL`)));
  return parts.flat().map(toStored);
}

const INSERTED = ["orgId", "fingerprint", "firstSeenScanId", "lastSeenScanId", ...COMPARED] as const;
const INSERT_COLUMNS = Prisma.raw([...INSERTED, "createdAt", "updatedAt"].map((c) => `"${c}"`).join(", "));

/** Multi-row INSERT statements for new findings (for a $transaction); each resolves to its row count. */
export function insertFindings(db: Db, rows: NewFindingRow[], now = new Date()) {
  return chunks(rows, 200).map((part) => db.$executeRaw(Prisma.sql`INSERT INTO "Finding" (${INSERT_COLUMNS}) VALUES ${Prisma.join(
    part.map((r) => Prisma.sql`(${Prisma.join([...INSERTED.map((c) => r[c]), now, now])})`),
  )}`));
}

/** One changed (moved, re-opened, re-keyed) finding's UPDATE, every compared column written as found. */
export function updateFinding(db: Db, id: number, fingerprint: string, data: ComparedColumns, scanId: number, now = new Date()) {
  const sets = COMPARED.map((c) => Prisma.sql`${Prisma.raw(`"${c}"`)} = ${data[c]}`);
  return db.$executeRaw(Prisma.sql`UPDATE "Finding" SET ${Prisma.join(sets)}, "fingerprint" = ${fingerprint}, "lastSeenScanId" = ${scanId},
    "resolvedScanId" = NULL, "updatedAt" = ${now} WHERE "id" = ${id}`);
}
