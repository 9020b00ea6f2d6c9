/**
 * The findings table's order and keyset pages. Every sort is a list of non-null keys ending in the id,
 * all in the table's direction, so a page is "the next N rows after this row's keys": a row-value
 * comparison that SQLite and PostgreSQL both turn into an index range (the default order, severity, is
 * the open-findings index, see schema.prisma), instead of an OFFSET that reads and drops every row before.
 */
import { Prisma } from "@prisma/client";
import { z } from "zod";
import type { FindingFilters } from "./finding-filters";

const CONFIDENCE_RANK = Prisma.sql`CASE f."confidence" WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END`;

interface SortKey {
  sql: Prisma.Sql;
  /** the key's name in the row the page query selects */
  as: string;
  kind: "int" | "text";
}

const k = (sql: Prisma.Sql, as: string, kind: SortKey["kind"]): SortKey => ({ sql, as, kind });
const RANK = k(Prisma.sql`f."severityRank"`, "k_rank", "int");
const REF = k(Prisma.sql`f."ref"`, "k_ref", "text");
const PATH = k(Prisma.sql`f."path"`, "k_path", "text");
const LINE = k(Prisma.sql`f."line"`, "k_line", "int");
const ID = k(Prisma.sql`f."id"`, "k_id", "int");
// a finding with no repository (a registry tag nobody's workflows name) sorts with the empty name
export const REPO_NAME = Prisma.sql`COALESCE(r."name", '')`;

/** The keys of each sort; ties fall to ref, path, line and id, so the order is total and pages never overlap. */
const SORT_KEYS: Record<FindingFilters["sort"], SortKey[]> = {
  severity: [RANK, REF, PATH, LINE, ID],
  confidence: [k(CONFIDENCE_RANK, "k_conf", "int"), RANK, REF, PATH, LINE, ID],
  rule: [k(Prisma.sql`f."ruleId"`, "k_rule", "text"), RANK, REF, PATH, LINE, ID],
  repo: [k(REPO_NAME, "k_repo", "text"), RANK, REF, PATH, LINE, ID],
  path: [PATH, LINE, RANK, REF, ID],
  ref: [REF, RANK, PATH, LINE, ID],
  firstSeen: [k(Prisma.sql`f."firstSeenScanId"`, "k_first", "int"), RANK, REF, PATH, LINE, ID],
};

/** Does this sort need the repository's row (its name)? */
export function sortNeedsRepo(sort: FindingFilters["sort"]): boolean {
  return sort === "repo";
}

export function sortKeys(sort: FindingFilters["sort"]): SortKey[] {
  return SORT_KEYS[sort];
}

/** The columns a page query selects: the id and the sort keys of each row (for the cursors). */
export function keyColumns(sort: FindingFilters["sort"]): Prisma.Sql {
  return Prisma.join(SORT_KEYS[sort].filter((x) => x !== ID).map((x) => Prisma.sql`${x.sql} AS ${Prisma.raw(`"${x.as}"`)}`), ", ");
}

/** Columns an open (or new) view pins to NULL: the open-prefixed indexes' second and third columns. */
const OPEN_PREFIX = [Prisma.sql`f."resolvedScanId"`, Prisma.sql`f."suppressedBy"`];

/**
 * ORDER BY for the sort, forwards (the table's direction) or backwards (to read the page before a cursor).
 * `pinnedOpen`: the filter holds `resolvedScanId IS NULL AND suppressedBy IS NULL`, and the order starts
 * with those two columns. On such rows that changes no order (both are NULL in every row), but it lets
 * PostgreSQL read the open-prefixed index in order and stop after the page: its planner takes `IS NULL`
 * as an index condition, not as a constant that drops the column from the order, so without them it
 * reads every open row and sorts (about 90 ms at 100,000 open findings, against 0.1 ms). SQLite already
 * treats `IS NULL` as an equality there, and plans the same either way.
 */
export function keyOrder(sort: FindingFilters["sort"], dir: FindingFilters["dir"], backwards = false, pinnedOpen = false): Prisma.Sql {
  const desc = (dir === "desc") !== backwards;
  const by = [...(pinnedOpen ? OPEN_PREFIX : []), ...SORT_KEYS[sort].map((x) => x.sql)];
  return Prisma.sql`ORDER BY ${Prisma.join(by.map((x) => Prisma.sql`${x} ${Prisma.raw(desc ? "DESC" : "ASC")}`), ", ")}`;
}

/** Rows strictly after (or before) the cursor's row, in the table's direction. */
export function keyRange(sort: FindingFilters["sort"], dir: FindingFilters["dir"], cursor: CursorValues, backwards = false): Prisma.Sql {
  const keys = SORT_KEYS[sort];
  const forwardGreater = dir === "asc";
  const op = forwardGreater !== backwards ? ">" : "<";
  const values = keys.map((x, i) => (x.kind === "int" ? Prisma.sql`CAST(${cursor[i]} AS INTEGER)` : Prisma.sql`${cursor[i]}`));
  return Prisma.sql`(${Prisma.join(keys.map((x) => x.sql), ", ")}) ${Prisma.raw(op)} (${Prisma.join(values, ", ")})`;
}

export type CursorValues = Array<string | number>;

const cursorSchema = z.object({ s: z.string(), d: z.enum(["asc", "desc"]), v: z.array(z.union([z.string(), z.number().int()])) });

/** A cursor: the sort, its direction and the keys of one row, as URL-safe base64 of JSON. */
export function encodeCursor(sort: FindingFilters["sort"], dir: FindingFilters["dir"], row: Record<string, unknown>): string {
  const v = SORT_KEYS[sort].map((x) => {
    const raw = row[x === ID ? "id" : x.as];
    return x.kind === "int" ? Number(raw) : String(raw ?? "");
  });
  return Buffer.from(JSON.stringify({ s: sort, d: dir, v })).toString("base64url");
}

/**
 * The keys of a cursor made for this sort and direction; null for one that is not (a link edited by hand,
 * or made before the sort changed): the table then starts at its first page.
 */
export function decodeCursor(cursor: string, sort: FindingFilters["sort"], dir: FindingFilters["dir"]): CursorValues | null {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    if (!parsed.success || parsed.data.s !== sort || parsed.data.d !== dir) return null;
    const keys = SORT_KEYS[sort];
    if (parsed.data.v.length !== keys.length) return null;
    const ok = keys.every((x, i) => (x.kind === "int" ? typeof parsed.data.v[i] === "number" : typeof parsed.data.v[i] === "string"));
    return ok ? parsed.data.v : null;
  } catch {
    return null;
  }
}
