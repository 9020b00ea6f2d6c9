import type { Db } from "../db";
import { openWhere } from "../suppressions";

/** Open (counted) findings of an org by rule, by severity rank and by repository (null: none). */
export interface OpenCounts {
  total: number;
  byRule: Map<string, number>;
  byRank: Map<number, number>;
  byRepo: Map<number | null, number>;
}

const inFlight = new WeakMap<Db, Map<number, Promise<OpenCounts>>>();

/**
 * One pass over the open-findings index (it holds rule, severity rank and repository, so no row is read)
 * for the summary cards and the filter menus alike. Callers asking while a pass is running share it;
 * nothing is kept after it ends, so no count is ever stale.
 */
export function openCounts(db: Db, orgId: number): Promise<OpenCounts> {
  const mine = inFlight.get(db) ?? new Map<number, Promise<OpenCounts>>();
  inFlight.set(db, mine);
  const running = mine.get(orgId);
  if (running) return running;
  const pass = count(db, orgId).finally(() => mine.delete(orgId));
  mine.set(orgId, pass);
  return pass;
}

async function count(db: Db, orgId: number): Promise<OpenCounts> {
  const groups = await db.finding.groupBy({ by: ["ruleId", "severityRank", "repoId"], where: { orgId, ...openWhere() }, _count: { _all: true } });
  const out: OpenCounts = { total: 0, byRule: new Map(), byRank: new Map(), byRepo: new Map() };
  const add = <K>(m: Map<K, number>, k: K, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  for (const g of groups) {
    const n = g._count._all;
    out.total += n;
    add(out.byRule, g.ruleId, n);
    add(out.byRank, g.severityRank, n);
    add(out.byRepo, g.repoId, n);
  }
  return out;
}
