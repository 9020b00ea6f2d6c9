import { createSerializer, parseAsInteger, parseAsString, parseAsStringLiteral } from "nuqs";
import { FINDING_SORTS, FINDING_STATUSES, REPORT_VIEWS, SEVERITIES } from "@/lib/server/queries/finding-options";

/**
 * The report's URL state, for the problems table and the findings table alike. Defaults match
 * findingFiltersSchema, and stay out of the URL (no `view`: problems).
 */
export const findingParsers = {
  view: parseAsStringLiteral(REPORT_VIEWS),
  rule: parseAsString,
  severity: parseAsStringLiteral(SEVERITIES),
  repo: parseAsString,
  team: parseAsString,
  status: parseAsStringLiteral(FINDING_STATUSES).withDefault("open"),
  since: parseAsInteger,
  q: parseAsString,
  sort: parseAsStringLiteral(FINDING_SORTS).withDefault("severity"),
  dir: parseAsStringLiteral(["asc", "desc"] as const).withDefault("asc"),
  page: parseAsInteger.withDefault(1),
  pageSize: parseAsInteger.withDefault(25),
  /** the findings table's keyset cursors (nextCursor / prevCursor of the page before); `page` is then its number as shown */
  after: parseAsString,
  before: parseAsString,
};

export const serializeFindingParams = createSerializer(findingParsers);
