/**
 * Matrix combinations that agree on every matrix key a job reads give the same builds and consumers:
 * only the combination they are labelled with differs. A 2×3 matrix whose steps read `matrix.variant`
 * alone needs two extractions, not six; the other combinations are copies relabelled with their own
 * matrix (and build id), so rules and findings see exactly what a full extraction gives.
 */
import type { Build, Consumer } from "../types";
import type { ExprValue } from "./expr-bridge";
import { comboId, comboStrings } from "./matrix";
import type { FileState } from "./model";
import { nodeRange, type YamlDoc } from "./yaml-doc";

/** `matrix` followed by `.key`; any other use (`matrix[…]`, `toJSON(matrix)`) may read every key. */
const MATRIX_RE = /(?<![\w.-])matrix(?![\w-])(\s*\.\s*([A-Za-z_][A-Za-z0-9_-]*))?/gi;

/**
 * The matrix keys (lower-cased) the job's text can read, or "all". The strategy node is skipped (it
 * defines the matrix, it does not read it); aliases could pull text from anywhere, so they mean "all".
 * Words in run scripts or names count too: reading too many keys only costs speed, never precision.
 */
export function matrixKeysRead(y: YamlDoc, jobNode: unknown, strategyNode: unknown): Set<string> | "all" {
  if (y.aliases.size > 0) return "all";
  const [s, e] = nodeRange(y, jobNode);
  const [ss, se] = strategyNode ? nodeRange(y, strategyNode) : [e, e];
  const inside = ss >= s && se <= e && se >= ss;
  const text = inside ? y.text.slice(s, ss) + "\n" + y.text.slice(se, e) : y.text.slice(s, e);
  const keys = new Set<string>();
  for (const m of text.matchAll(MATRIX_RE)) {
    if (m[2] === undefined) return "all";
    keys.add(m[2].toLowerCase());
  }
  return keys;
}

/** The part of a combination the job reads, as a string key (null: every key is read, no sharing). */
export function comboKey(combo: Record<string, ExprValue>, read: Set<string> | "all"): string | null {
  if (read === "all") return null;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(combo)) if (read.has(k.toLowerCase())) parts.push(JSON.stringify([k, v]));
  return parts.sort().join(",");
}

export interface Capture {
  matrixId: string;
  builds: Build[];
  consumers: Consumer[];
  steps: number;
  words: number;
  buildCount: number;
}

export interface Mark {
  builds: number;
  consumers: number;
  errors: number;
  warnings: number;
  reported: number;
  steps: number;
  words: number;
  buildBudget: number;
}

export function mark(fs: FileState): Mark {
  return {
    builds: fs.builds.length,
    consumers: fs.consumers.length,
    errors: fs.errors.length,
    warnings: fs.warnings.length,
    reported: fs.budget.reported.size,
    steps: fs.budget.steps,
    words: fs.budget.words,
    buildBudget: fs.budget.builds,
  };
}

/**
 * What one combination's extraction added, or null when it cannot be replayed exactly: it reported
 * errors or warnings (those are given once per file), or a build/consumer lacks the combination label.
 */
export function capture(fs: FileState, m: Mark, combo: Record<string, ExprValue>): Capture | null {
  if (fs.errors.length !== m.errors || fs.warnings.length !== m.warnings || fs.budget.reported.size !== m.reported) return null;
  const matrixId = comboId(combo);
  const builds = fs.builds.slice(m.builds);
  const consumers = fs.consumers.slice(m.consumers);
  if (builds.some((b) => !b.matrix || !b.id.endsWith(`#${matrixId}`)) || consumers.some((c) => !c.matrix)) return null;
  return {
    matrixId,
    builds,
    consumers,
    steps: m.steps - fs.budget.steps,
    words: m.words - fs.budget.words,
    buildCount: m.buildBudget - fs.budget.builds,
  };
}

/**
 * Add a captured extraction again, labelled with `combo`. False (nothing added) when a work budget
 * could run out part-way, where a real extraction would stop early and warn.
 */
export function replay(fs: FileState, cap: Capture, combo: Record<string, ExprValue>): boolean {
  const b = fs.budget;
  if (b.steps - cap.steps <= 0 || b.words - cap.words <= 0 || b.builds - cap.buildCount <= 0) return false;
  b.steps -= cap.steps;
  b.words -= cap.words;
  b.builds -= cap.buildCount;
  const matrix = comboStrings(combo);
  const id = comboId(combo);
  const cut = cap.matrixId.length;
  for (const build of cap.builds) fs.builds.push({ ...build, id: build.id.slice(0, build.id.length - cut) + id, matrix });
  for (const c of cap.consumers) fs.consumers.push({ ...c, matrix });
  return true;
}
