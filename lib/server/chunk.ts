/**
 * SQLite (through Prisma's driver adapter) refuses statements with more than ~999 bound values, and
 * Prisma splits only findMany's `in` lists by itself: write-side `in` lists and every `notIn` must
 * be split by the caller. 500 leaves room for the statement's other parameters.
 */
export const SQL_CHUNK = 500;

export function chunks<T>(items: readonly T[], size = SQL_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
