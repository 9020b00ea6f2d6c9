import { createSerializer, parseAsInteger, parseAsString, parseAsStringLiteral } from "nuqs";
import { FINDING_SORTS, FINDING_STATUSES, SEVERITIES } from "@/lib/server/queries/finding-options";

/** The findings table's URL state. Defaults match findingFiltersSchema, and stay out of the URL. */
export const findingParsers = {
  rule: parseAsString,
  severity: parseAsStringLiteral(SEVERITIES),
  repo: parseAsString,
  status: parseAsStringLiteral(FINDING_STATUSES).withDefault("open"),
  since: parseAsInteger,
  q: parseAsString,
  sort: parseAsStringLiteral(FINDING_SORTS).withDefault("severity"),
  dir: parseAsStringLiteral(["asc", "desc"] as const).withDefault("asc"),
  page: parseAsInteger.withDefault(1),
  pageSize: parseAsInteger.withDefault(25),
};

export const serializeFindingParams = createSerializer(findingParsers);
