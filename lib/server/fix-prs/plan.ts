import { applyPatch } from "diff";
import { analyzeRepos } from "@/lib/engine/analyze";
import { fingerprint, sarifFingerprint } from "@/lib/engine/fingerprint";
import { parseForeignPath } from "@/lib/engine/paths";
import type { InputFile } from "@/lib/engine/types";
import type { Db } from "@/lib/server/db";

/**
 * Which findings a fix pull request carries and the files it writes: the stored fixes where the file
 * is unchanged since the scan, fixes recomputed from the current text where it changed, and a
 * reason for every finding left out (its fix lives in another repository, it is gone, it has none).
 */

export type FixPrErrorKind = "usage" | "not-found" | "no-fix" | "foreign" | "gone" | "scope" | "github";

export class FixPrError extends Error {
  constructor(readonly kind: FixPrErrorKind, message: string) {
    super(message);
    this.name = "FixPrError";
  }
}

export interface Candidate {
  id: number;
  fingerprint: string;
  ruleId: string;
  ref: string;
  path: string;
  line: number;
  message: string;
  fixDescription: string | null;
  fixDiff: string | null;
}

export interface Skipped { id: number; ruleId: string; ref: string; path: string; reason: string }

export interface PlannedFile { path: string; text: string; findings: Candidate[] }

export interface Plan { files: PlannedFile[]; fixed: Candidate[]; skipped: Skipped[] }

/** Reads the current text of a file of the repository on its default branch (null: not there). */
export type CurrentText = (path: string) => Promise<string | null>;

/** The open findings of a repository a pull request is asked for: all, or one by id or fingerprint. */
export async function pickFindings(db: Db, orgId: number, repoId: number, repoLabel: string, finding?: string): Promise<Candidate[]> {
  const rows = await db.finding.findMany({ where: { orgId, repoId, resolvedScanId: null }, orderBy: [{ path: "asc" }, { line: "asc" }] });
  if (finding === undefined) return rows;
  const hit = rows.filter((r) => String(r.id) === finding || r.fingerprint === finding || sarifFingerprint({ ruleId: r.ruleId, path: r.path, ref: r.ref, key: r.locationKey ?? "" }) === finding);
  if (hit.length === 0) throw new FixPrError("not-found", `No open finding ${finding} in ${repoLabel} (as of the last scan).`);
  return hit.slice(0, 1);
}

/** Why a finding cannot go into this repository's pull request, or null. */
function cannotFix(c: Candidate, repoLabel: string): string | null {
  const foreign = parseForeignPath(c.path);
  if (foreign) return `its fix belongs to ${foreign.repo} (${foreign.path} at ${foreign.ref}), not to ${repoLabel}: open the pull request in ${foreign.repo}`;
  if (!c.fixDiff) return "there is no automatic fix for this finding";
  return null;
}

async function orgFiles(db: Db, orgId: number, org: string): Promise<Array<{ repo: string; files: InputFile[] }>> {
  const repos = await db.repo.findMany({ where: { orgId }, select: { name: true, files: { select: { path: true, text: true } } } });
  return repos.map((r) => ({ repo: `${org}/${r.name}`, files: r.files.map((f) => ({ ...f, repo: `${org}/${r.name}` })) }));
}

export interface PlanInput {
  db: Db;
  orgId: number;
  org: string;
  repoId: number;
  repo: string;
  /** the default branch head the current texts are read at (named in messages) */
  headSha: string;
  candidates: Candidate[];
  /** one finding asked for: refuse instead of skipping */
  single: boolean;
  current: CurrentText;
}

