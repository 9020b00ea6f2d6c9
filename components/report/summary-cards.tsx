import { OrgLink as Link } from "@/components/org-link";
import { ScanStatusBadge } from "@/components/badges";
import { formatDateTime, formatDuration, notAnalysedText } from "@/components/format";
import { RescanButton } from "@/components/scans/rescan-button";
import type { ScanRow } from "@/lib/server/queries/scans";
import type { ReportSummary } from "@/lib/server/queries/summary";

function Card({ label, children, href }: { label: string; children: React.ReactNode; href?: string }) {
  const body = (
    <>
      <p className="text-xs font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400">{label}</p>
      <div className="mt-2">{children}</div>
    </>
  );
  const cls = "block h-40 rounded-lg border border-zinc-200 bg-white p-4 no-underline dark:border-zinc-800 dark:bg-zinc-900";
  return href ? (
    <Link href={href} className={`${cls} hover:border-zinc-400 dark:hover:border-zinc-600`}>{body}</Link>
  ) : (
    <section className={cls} aria-label={label}>{body}</section>
  );
}

export function SummaryCards({ summary, active }: { summary: ReportSummary; active: ScanRow | null }) {
  const last = summary.lastScan;
  return (
    <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4">
      {summary.problemsComputed ? (
        <Card label="Open problems" href="/">
          <p className="text-3xl font-semibold tabular-nums">
            <span className="text-red-600 dark:text-red-400">{summary.openProblems}</span>
            <span className="ml-1 text-base font-normal text-zinc-500"> {summary.openProblems === 1 ? "problem" : "problems"}</span>
          </p>
          <p className="mt-1 text-sm tabular-nums text-zinc-600 dark:text-zinc-400">
            <span className="text-red-600 dark:text-red-400">{summary.problemErrors}</span> {summary.problemErrors === 1 ? "error" : "errors"} ·{" "}
            <span className="text-amber-700 dark:text-amber-300">{summary.problemWarnings}</span> {summary.problemWarnings === 1 ? "warning" : "warnings"} · {summary.problemNotes} {summary.problemNotes === 1 ? "note" : "notes"}
          </p>
          <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">counted as problems, from {summary.openFindings} open {summary.openFindings === 1 ? "finding" : "findings"}</p>
        </Card>
      ) : (
        <Card label="Open findings" href="/?view=findings">
          <p className="text-3xl font-semibold tabular-nums">
            <span className="text-red-600 dark:text-red-400">{summary.openErrors}</span>
            <span className="ml-1 text-base font-normal text-zinc-500"> {summary.openErrors === 1 ? "error" : "errors"}</span>
          </p>
          <p className="mt-1 text-sm tabular-nums text-zinc-600 dark:text-zinc-400">
            <span className="text-amber-700 dark:text-amber-300">{summary.openWarnings}</span> {summary.openWarnings === 1 ? "warning" : "warnings"} · {summary.openNotes} {summary.openNotes === 1 ? "note" : "notes"}
          </p>
        </Card>
      )}
      <Card label="Repositories affected">
        <p className="text-3xl font-semibold tabular-nums">{summary.reposAffected}</p>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">of {summary.reposTotal} scanned in {summary.org}</p>
      </Card>
      <Card label="GHCR tags holding a cache" href="/packages">
        <p className={`text-3xl font-semibold tabular-nums ${summary.cacheTags > 0 ? "text-red-600 dark:text-red-400" : ""}`}>{summary.cacheTags}</p>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">tags whose manifest is a BuildKit cache</p>
      </Card>
      <section aria-label="Last scan" className="h-40 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
        <div className="flex items-center justify-between">
          <p className="text-xs font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400">Last scan</p>
          {last && <ScanStatusBadge status={last.status} />}
        </div>
        <p className="mt-2 truncate text-sm text-zinc-600 dark:text-zinc-400">
          {last ? (
            <Link href="/scans" className="hover:underline">
              {formatDateTime(last.startedAt)} · {last.trigger} · {formatDuration(last.durationMs)}
            </Link>
          ) : (
            "No scan yet"
          )}
        </p>
        {last && notAnalysedText(last) && (
          <p className="truncate text-xs text-amber-700 dark:text-amber-300">
            <Link href={`/scans/${last.id}`} className="underline">{notAnalysedText(last)}</Link>
          </p>
        )}
        {last?.error && (
          <p className="truncate text-xs text-red-700 dark:text-red-300" title={last.error}>
            {last.error}
          </p>
        )}
        <div className="mt-2">
          <RescanButton active={active} />
        </div>
      </section>
    </div>
  );
}
