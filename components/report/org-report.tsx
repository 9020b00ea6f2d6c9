import { FindingsDataTable } from "@/components/tables/findings/data-table";
import { ProblemsDataTable } from "@/components/tables/problems/data-table";
import { getDb } from "@/lib/server/db";
import { findingFiltersSchema, parseFindingFilters } from "@/lib/server/queries/finding-filters";
import { findingFacets, listFindings } from "@/lib/server/queries/findings";
import { currentOrg } from "@/lib/server/queries/org";
import { viewedOrgLogin } from "@/lib/server/viewed-org";
import { listProblems, problemFacets } from "@/lib/server/queries/problems";
import { activeScan } from "@/lib/server/queries/scans";
import { reportSummary, teamNote } from "@/lib/server/queries/summary";
import { CoverageLine } from "./coverage-line";
import { NoOrgYet } from "./no-org-yet";
import { SummaryCards } from "./summary-cards";
import { ViewTabs } from "./view-tabs";

type SearchParams = Record<string, string | string[] | undefined>;

export async function OrgReport({ searchParams }: { searchParams: SearchParams }) {
  const db = getDb();
  const org = await currentOrg(db, await viewedOrgLogin());
  if (!org) return <NoOrgYet />;
  const parsed = parseFindingFilters(searchParams);
  // A hand-edited URL with a bad value falls back to the defaults and says so.
  const filters = parsed.ok ? parsed.filters : findingFiltersSchema.parse({});
  const [summary, active, note] = await Promise.all([reportSummary(db, org), activeScan(db, org), teamNote(db, org)]);
  // problems are the default once a scan has grouped the findings; before that, the findings are all there is
  const view = filters.view ?? (summary.problemsComputed ? "problems" : "findings");
  const table = view === "problems"
    ? { kind: "problems" as const, page: await listProblems(db, org, filters), facets: await problemFacets(db, org) }
    : { kind: "findings" as const, page: await listFindings(db, org, filters), facets: await findingFacets(db, org) };
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
      {!summary.problemsComputed && summary.lastScan && (
        <p role="status" className="rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm text-zinc-700 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-300">
          The findings are not grouped into problems yet: the next scan groups them.
        </p>
      )}
      <div className="flex flex-col gap-2">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <ViewTabs view={view} searchParams={searchParams} problems={summary.openProblems} findings={summary.openFindings} />
          {note && <p className="text-xs text-amber-700 dark:text-amber-300" data-testid="team-note">{note}</p>}
        </div>
        {table.kind === "problems" ? (
          <ProblemsDataTable data={table.page} facets={table.facets} org={org.login} scanned={summary.lastScan !== null} />
        ) : (
          <FindingsDataTable data={table.page} facets={table.facets} org={org.login} scanned={summary.lastScan !== null} />
        )}
      </div>
    </div>
  );
}
