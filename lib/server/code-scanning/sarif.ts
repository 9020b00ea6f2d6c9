import { createHash } from "node:crypto";
import { displayPath, parseForeignPath } from "@/lib/engine/paths";
import { rules } from "@/lib/engine/rules/index";
import { type SarifFinding, toSarif } from "@/lib/engine/sarif";
import type { Db } from "@/lib/server/db";
import { APP_VERSION, sarifFindingOf } from "@/lib/server/queries/export";
import { toRows } from "@/lib/server/queries/findings";

/**
 * One repository's SARIF for code scanning, through the one SARIF writer (lib/engine/sarif.ts, which
 * `cacheguard check --format sarif` and the dashboard's export use): the repository's unresolved
 * findings as stored by the last scan, silenced ones as results with a suppression, paths relative to
 * the repository's root, and a fixed `automationDetails.id` so each upload replaces the last one.
 */

/** code scanning's category for cacheguard's analyses: the `automationDetails.id` up to its last `/` */
export const AUTOMATION_ID = "cacheguard/";

export interface RepoSarif {
  /** the SARIF log as uploaded (before gzip) */
  json: string;
  /** sha256 of `json`: equal for a rescan that found the same */
  hash: string;
  results: number;
  suppressed: number;
}

/**
 * A finding as code scanning should show it in `full` (`org/name`). A finding in another repository's
 * file (an action or reusable workflow the repository uses at a ref) is shown where this repository
 * calls that file, since code scanning only knows this repository's files; related locations in
 * other repositories are left out, and so is a fix meant for another repository.
 */
export function inRepository(f: SarifFinding, full: string): SarifFinding | null {
  const own = (p: { path: string; repo?: string }) => !parseForeignPath(p.path) && (!p.repo || p.repo === full);
  const related = (f.related ?? []).filter(own);
  if (!parseForeignPath(f.path)) return { ...f, related };
  const call = related[0];
  if (!call) return null;
  return {
    ...f,
    path: call.path,
    line: call.line,
    column: call.column,
    message: `${f.message} The build is in ${displayPath(f.path)} (line ${f.line}); this repository runs it here: ${call.message}.`,
    related: related.slice(1),
    fix: null,
  };
}

export async function repoSarif(db: Db, org: { id: number; login: string }, repo: { repoId: number; name: string }, opts: { origin?: string } = {}): Promise<RepoSarif> {
  const found = await db.finding.findMany({ where: { orgId: org.id, repoId: repo.repoId, resolvedScanId: null }, include: { repo: { select: { name: true } } } });
  const rows = await toRows(db, org.id, found);
  const full = `${org.login}/${repo.name}`;
  const findings = rows
    .map((r) => inRepository(sarifFindingOf(org.login, r), full))
    .filter((f): f is SarifFinding => f !== null)
    .sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId) || a.fingerprint.localeCompare(b.fingerprint));
  const log = toSarif(findings, rules, { version: APP_VERSION, automationId: AUTOMATION_ID, ...(opts.origin ? { origin: opts.origin } : {}) });
  const json = JSON.stringify(log);
  return { json, hash: createHash("sha256").update(json).digest("hex"), results: findings.length, suppressed: findings.filter((f) => f.suppressed).length };
}
