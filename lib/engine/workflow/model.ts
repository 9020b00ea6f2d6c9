/** Shared state while one workflow file is extracted. */
import type { Node } from "yaml";
import type { Build, CallSite, Consumer, FileWant, InputFile, JobTools, ParseError, Span } from "../types";
import type { Contexts } from "./expr-bridge";
import type { YamlDoc } from "./yaml-doc";

/** Per-file work limits, so a pathological 5 MB workflow stays fast. */
export interface Budget {
  steps: number;
  words: number;
  builds: number;
  /** warnings already given, so each limit is reported once per file */
  reported: Set<string>;
}

export function newBudget(): Budget {
  return { steps: 20_000, words: 200_000, builds: 5_000, reported: new Set() };
}

/** What one repository's extraction shares across its workflow files and everything they call. */
export interface RepoState {
  repo?: string;
  /** the repository's files (and files of other repositories, under `//org/repo@ref/path`) by engine path */
  files: Map<string, InputFile>;
  /** engine paths known not to exist (or not to be readable): a lookup of one is final */
  missing: Map<string, string>;
  /** lookups that missed and are not known missing: the discovery loop reads them */
  wanted: Map<string, FileWant>;
  /** parsed action and reusable-workflow files, once per repository */
  docs: Map<string, unknown>;
  builds: Build[];
  consumers: Consumer[];
  errors: ParseError[];
  warnings: ParseError[];
  /** warnings given once per repository (a missing file named by several steps) */
  said: Set<string>;
  /** bake and compose files some bake invocation read (the others are audited on their own) */
  bakeRead: Set<string>;
}

export interface FileState {
  y: YamlDoc;
  repo?: string;
  workflowName?: string;
  /** other repository files by normalized path, for bake-action / buildx bake */
  files: Map<string, InputFile>;
  builds: Build[];
  consumers: Consumer[];
  errors: ParseError[];
  warnings: ParseError[];
  budget: Budget;
  rs: RepoState;
  /** the workflow file whose run this is (Build.workflow) */
  workflow: string;
  /** the calls that led into `y` (empty for the workflow itself) */
  via: CallSite[];
  /** prefix for job ids of a called reusable workflow (`caller/`) */
  jobPrefix: string;
  /** jobs every job of this file waits for (the caller job's needs, for a reusable workflow) */
  outerNeeds: string[];
  /** the calling job's matrix combination (a reusable workflow called from a matrix job) */
  outerMatrix?: Record<string, string>;
  /** the events of the workflow whose run this is (`on:` of the workflow file, not of a reusable callee) */
  events?: string[];
}

/** The order of builds and consumers inside one job run (one matrix combination). */
export interface JobRun {
  seq: number;
  /** every job this one waits for, with the job prefix */
  needs: string[];
}

export interface StepState {
  job: string;
  run: JobRun;
  stepIndex: number;
  stepName?: string;
  stepId?: string;
  /** matrix combination as strings, and its id for build ids */
  matrix?: Record<string, string>;
  matrixId?: string;
  ctx: Contexts;
  node: Node;
  /** the `uses:` / `run:` value */
  span: Span;
  /** what earlier steps of the job set up */
  tools?: JobTools;
}

export function warnOnce(fs: FileState, key: string, message: string, span?: Span): void {
  if (fs.budget.reported.has(key)) return;
  fs.budget.reported.add(key);
  fs.warnings.push({ path: fs.y.path, message, ...(span ? { line: span.line, column: span.column } : {}) });
}

export function buildId(fs: FileState, st: StepState, extra?: { sub?: number; target?: string }): string {
  // The same action, script or Makefile can run from several places of one job: the call chain is part of the id.
  const via = fs.via.map((c) => `${c.path}:${c.line}:${c.column}>`).join("");
  let id = `${via}${fs.y.path}#${st.job}#${st.stepIndex}`;
  if (extra?.sub) id += `~${extra.sub}`;
  if (extra?.target !== undefined) id += `#${extra.target}`;
  if (st.matrixId !== undefined) id += `#${st.matrixId}`;
  return id;
}

/** Room for one more build? Reports once when the cap is hit. */
export function takeBuild(fs: FileState): boolean {
  if (fs.budget.builds <= 0) {
    warnOnce(fs, "builds", "too many builds in this file; the rest were not analysed");
    return false;
  }
  fs.budget.builds--;
  return true;
}

/**
 * True for a GitHub `owner/name`. Callers also label local checkouts (`cacheguard check a b`) with
 * their paths; those must not become `github.repository`, or `ghcr.io/${{ github.repository }}`
 * would evaluate to a path that is no image reference at all.
 */
export function isGitHubRepoName(repo: string): boolean {
  return /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/.test(repo);
}

/** The owner part of `owner/name` (the whole text when it has no `/`), without splitting the whole string. */
export function repoOwner(repo: string): string {
  const slash = repo.indexOf("/");
  return slash < 0 ? repo : repo.slice(0, slash);
}

/** The order and place fields every build and consumer of one step carries. */
export function runFields(fs: FileState, st: StepState): { workflow: string; seq: number; needs: string[]; via?: CallSite[] } {
  return { workflow: fs.workflow, seq: st.run.seq++, needs: st.run.needs, ...(fs.via.length ? { via: fs.via } : {}) };
}
