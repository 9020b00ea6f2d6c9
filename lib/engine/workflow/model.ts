/** Shared state while one workflow file is extracted. */
import type { Node } from "yaml";
import type { Build, Consumer, InputFile, ParseError, Span } from "../types";
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
}

export interface StepState {
  job: string;
  stepIndex: number;
  stepName?: string;
  /** matrix combination as strings, and its id for build ids */
  matrix?: Record<string, string>;
  matrixId?: string;
  ctx: Contexts;
  node: Node;
  /** the `uses:` / `run:` value */
  span: Span;
}

export function warnOnce(fs: FileState, key: string, message: string, span?: Span): void {
  if (fs.budget.reported.has(key)) return;
  fs.budget.reported.add(key);
  fs.warnings.push({ path: fs.y.path, message, ...(span ? { line: span.line, column: span.column } : {}) });
}

export function buildId(st: StepState, path: string, extra?: { sub?: number; target?: string }): string {
  let id = `${path}#${st.job}#${st.stepIndex}`;
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
