import { describeCall } from "@/lib/engine/describe-call";
import { fingerprint, legacyFingerprint } from "@/lib/engine/fingerprint";
import type { Finding } from "@/lib/engine/types";
import type { Db } from "@/lib/server/db";
import { chunks } from "@/lib/server/chunk";
import { activeAcceptances, openWhere } from "@/lib/server/suppressions";
import { severityRank } from "@/lib/server/queries/finding-options";
import { COMPARED, type ComparedColumns, insertFindings, type NewFindingRow, readOpenFindings, readResolvedByFingerprint, type StoredFinding, updateFinding } from "@/lib/server/scan/finding-rows";
import type { RegistryEvidence, ScanFinding } from "@/lib/server/scan/types";

const REGISTRY_RULE = "registry-tag-holds-cache";
const ACTIONS_CACHE_RULE = "gha-cache-near-quota";

/**
 * Does this scan have positive evidence about the tag a registry finding names (`ghcr.io/OWNER/PKG:TAG`):
 * read now (it holds an image, or is no longer used as one), or absent from a complete tag list, or its
 * package absent from a complete package list? A tag whose read failed, or whose list did not come
 * back complete (a registry 404 included), is not.
 */
export function registryTagSettled(evidence: RegistryEvidence, ref: string): boolean {
  const m = /^ghcr\.io\/[^/]+\/(.+):([^:/]+)$/i.exec(ref);
  if (!m) return otherRegistryTagSettled(evidence, ref);
  const pkg = evidence.packages.get(m[1].toLowerCase());
  if (!pkg) return evidence.packagesComplete;
  if (!pkg.listed) return false;
  return !pkg.listed.has(m[2]) || pkg.current.has(m[2]);
}

/**
 * A tag on another registry, read by name because workflows name it: settled when this scan read it
 * (or a complete tag list lacks it), or when no workflow names it any more (nothing is left for the
 * rule to report; the finding's repository must still have been read completely). A tag that could
 * not be read is not: its finding stays as it was.
 */
function otherRegistryTagSettled(evidence: RegistryEvidence, ref: string): boolean {
  if (!evidence.other || !/^[^/\s]+\/[^\s]+:[^:/\s]+$/.test(ref)) return false;
  return !evidence.other.named.has(ref) || evidence.other.settled.has(ref);
}

/** Every package listed, every tag list complete, every tag read. */
function registryComplete(evidence: RegistryEvidence): boolean {
  if (!evidence.packagesComplete) return false;
  for (const p of evidence.packages.values()) {
    if (!p.listed) return false;
    for (const t of p.listed) if (!p.current.has(t)) return false;
  }
  return true;
}

export interface PersistInput {
  orgId: number;
  scanId: number;
  findings: Finding[];
  /** repo id by `org/name` and by `name` */
  repoIds: Map<string, number>;
  /** repos read completely in this scan, plus repos that are gone: their missing findings are resolved */
  resolvableRepoIds: Set<number>;
  /** what the scan read of the registry: a registry finding is resolved only where its tag is settled */
  registry: RegistryEvidence;
  /**
   * the org's Actions cache usage was read completely (or a fresh reading reused): only then is a
   * gha-cache-near-quota finding this scan no longer sees resolved
   */
  actionsCacheRead?: boolean;
  /**
   * An incremental scan's share of the findings (by fingerprint and repo): only those are stored,
   * re-opened or resolved; every other finding stays exactly as it was. A full scan owns them all.
   */
  owns?: (f: { fingerprint: string; repoId: number | null; ruleId: string; ref: string }) => boolean;
}

export interface PersistResult {
  findings: ScanFinding[];
  newCount: number;
  resolvedCount: number;
  openCount: number;
  /** rows this scan wrote: created, updated (changed, moved, re-opened, re-keyed) and resolved */
  written: { created: number; updated: number; resolved: number };
}

type Stored = Finding & { suppressed?: Finding["suppressed"] & { until?: Date } };

function columns(f: Stored, repoId: number | null): ComparedColumns {
  return {
    repoId, ruleId: f.ruleId, severity: f.severity, severityRank: severityRank(f.severity), confidence: f.confidence, path: f.path, line: f.line,
    column: f.column, ref: f.ref, message: f.message, fixDescription: f.fix?.description ?? null,
    fixDiff: f.fix?.diff ? f.fix.diff : null, locationKey: f.key ?? "",
    suppressedBy: f.suppressed?.kind ?? null, suppressionReason: f.suppressed?.reason ?? null,
    suppressedAt: f.suppressed?.at ?? null, suppressedUntil: f.suppressed?.until ?? null,
    // the call chain first: the dashboard shows where the run enters the action, script or Makefile
    related: JSON.stringify([...(f.via ?? []).map((c) => ({ path: c.path, line: c.line, column: c.column, message: describeCall(c) })), ...(f.related ?? [])]),
  };
}

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  return a === b;
}

/** Does the stored row already say what this scan found? Then the scan does not write it. */
function unchanged(old: StoredFinding, next: ComparedColumns): boolean {
  return COMPARED.every((k) => same(old[k], next[k]));
}

/**
 * The stored findings a scan needs: every open one (to resolve what it no longer sees), and the resolved
 * ones it finds again (by fingerprint), never the org's whole history.
 */
async function loadExisting(db: Db, orgId: number, current: Map<string, Stored>): Promise<StoredFinding[]> {
  const open = await readOpenFindings(db, orgId);
  const have = new Set(open.map((e) => e.fingerprint));
  const wanted = new Set<string>();
  // open rows stored before location keys are all loaded above; a resolved one is not looked for by its
  // legacy fingerprint (half the look-ups again): one that comes back is stored as a new finding
  for (const fp of current.keys()) if (!have.has(fp)) wanted.add(fp);
  return [...open, ...(await readResolvedByFingerprint(db, orgId, [...wanted]))];
}

