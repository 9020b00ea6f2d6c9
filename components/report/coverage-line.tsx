import { OrgLink as Link } from "@/components/org-link";
import { coverageText } from "@/lib/server/scan/coverage";
import type { ReportSummary } from "@/lib/server/queries/summary";

/** "1,204 of 1,210 files analysed; 6 not: …": what a clean report does not cover, and where to see why. */
export function CoverageLine({ coverage }: { coverage: NonNullable<ReportSummary["coverage"]> }) {
  const missed = coverage.files - coverage.analysed;
  return (
    <p
      aria-label="Coverage"
      className={
        missed > 0
          ? "rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200"
          : "text-sm text-zinc-500"
      }
    >
      <span className="font-medium">Coverage:</span> {coverageText(coverage)}
      {missed > 0 && (
        <>
          {": "}
          {coverage.notAnalysed.map((m, i) => (
            <span key={i}>
              {i > 0 && "; "}
              {m.repo ? (
                <Link href={`/repos/${encodeURIComponent(m.repo)}`} className="underline">{m.repo}/{m.path}</Link>
              ) : (
                <code>{m.path}</code>
              )}{" "}
              ({m.message})
            </span>
          ))}
          {missed > coverage.notAnalysed.length && "; …"}
          {" · "}
          <Link href={`/scans/${coverage.scanId}`} className="underline">scan #{coverage.scanId}</Link>
        </>
      )}
    </p>
  );
}
