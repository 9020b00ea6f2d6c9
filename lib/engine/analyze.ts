/**
 * The analysis entry point: files in, findings out. Used by the CLI, the org scan and tests.
 */
import { confidenceRank } from "./compare";
import { discover, type Discovered, type DiscoveryUnit, type WantReader } from "./discover";
import { extractRepo, isWorkflowPath } from "./extract";
import { BuildPlaces, consumerKey, numberCollisions } from "./finding-key";
import { fingerprint } from "./fingerprint";
import { applyIgnores } from "./ignores";
import { rules } from "./rules/index";
import { fileKey, findingBuild, findingConsumer, stepKey } from "./rules/shared";
import type { Build, Finding, InputFile, ParseError, RepoModel, RuleContext } from "./types";

export interface AnalysisResult {
  findings: Finding[];
  /** findings an inline ignore or the repository's .github/cacheguard.yml silenced, with the reason */
  suppressed: Finding[];
  errors: ParseError[];
  warnings: ParseError[];
  models: RepoModel[];
}

export { fingerprint };

/** Analyze one repository's (or one checkout's) workflows and the bake files they name. */
export async function analyze(files: InputFile[], opts: { repo?: string } = {}): Promise<AnalysisResult> {
  const model = await safeExtract(files, opts.repo);
  // (opts.repo stands for a file's missing repo: passed along rather than copying every file with it)
  return finish([model], files, opts.repo);
}

/** Analyze several repositories together, so a cache in one can be seen colliding with an image in another. */
export async function analyzeRepos(repos: Array<{ repo: string; files: InputFile[] }>): Promise<AnalysisResult> {
  const models: RepoModel[] = [];
  for (const r of repos) models.push(await safeExtract(r.files, r.repo));
  return finish(models, repos.flatMap((r) => r.files.map((f) => ({ ...f, repo: r.repo }))));
}

/**
 * Analyze units (repositories or checkouts) following every call into the files it names: `read`
 * fetches what extraction asks for, round after round (see discover.ts). Returns the files read too.
 */
export async function analyzeFollowing(units: DiscoveryUnit[], read: WantReader): Promise<AnalysisResult & { discovered: Discovered[] }> {
  const discovered = await discover(units, read);
  const files = discovered.flatMap((d, i) => d.files.map((f) => ({ ...f, repo: f.repo ?? units[i].repo })));
  return { ...finish(discovered.map((d) => d.model), files), discovered };
}

/**
 * Run every rule over models that were already extracted (the scan job reuses this). `defaultRepo` is
 * the repository of files that name none.
 */
export function runRules(models: RepoModel[], files: InputFile[], defaultRepo?: string): Finding[] {
  const texts = new Map<string, string>();
  for (const f of files) texts.set(fileKey(f.repo ?? defaultRepo, f.path), f.text);
  const ctx: RuleContext = {
    builds: concatOf(models, (m) => m.builds),
    consumers: concatOf(models, (m) => m.consumers),
    files: texts,
  };
  const raw: Finding[] = [];
  for (const rule of rules) for (const f of rule.check(ctx)) raw.push(f);
  const places = new BuildPlaces(ctx.builds);
  for (const f of raw) {
    placeFinding(f);
    const b = findingBuild.get(f);
    if (b) f.key = places.keyOf(b);
    else {
      const c = findingConsumer.get(f);
      if (c) f.key = consumerKey(c);
    }
  }
  const findings = sortFindings(mergeMatrixCopies(raw, ctx.builds));
  numberCollisions(findings);
  return findings;
}

/** A fresh array of every model's items, in order (flatMap's generic path was a measurable part of a small run). */
function concatOf<T>(models: RepoModel[], items: (m: RepoModel) => T[]): T[] {
  const out: T[] = [];
  for (const m of models) for (const x of items(m)) out.push(x);
  return out;
}

/**
 * What every finding about a build carries, whichever rule made it: the call chain that reaches the
 * file it points into, and no more than `medium` confidence for a build no workflow was seen running.
 */
function placeFinding(f: Finding): void {
  const b = findingBuild.get(f);
  if (!b) return;
  if (b.via && !f.via) f.via = b.via;
  if (b.unseen) {
    if (f.confidence === "high") f.confidence = "medium";
    f.message += " No workflow was seen running this file; it was audited as `docker buildx bake` builds it, with its default variables.";
  }
}

function finish(models: RepoModel[], files: InputFile[], defaultRepo?: string): AnalysisResult {
  const ignored = applyIgnores(runRules(models, files, defaultRepo), files, defaultRepo);
  // a config that does not validate is an error of its repository (the scan's coverage shows it there)
  for (const [list, pick] of [[ignored.errors, (m: RepoModel) => m.errors], [ignored.warnings, (m: RepoModel) => m.warnings]] as const) {
    for (const { repo, ...e } of list) {
      const m = models.find((x) => x.repo === repo) ?? models[0];
      if (m) pick(m).push(e);
    }
  }
  return {
    findings: ignored.findings,
    suppressed: ignored.suppressed,
    errors: uniqueErrors(concatOf(models, (m) => m.errors)),
    warnings: uniqueErrors(concatOf(models, (m) => m.warnings)),
    models,
  };
}

