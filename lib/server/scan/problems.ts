import { type ProblemFinding, type RegistryState, groupProblems } from "@/lib/engine/problems";
import type { Db } from "@/lib/server/db";
import { chunks } from "@/lib/server/chunk";
import { tagRef } from "@/lib/server/queries/tag-kinds";

export interface ProblemsResult {
  /** problems first seen, or seen again after they were fixed, in this scan (counted ones only) */
  opened: number;
  /** problems this scan found no open finding of any more */
  fixed: number;
  /** problems with an open finding that is not silenced, after this scan */
  open: number;
}

function parseRelated(json: string): ProblemFinding["related"] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? (v as ProblemFinding["related"]) : [];
  } catch {
    return [];
  }
}

/**
 * Group the org's open findings into problems (lib/engine/problems.ts) and store them: upsert by key,
 * each finding linked to its problem, and a problem none of whose findings is open any more is fixed
 * by this scan. Findings resolve only on complete evidence (persistFindings), so a problem does too:
 * a repository that could not be read keeps its findings open, and so its problems.
 *
 * Silenced findings are grouped as well (an accepted risk that expires is back in its problem at once),
 * but a problem counts, and shows in the report, only while one of its findings is open and not silenced;
 * accepting the risk is not fixing, so such a problem is not counted as fixed either.
 */
export async function persistProblems(db: Db, orgId: number, scanId: number): Promise<ProblemsResult> {
  const [org, scan] = await Promise.all([
    db.org.findUniqueOrThrow({ where: { id: orgId }, select: { login: true } }),
    db.scan.findUniqueOrThrow({ where: { id: scanId }, select: { startedAt: true } }),
  ]);
  const [found, tags, existing] = await Promise.all([
    db.finding.findMany({
      where: { orgId, resolvedScanId: null },
      select: {
        id: true, ruleId: true, severity: true, confidence: true, path: true, line: true, ref: true, fingerprint: true,
        related: true, suppressedBy: true, repoId: true, problemId: true, repo: { select: { name: true } },
      },
    }),
    db.packageTag.findMany({ where: { package: { orgId } }, select: { tag: true, digest: true, kind: true, package: { select: { name: true } } } }),
    db.problem.findMany({
      where: { orgId },
      select: { id: true, key: true, resolvedScanId: true, repoId: true, ref: true, path: true, ruleId: true, title: true, severity: true, rank: true, why: true, primaryFindingId: true },
    }),
  ]);
  const states = new Map<string, RegistryState>(tags.map((t) => [tagRef(org.login, t.package.name, t.tag), { kind: t.kind, digest: t.digest }]));
  const byId = new Map(found.map((f) => [f.id, f]));
  const groups = groupProblems(
    found.map((f) => ({
      id: f.id, ruleId: f.ruleId, severity: f.severity, confidence: f.confidence, repo: f.repo?.name ?? null,
      path: f.path, line: f.line, ref: f.ref, fingerprint: f.fingerprint, related: parseRelated(f.related),
    })),
    (ref) => states.get(ref),
  );
  const byKey = new Map(existing.map((p) => [p.key, p]));
  const at = scan.startedAt;
  const ops = [];
  let opened = 0;
  let open = 0;
  const seen: number[] = [];
  for (const g of groups) {
    const counted = g.findingIds.some((id) => byId.get(id)!.suppressedBy === null);
    if (counted) open++;
    const old = byKey.get(g.key);
    const reopened = !old || old.resolvedScanId !== null;
    if (reopened && counted) opened++;
    const data = {
      repoId: byId.get(g.primaryId)!.repoId, ref: g.ref, path: g.path, ruleId: g.ruleId, title: g.title, severity: g.severity,
      rank: g.rank, why: g.why, primaryFindingId: g.primaryId,
    };
    if (!old) {
      ops.push(db.problem.create({
        data: { orgId, key: g.key, firstSeenScanId: scanId, lastSeenScanId: scanId, createdAt: at, openedAt: at, ...data, findings: { connect: g.findingIds.map((id) => ({ id })) } },
      }));
      continue;
    }
    seen.push(old.id);
    // most scans change nothing: write a problem, and link a finding, only where something changed
    const changed = (Object.keys(data) as Array<keyof typeof data>).some((k) => old[k] !== data[k]);
    if (changed || reopened) {
      ops.push(db.problem.update({ where: { id: old.id }, data: { ...data, resolvedScanId: null, resolvedAt: null, ...(reopened ? { openedAt: at } : {}) } }));
    }
    const moved = g.findingIds.filter((id) => byId.get(id)!.problemId !== old.id);
    for (const ids of chunks(moved)) ops.push(db.finding.updateMany({ where: { id: { in: ids } }, data: { problemId: old.id } }));
  }
  for (const ids of chunks(seen)) ops.push(db.problem.updateMany({ where: { id: { in: ids } }, data: { lastSeenScanId: scanId } }));
  const current = new Set(groups.map((g) => g.key));
  const fixed = existing.filter((p) => p.resolvedScanId === null && !current.has(p.key)).map((p) => p.id);
  for (const ids of chunks(fixed)) ops.push(db.problem.updateMany({ where: { id: { in: ids } }, data: { resolvedScanId: scanId, resolvedAt: at } }));
  ops.push(db.scan.update({ where: { id: scanId }, data: { problemsOpened: opened, problemsFixed: fixed.length, problemsOpen: open } }));
  await db.$transaction(ops);
  return { opened, fixed: fixed.length, open };
}
