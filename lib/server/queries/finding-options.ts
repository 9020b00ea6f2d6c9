/**
 * The findings table's choices, apart from the zod schemas in finding-filters.ts: client code
 * imports these, and zod in the browser probes `new Function`, which our CSP (no eval) refuses.
 */
export const FINDING_SORTS = ["severity", "rule", "repo", "path", "confidence", "ref", "firstSeen"] as const;
export const FINDING_STATUSES = ["open", "new", "suppressed", "resolved", "all"] as const;
export const SEVERITIES = ["error", "warning", "note"] as const;
export const PAGE_SIZES = [25, 50, 100] as const;
/** The report shows problems (findings about one broken ref in one place, grouped) or the raw findings. */
export const REPORT_VIEWS = ["problems", "findings"] as const;
/** The team filter's value for repositories (and registry tags) no team owns. */
export const NO_TEAM = "~none";

/** Severity's order in storage (Finding.severityRank): the report sorts and filters on it through an index. */
export function severityRank(severity: string): number {
  return severity === "error" ? 0 : severity === "warning" ? 1 : 2;
}