/**
 * Extraction should never throw, but one hostile file must not cost the whole repository: on a throw,
 * extract each workflow alone and report the ones that fail as errors.
 */
async function safeExtract(files: InputFile[], repo: string | undefined): Promise<RepoModel> {
  try {
    return await extractRepo(files, { repo });
  } catch (whole) {
    const workflows = files.filter((f) => isWorkflowPath(f.path));
    const others = files.filter((f) => !isWorkflowPath(f.path));
    const merged: RepoModel = { repo, builds: [], consumers: [], errors: [], warnings: [], wanted: [] };
    if (workflows.length <= 1) {
      const path = workflows[0]?.path ?? files[0]?.path ?? "";
      merged.errors.push({ path, message: `analysis failed: ${errorMessage(whole)}` });
      return merged;
    }
    for (const wf of workflows) {
      try {
        const m = await extractRepo([wf, ...others], { repo });
        merged.builds.push(...m.builds);
        merged.consumers.push(...m.consumers);
        merged.errors.push(...m.errors);
        merged.warnings.push(...m.warnings);
      } catch (e) {
        merged.errors.push({ path: wf.path, message: `analysis failed: ${errorMessage(e)}` });
      }
    }
    return merged;
  }
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function uniqueErrors(list: ParseError[]): ParseError[] {
  const seen = new Set<string>();
  return list.filter((e) => {
    const k = `${e.path}\u0000${e.line ?? ""}\u0000${e.column ?? ""}\u0000${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const SEVERITY_RANK: Record<Finding["severity"], number> = { error: 3, warning: 2, note: 1 };

function matrixText(m: Record<string, string>): string {
  return Object.entries(m).map(([k, v]) => `${k}=${v}`).join(", ");
}

/**
 * Matrix combinations of one step report the same thing at the same place: keep one finding (the most
 * confident), and name the combinations when only some of them are affected.
 */
function mergeMatrixCopies(findings: Finding[], builds: Build[]): Finding[] {
  // (most analyses find nothing: no step counts to make)
  if (findings.length === 0) return [];
  const combosPerStep = new Map<string, number>();
  for (const b of builds) {
    const k = stepKey(b);
    combosPerStep.set(k, (combosPerStep.get(k) ?? 0) + 1);
  }
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const b = findingBuild.get(f);
    // Copies of one step's finding share a place; the ref may differ per combination (`app:${{ matrix.v }}`).
    const who = b?.matrix ? `step:${stepKey(b)}` : `ref:${f.ref}`;
    const k = `${f.ruleId}\u0000${f.repo ?? ""}\u0000${f.path}\u0000${f.line}\u0000${f.column}\u0000${who}`;
    const g = groups.get(k) ?? [];
    g.push(f);
    groups.set(k, g);
  }
  const out: Finding[] = [];
  for (const group of groups.values()) {
    const best = group.reduce((a, b) => (confidenceRank(b.confidence) > confidenceRank(a.confidence) ? b : a));
    const merged: Finding = { ...best };
    const anchor = findingBuild.get(best);
    if (anchor) findingBuild.set(merged, anchor); // ignores look for the step's line
    // a rule may raise one combination's severity (its `:latest` is pushed): the merged finding keeps the highest
    const severity = group.map((f) => f.severity).sort((a, b) => SEVERITY_RANK[b] - SEVERITY_RANK[a])[0];
    merged.severity = severity;
    const related = new Map<string, NonNullable<Finding["related"]>[number]>();
    for (const f of group) for (const r of f.related ?? []) related.set(`${r.repo ?? ""}:${r.path}:${r.line}:${r.column}`, r);
    if (related.size) merged.related = [...related.values()];
    const perCombo = new Map<string, string>();
    for (const f of group) {
      const b = findingBuild.get(f);
      if (b?.matrix) perCombo.set(matrixText(b.matrix), f.ref);
    }
    const refs = new Set(group.map((f) => f.ref));
    const first = findingBuild.get(group[0]);
    const total = first ? (combosPerStep.get(stepKey(first)) ?? 0) : 0;
    if (refs.size > 1) {
      merged.message += ` (matrix: ${[...perCombo].map(([m, r]) => `${m} -> ${r}`).join("; ")})`;
    } else if (perCombo.size > 0 && perCombo.size < total) {
      merged.message += ` (matrix: ${[...perCombo.keys()].join("; ")})`;
    }
    out.push(merged);
  }
  return out;
}

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      cmp(a.repo ?? "", b.repo ?? "") ||
      cmp(a.path, b.path) ||
      a.line - b.line ||
      a.column - b.column ||
      cmp(a.ruleId, b.ruleId) ||
      cmp(a.ref, b.ref),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Attach fingerprints for storage. */
export function withFingerprints(findings: Finding[]): Array<Finding & { fingerprint: string }> {
  return findings.map((f) => ({ ...f, fingerprint: fingerprint(f) }));
}
