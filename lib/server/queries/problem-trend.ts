import type { Db } from "../db";
import { NO_TEAM } from "./finding-options";
import type { OrgRef } from "./org";

export interface TeamTrend {
  /** the owner team, or NO_TEAM */
  team: string;
  /** problems fixed, and the median time they stayed open (ms); null when none was fixed */
  fixed: number;
  medianOpenMs: number | null;
  /** problems open now (fixed or not, a problem stays counted until it is gone) */
  open: number;
}

export interface ProblemTrend {
  all: TeamTrend;
  byTeam: TeamTrend[];
}

/** The middle value (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * How long problems stay open: from the scan that saw them open (again) to the scan that found them
 * fixed, by scan start; the median over fixed problems, overall and by the owner team of their
 * repository, with how many are still open. A problem whose findings are all silenced is neither.
 */
export async function problemTrend(db: Db, org: OrgRef): Promise<ProblemTrend> {
  const [fixed, open] = await Promise.all([
    db.problem.findMany({
      where: { orgId: org.id, resolvedScanId: { not: null } },
      select: { openedAt: true, resolvedAt: true, repo: { select: { team: true } } },
      orderBy: { id: "desc" }, take: 20_000,
    }),
    db.problem.findMany({
      where: { orgId: org.id, resolvedScanId: null, findings: { some: { resolvedScanId: null, suppressedBy: null } } },
      select: { repo: { select: { team: true } } },
    }),
  ]);
  const teams = new Map<string, { durations: number[]; open: number }>();
  const of = (team: string | null | undefined) => {
    const k = team ?? NO_TEAM;
    const t = teams.get(k) ?? { durations: [], open: 0 };
    teams.set(k, t);
    return t;
  };
  const durations: number[] = [];
  for (const p of fixed) {
    if (!p.resolvedAt) continue;
    const ms = Math.max(0, p.resolvedAt.getTime() - p.openedAt.getTime());
    durations.push(ms);
    of(p.repo?.team).durations.push(ms);
  }
  for (const p of open) of(p.repo?.team).open++;
  const trend = (team: string, d: number[], n: number): TeamTrend => ({ team, fixed: d.length, medianOpenMs: median(d), open: n });
  return {
    all: trend("all", durations, open.length),
    byTeam: [...teams].map(([team, t]) => trend(team, t.durations, t.open))
      .sort((a, b) => (a.team === NO_TEAM ? 1 : b.team === NO_TEAM ? -1 : a.team.localeCompare(b.team))),
  };
}
