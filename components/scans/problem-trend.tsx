import { formatSpan } from "@/components/format";
import { NO_TEAM } from "@/lib/server/queries/finding-options";
import type { ProblemTrend } from "@/lib/server/queries/problem-trend";

/** How long problems stay open, by owner team: the median over fixed ones, and how many are open now. */
export function ProblemTrendPanel({ trend }: { trend: ProblemTrend }) {
  const { all } = trend;
  return (
    <section aria-labelledby="problem-trend" className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <h2 id="problem-trend" className="text-sm font-semibold">Time a problem stays open</h2>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400" data-testid="problem-trend-summary">
        {all.fixed > 0
          ? <>Median <strong className="tabular-nums">{formatSpan(all.medianOpenMs)}</strong> over {all.fixed} fixed {all.fixed === 1 ? "problem" : "problems"}</>
          : <>No problem has been fixed yet</>}
        {" "}· <span className="tabular-nums">{all.open}</span> still open (not counted in the median). From the scan that saw a problem open to the scan that found it fixed.
      </p>
      {trend.byTeam.length > 0 && (
        <table className="mt-3 w-full max-w-2xl border-collapse text-left text-sm">
          <caption className="sr-only">Median time open and open problems by owner team</caption>
          <thead className="border-b border-zinc-200 text-xs uppercase tracking-wide text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
            <tr>
              <th scope="col" className="py-1 pr-3 font-medium">Team</th>
              <th scope="col" className="py-1 pr-3 font-medium">Fixed</th>
              <th scope="col" className="py-1 pr-3 font-medium">Median time open</th>
              <th scope="col" className="py-1 pr-3 font-medium">Still open</th>
            </tr>
          </thead>
          <tbody>
            {trend.byTeam.map((t) => (
              <tr key={t.team} className="border-b border-zinc-100 dark:border-zinc-800/60" data-testid="team-trend-row">
                <td className="py-1 pr-3">{t.team === NO_TEAM ? <span className="text-zinc-500">no team</span> : t.team}</td>
                <td className="py-1 pr-3 tabular-nums">{t.fixed}</td>
                <td className="py-1 pr-3 tabular-nums">{t.fixed > 0 ? formatSpan(t.medianOpenMs) : "—"}</td>
                <td className="py-1 pr-3 tabular-nums">{t.open}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
