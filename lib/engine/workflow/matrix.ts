/**
 * `strategy.matrix` expansion following GitHub's rules: the cross product of the axes, then `exclude`
 * (an entry removes every combination it partially matches), then `include` (an entry extends each
 * combination whose original values it does not contradict; when it extends none it is a new one).
 */
import { isMap, isSeq } from "yaml";
import type { ExprValue } from "./expr-bridge";
import { deref, mapEntries, nodeToJs, scalarString, seqItems, type YamlDoc } from "./yaml-doc";

export const MAX_COMBINATIONS = 256;

export interface MatrixResult {
  /** null when the job has no matrix; "unknown" when it is computed at run time */
  combos: Array<Record<string, ExprValue>> | null | "unknown";
  /** set when the combinations were capped */
  truncatedFrom?: number;
}

function toExpr(v: unknown, depth = 0): ExprValue {
  if (v === undefined || depth > 32) return null;
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (Array.isArray(v)) return v.map((x) => toExpr(x, depth + 1));
  if (typeof v === "object") {
    const out: Record<string, ExprValue> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = toExpr(x, depth + 1);
    return out;
  }
  return String(v);
}

function same(a: ExprValue, b: ExprValue): boolean {
  if (a === b) return true;
  // GitHub compares loosely across types the way the expression `==` does for scalars written as text.
  if (typeof a !== "object" && typeof b !== "object") return String(a) === String(b);
  return JSON.stringify(a) === JSON.stringify(b);
}

function matches(combo: Record<string, ExprValue>, partial: Record<string, ExprValue>): boolean {
  // (a loop: every combination is matched against every `exclude` entry)
  for (const k of Object.keys(partial)) if (!(k in combo) || !same(combo[k], partial[k])) return false;
  return true;
}

function objects(y: YamlDoc, node: unknown): Array<Record<string, ExprValue>> | "unknown" {
  const n = deref(y, node);
  if (!n) return [];
  if (!isSeq(n)) return scalarString(y, n)?.includes("${{") ? "unknown" : [];
  const out: Array<Record<string, ExprValue>> = [];
  for (const item of seqItems(y, n)) {
    if (!isMap(item)) continue;
    const v = toExpr(nodeToJs(y, item));
    if (v && typeof v === "object" && !Array.isArray(v)) out.push(v);
  }
  return out;
}

/** One combination: the axes' keys in order, each with its value (as own properties, `__proto__` too). */
function comboOf(axes: Array<[string, ExprValue[]]>, values: ExprValue[]): Record<string, ExprValue> {
  const o: Record<string, ExprValue> = {};
  for (let i = 0; i < axes.length; i++) {
    const k = axes[i][0];
    if (k === "__proto__") Object.defineProperty(o, k, { value: values[i], enumerable: true, writable: true, configurable: true });
    else o[k] = values[i];
  }
  return o;
}

export function expandMatrix(y: YamlDoc, matrixNode: unknown): MatrixResult {
  const node = deref(y, matrixNode);
  if (!node) return { combos: null };
  if (!isMap(node)) return { combos: "unknown" };
  const axes: Array<[string, ExprValue[]]> = [];
  let include: Array<Record<string, ExprValue>> = [];
  let exclude: Array<Record<string, ExprValue>> = [];
  for (const e of mapEntries(y, node)) {
    if (e.key === "include") {
      const o = objects(y, e.value);
      if (o === "unknown") return { combos: "unknown" };
      include = o;
    } else if (e.key === "exclude") {
      const o = objects(y, e.value);
      if (o === "unknown") return { combos: "unknown" };
      exclude = o;
    } else {
      if (!e.value || !isSeq(e.value)) return { combos: "unknown" };
      axes.push([e.key, seqItems(y, e.value).map((it) => toExpr(nodeToJs(y, it)))]);
    }
  }
  // Cross product, bounded while it grows so a huge matrix never materializes.
  const HARD = MAX_COMBINATIONS * 64;
  let total = 1;
  // (value tuples first, objects once at the end: a spread with a computed key per step was most of the cost)
  let tuples: ExprValue[][] = axes.length > 0 ? [[]] : [];
  for (const [, values] of axes) {
    total *= Math.max(values.length, 0);
    const next: ExprValue[][] = [];
    for (const t of tuples) {
      for (const v of values) {
        if (next.length >= HARD) break;
        next.push([...t, v]);
      }
    }
    tuples = next;
  }
  let combos = tuples.map((t) => comboOf(axes, t));
  combos = combos.filter((c) => !exclude.some((x) => matches(c, x)));
  const originalKeys = new Set(axes.map(([k]) => k));
  // `include` extends combinations in place; without one they are not changed and need no copy
  const base = include.length > 0 ? combos.map((c) => ({ ...c })) : combos;
  const added: Array<Record<string, ExprValue>> = [];
  for (const inc of include) {
    let extended = false;
    for (let i = 0; i < base.length; i++) {
      const orig = combos[i];
      const ok = Object.entries(inc).every(([k, v]) => !originalKeys.has(k) || same(orig[k], v));
      if (!ok) continue;
      // Added keys may overwrite keys added by an earlier include, never an original axis value.
      Object.assign(base[i], inc);
      extended = true;
    }
    if (!extended) added.push({ ...inc });
  }
  const all = [...base, ...added];
  // When the product was cut while materializing, the true count is larger than what we hold.
  const count = total > HARD ? total : all.length;
  if (count > MAX_COMBINATIONS) return { combos: all.slice(0, MAX_COMBINATIONS), truncatedFrom: count };
  return { combos: all };
}

/** A matrix combination as plain strings, for Build.matrix / Consumer.matrix and build ids. */
export function comboStrings(combo: Record<string, ExprValue>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(combo)) out[k] = v !== null && typeof v === "object" ? JSON.stringify(v) : String(v);
  return out;
}

export function comboId(combo: Record<string, ExprValue>): string {
  return Object.entries(comboStrings(combo))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}