/**
 * Upsert this scan's findings by (org, fingerprint) and resolve the open ones it no longer sees,
 * but only where this scan read everything the finding depends on: a repo that failed, or a tag
 * that was not read, keeps its findings untouched. Only rows that change are written: new ones in
 * batched inserts, resolved ones in one update per chunk of ids, and each changed one by itself; a
 * finding seen again unchanged costs nothing (its "last seen" is its repository's last complete scan).
 */
export async function persistFindings(db: Db, input: PersistInput): Promise<PersistResult> {
  const { orgId, scanId } = input;
  const accepted = await activeAcceptances(db, orgId);
  const current = new Map<string, Stored>();
  for (const f of input.findings) {
    const fp = fingerprint(f);
    if (current.has(fp)) continue; // the same finding twice (matrix copies): keep the first
    // an accepted risk stays accepted until it expires, unless the repository now silences it itself
    const a = f.suppressed ? undefined : accepted.get(fp);
    current.set(fp, a ? { ...f, suppressed: { kind: "accepted", reason: a.reason, at: a.by, until: a.until } } : f);
  }
  const existing = await loadExisting(db, orgId, current);
  const owns = input.owns ?? (() => true);
  const byFp = new Map(existing.map((e) => [e.fingerprint, e]));
  // Rows stored before location keys carry the 0.1 fingerprint: the first current finding with that
  // legacy value takes the row over (re-keyed, first-seen kept); further ones are new findings.
  const legacy = new Map(existing.filter((e) => e.locationKey === null).map((e) => [e.fingerprint, e]));
  const taken = new Set<number>();
  const updates = [];
  const reopened: number[] = [];
  const creates: NewFindingRow[] = [];
  const out: ScanFinding[] = [];
  let newCount = 0;
  for (const [fp, f] of current) {
    const repoId = f.repo ? (input.repoIds.get(f.repo) ?? input.repoIds.get(f.repo.split("/").pop()!) ?? null) : null;
    if (!owns({ fingerprint: fp, repoId, ruleId: f.ruleId, ref: f.ref })) continue;
    let old = byFp.get(fp);
    if (!old) {
      const lf = legacyFingerprint(f);
      const l = legacy.get(lf);
      if (l && !taken.has(l.id) && !current.has(l.fingerprint)) old = l;
    }
    if (old) taken.add(old.id);
    const isNew = !old || old.resolvedScanId !== null; // a fixed finding that came back counts as new
    if (isNew && !f.suppressed) newCount++; // a silenced finding leaves every count
    out.push({ ...f, fingerprint: fp, isNew });
    const data = columns(f, repoId);
    if (!old) creates.push({ orgId, fingerprint: fp, ...data, firstSeenScanId: scanId, lastSeenScanId: scanId });
    else if (old.fingerprint !== fp || !unchanged(old, data)) {
      updates.push(updateFinding(db, old.id, fp, data, scanId));
    } else if (old.resolvedScanId !== null) reopened.push(old.id); // back exactly as it was
  }
  // resolved only on positive evidence: its repo read completely (or gone), and for a registry
  // finding its tag settled; a finding with neither repo nor tag only when the whole registry was read
  const wholeRegistry = registryComplete(input.registry);
  const toResolve = existing.filter((e) => {
    if (e.resolvedScanId !== null || taken.has(e.id)) return false;
    if (!owns(e)) return false;
    if (e.repoId !== null && !input.resolvableRepoIds.has(e.repoId)) return false;
    if (e.ruleId === REGISTRY_RULE) return registryTagSettled(input.registry, e.ref);
    if (e.ruleId === ACTIONS_CACHE_RULE) return input.actionsCacheRead === true;
    return e.repoId !== null || wholeRegistry;
  });
  // an org-wide fix can resolve thousands at once: chunked below SQLite's bound-parameter limit
  const resolves = chunks(toResolve.map((e) => e.id)).map((ids) => db.finding.updateMany({ where: { id: { in: ids } }, data: { resolvedScanId: scanId } }));
  const reopens = chunks(reopened).map((ids) => db.finding.updateMany({ where: { id: { in: ids } }, data: { resolvedScanId: null, lastSeenScanId: scanId } }));
  const inserts = insertFindings(db, creates);
  const results = await db.$transaction([...inserts, ...updates, ...reopens, ...resolves]);
  const counted = (from: number, n: number) => results.slice(from, from + n)
    .reduce((sum: number, r) => sum + (typeof r === "number" ? r : "count" in r ? r.count : 1), 0);
  const written = {
    created: counted(0, inserts.length),
    updated: counted(inserts.length, updates.length + reopens.length),
    resolved: counted(inserts.length + updates.length + reopens.length, resolves.length),
  };
  const openCount = await storeOpenCounts(db, orgId, scanId);
  return { findings: out, newCount, resolvedCount: toResolve.length, openCount, written };
}

/**
 * The org's open findings by severity as of this scan, stored on the scan once (the scans chart draws
 * them; it never counts findings per scan again). Counted over the open-findings index prefix.
 */
async function storeOpenCounts(db: Db, orgId: number, scanId: number): Promise<number> {
  const rows = await db.finding.groupBy({ by: ["severityRank"], where: { orgId, ...openWhere() }, _count: { _all: true } });
  const n = (rank: number) => rows.find((r) => r.severityRank === rank)?._count._all ?? 0;
  await db.scan.update({ where: { id: scanId }, data: { openErrors: n(0), openWarnings: n(1), openNotes: n(2) } });
  return n(0) + n(1) + n(2);
}
