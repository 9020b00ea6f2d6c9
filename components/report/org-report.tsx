import { FindingsDataTable } from "@/components/tables/findings/data-table";
import { getDb } from "@/lib/server/db";
import { findingFiltersSchema, parseFindingFilters } from "@/lib/server/queries/finding-filters";
import { findingFacets, listFindings } from "@/lib/server/queries/findings";
import { currentOrg } from "@/lib/server/queries/org";
import { activeScan } from "@/lib/server/queries/scans";
import { reportSummary } from "@/lib/server/queries/summary";
import { CoverageLine } from "./coverage-line";
import { NoOrgYet } from "./no-org-yet";
import { SummaryCards } from "./summary-cards";

type SearchParams = Record<string, string | string[] | undefined>;

export async function OrgReport({ searchParams }: { searchParams: SearchParams }) {
  const db = getDb();
  const org = await currentOrg(db);
  if (!org) return <NoOrgYet />;
  const parsed = parseFindingFilters(searchParams);
  // A hand-edited URL with a bad value falls back to the defaults and says so.
  const filters = parsed.ok ? parsed.filters : findingFiltersSchema.parse({});
  const [summary, active, page, facets] = await Promise.all([
    reportSummary(db, org),
    activeScan(db, org),
    listFindings(db, org, filters),
    findingFacets(db, org),
  ]);
  return (
    <div className="flex flex-col gap-6">
      <div className="flex items-baseline justify-between">
        <h1 className="text-2xl font-semibold">
          Org report <span className="text-zinc-500 dark:text-zinc-400">· {org.login}</span>
        </h1>
      </div>
      <SummaryCards summary={summary} active={active} />
      {summary.coverage && <CoverageLine coverage={summary.coverage} />}
      {!parsed.ok && (
        <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200">
          Some filters in the address were not understood and were ignored ({parsed.error}).
        </p>
      )}
      <FindingsDataTable data={page} facets={facets} org={org.login} scanned={summary.lastScan !== null} />
    </div>
  );
}
