import { z } from "zod";
import { FINDING_SORTS, FINDING_STATUSES, NO_TEAM, PAGE_SIZES, REPORT_VIEWS, SEVERITIES } from "./finding-options";
import { DB_INT_MAX } from "../dialect";

export { FINDING_SORTS, FINDING_STATUSES, NO_TEAM, PAGE_SIZES, REPORT_VIEWS, SEVERITIES };

/* Findings table state: the same shape in the URL, the API and the query, so every view is a link. */

const emptyToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);

export const findingFiltersSchema = z.object({
  rule: z.preprocess(emptyToUndefined, z.string().max(100).optional()),
  severity: z.preprocess(emptyToUndefined, z.enum(SEVERITIES).optional()),
  repo: z.preprocess(emptyToUndefined, z.string().max(200).optional()),
  /** the owner team of the repository (NO_TEAM: none) */
  team: z.preprocess(emptyToUndefined, z.string().max(200).optional()),
  /** the report's table: problems (absent) or the raw findings */
  view: z.preprocess(emptyToUndefined, z.enum(REPORT_VIEWS).optional()),
  status: z.preprocess(emptyToUndefined, z.enum(FINDING_STATUSES).default("open")),
  /** only findings first seen after scan N ("new since scan N", a baseline in the dashboard) */
  since: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(DB_INT_MAX).optional()),
  q: z.preprocess(emptyToUndefined, z.string().max(200).optional()),
  sort: z.preprocess(emptyToUndefined, z.enum(FINDING_SORTS).default("severity")),
  dir: z.preprocess(emptyToUndefined, z.enum(["asc", "desc"]).default("asc")),
  page: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100_000).default(1)),
  pageSize: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(500).default(25)),
  /**
   * keyset pages of the findings table: the page after (or before) the row a cursor names (nextCursor /
   * prevCursor of the page before); `page` is then the page's number as shown. Without either, `page` is an offset.
   */
  after: z.preprocess(emptyToUndefined, z.string().max(2000).optional()),
  before: z.preprocess(emptyToUndefined, z.string().max(2000).optional()),
});

export type FindingFilters = z.infer<typeof findingFiltersSchema>;

/** Reads filters from URLSearchParams or a Next `searchParams` object (first value of repeated keys). */
export function parseFindingFilters(
  input: URLSearchParams | Record<string, string | string[] | undefined>,
): { ok: true; filters: FindingFilters } | { ok: false; error: string } {
  const raw: Record<string, string | undefined> = {};
  if (input instanceof URLSearchParams) {
    for (const key of input.keys()) raw[key] = input.get(key) ?? undefined;
  } else {
    for (const [k, v] of Object.entries(input)) raw[k] = Array.isArray(v) ? v[0] : v;
  }
  const parsed = findingFiltersSchema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  }
  return { ok: true, filters: parsed.data };
}