export async function planFixes(input: PlanInput): Promise<Plan> {
  const label = `${input.org}/${input.repo}`;
  const skipped: Skipped[] = [];
  const skip = (c: Candidate, reason: string) => {
    if (input.single) throw new FixPrError(reason.startsWith("its fix belongs") ? "foreign" : reason.startsWith("the finding is gone") ? "gone" : "no-fix", `Finding #${c.id} (${c.ruleId} on ${c.ref}): ${reason}.`);
    skipped.push({ id: c.id, ruleId: c.ruleId, ref: c.ref, path: c.path, reason });
  };
  const usable: Candidate[] = [];
  for (const c of input.candidates) {
    const why = cannotFix(c, label);
    if (why) skip(c, why);
    else usable.push(c);
  }
  const stored = new Map((await input.db.sourceFile.findMany({ where: { repoId: input.repoId }, select: { path: true, text: true } })).map((f) => [f.path, f.text]));
  const texts = new Map<string, string | null>();
  for (const p of new Set(usable.map((c) => c.path))) texts.set(p, await input.current(p));
  const changed = [...texts].filter(([p, t]) => t === null || t !== stored.get(p)).map(([p]) => p);
  let fresh = new Map<string, Candidate>();
  if (changed.length > 0) fresh = await reanalyse(input, texts);
  const short = input.headSha.slice(0, 7);
  const byPath = new Map<string, Candidate[]>();
  for (const c of usable) {
    let use = c;
    if (changed.includes(c.path)) {
      const now = texts.get(c.path) === null ? undefined : fresh.get(c.fingerprint);
      if (!now?.fixDiff) {
        skip(c, `the finding is gone from ${c.path} at ${short}; rescan`);
        continue;
      }
      use = { ...c, line: now.line, message: now.message, fixDescription: now.fixDescription, fixDiff: now.fixDiff };
    }
    byPath.set(c.path, [...(byPath.get(c.path) ?? []), use]);
  }
  const files: PlannedFile[] = [];
  const fixed: Candidate[] = [];
  for (const [path, list] of byPath) {
    let text = texts.get(path)!;
    const applied = new Set<string>();
    const mine: Candidate[] = [];
    for (const c of list) {
      // two findings can share one fix (the same cache-to seen by two rules): apply it once
      if (applied.has(c.fixDiff!)) { mine.push(c); continue; }
      const next = applyPatch(text, c.fixDiff!);
      if (next === false) {
        skip(c, `its fix does not apply on top of the other fixes to ${path}; open it on its own once they are merged`);
        continue;
      }
      applied.add(c.fixDiff!);
      text = next;
      mine.push(c);
    }
    if (mine.length > 0 && text !== texts.get(path)) {
      files.push({ path, text, findings: mine });
      fixed.push(...mine);
    }
  }
  if (fixed.length === 0) {
    const reasons = skipped.map((s) => `#${s.id} ${s.ruleId} on ${s.ref}: ${s.reason}`).join("; ");
    throw new FixPrError(skipped.some((s) => s.reason.startsWith("the finding is gone")) ? "gone" : "no-fix",
      `Nothing to fix in ${label}${reasons ? `: ${reasons}` : " (no open findings with an automatic fix)"}.`);
  }
  return { files, fixed, skipped };
}

/** The org's stored files with this repository's changed ones at their current text, analysed again; by fingerprint. */
async function reanalyse(input: PlanInput, texts: Map<string, string | null>): Promise<Map<string, Candidate>> {
  const full = `${input.org}/${input.repo}`;
  const units = (await orgFiles(input.db, input.orgId, input.org)).map((u) => {
    if (u.repo !== full) return u;
    const files = u.files.filter((f) => !texts.has(f.path) || texts.get(f.path) !== null).map((f) => (texts.has(f.path) ? { ...f, text: texts.get(f.path)! } : f));
    return { repo: u.repo, files };
  });
  const analysis = await analyzeRepos(units);
  const out = new Map<string, Candidate>();
  for (const f of analysis.findings) {
    if (f.repo !== full) continue;
    out.set(fingerprint(f), {
      id: 0, fingerprint: fingerprint(f), ruleId: f.ruleId, ref: f.ref, path: f.path, line: f.line, message: f.message,
      fixDescription: f.fix?.description ?? null, fixDiff: f.fix?.diff || null,
    });
  }
  return out;
}
