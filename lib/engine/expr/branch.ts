/**
 * The evaluator's value model. An expression evaluates to a list of branches (several when a
 * condition is unknown or a step output has several possible values). Each branch keeps its
 * residual: the canonical expression text with every known part folded into a literal, which is
 * what an opaque token prints.
 */
import { stringify, truthy } from "./coerce";
import { literalText, PREC } from "./print";
import { TOKEN_OPEN, type ExprValue } from "./types";

export type V =
  /** fully known; `filtered` marks the result of `.*`, whose later dereferences map over elements */
  | { t: "k"; value: ExprValue; filtered?: boolean }
  /** unknown; `truthy` is set when a short-circuit already decided it */
  | { t: "u"; truthy?: boolean }
  /** a string whose text holds opaque tokens (e.g. format() with an unknown argument) */
  | { t: "x"; text: string }
  /** a partly known context object (`github`, `steps.build`): known keys resolve, others stay unknown */
  | { t: "c"; path: string[] };

export interface Br {
  v: V;
  /**
   * The residual text; absent on a known value, whose residual is its literal (see resOf): most known
   * values are printed into a template, never into a residual, so the literal is made only when asked.
   */
  res?: string;
  prec: number;
  spec: boolean;
}

export const MAX_BRANCHES = 64;

/** A branch's residual text (a known value's literal when it carries none). */
export function resOf(b: Br): string {
  if (b.res !== undefined) return b.res;
  return literalText(b.v.t === "k" ? b.v.value : null);
}

export function known(value: ExprValue, spec = false, filtered = false): Br {
  return { v: filtered ? { t: "k", value, filtered } : { t: "k", value }, prec: PREC.atom, spec };
}

export function unknown(res: string, prec: number, spec = false, truth?: boolean): Br {
  return { v: truth === undefined ? { t: "u" } : { t: "u", truthy: truth }, res, prec, spec };
}

/** A string from a context: text that carries tokens stays partial. */
export function fromString(s: string, res: string, spec = false): Br {
  if (s.includes(TOKEN_OPEN)) return { v: { t: "x", text: s }, res, prec: PREC.atom, spec };
  return known(s, spec);
}

export function fromValue(v: ExprValue, res: string, spec = false): Br {
  return typeof v === "string" ? fromString(v, res, spec) : known(v, spec);
}

/** Partly known context objects behave as unknown values outside property access. */
export function settle(b: Br): Br {
  return b.v.t === "c" ? { ...b, v: { t: "u" } } : b;
}

export function tokenOf(res: string): string {
  return `${TOKEN_OPEN} ${res} }}`;
}

/** Known truthiness, or undefined. A partial text with literal characters is a non-empty string. */
export function truthOf(v: V): boolean | undefined {
  if (v.t === "k") return truthy(v.value);
  if (v.t === "u") return v.truthy;
  if (v.t === "x") return stripTokens(v.text).length > 0 ? true : undefined;
  return undefined;
}

/** The text a branch prints in a template. */
export function branchText(b: Br): string {
  if (b.v.t === "k") return stringify(b.v.value);
  if (b.v.t === "x") return b.v.text;
  return tokenOf(resOf(b));
}

/** Splits text into literal and `${{ … }}` token parts (string literals inside tokens respected). */
export function splitTokens(text: string): Array<{ token: boolean; text: string }> {
  const out: Array<{ token: boolean; text: string }> = [];
  let i = 0;
  while (i < text.length) {
    const j = text.indexOf(TOKEN_OPEN, i);
    if (j < 0) break;
    const end = findClose(text, j + TOKEN_OPEN.length);
    if (end < 0) break;
    if (j > i) out.push({ token: false, text: text.slice(i, j) });
    out.push({ token: true, text: text.slice(j, end + 2) });
    i = end + 2;
  }
  if (i < text.length) out.push({ token: false, text: text.slice(i) });
  return out;
}

/** Index of the `}}` closing an expression that starts at `from`, skipping string literals; -1 if none. */
export function findClose(text: string, from: number): number {
  let inStr = false;
  for (let k = from; k < text.length; k++) {
    const c = text[k];
    if (inStr) {
      if (c === "'") {
        if (text[k + 1] === "'") k++;
        else inStr = false;
      }
    } else if (c === "'") inStr = true;
    else if (c === "}" && text[k + 1] === "}") return k;
  }
  return -1;
}

export function stripTokens(text: string): string {
  return splitTokens(text)
    .filter((p) => !p.token)
    .map((p) => p.text)
    .join("");
}

function keyOf(b: Br): string {
  if (b.v.t === "k") return `k${b.v.filtered ? "*" : ""}:${JSON.stringify(b.v.value) ?? String(b.v.value)}:${typeof b.v.value}`;
  if (b.v.t === "x") return `x:${b.v.text}`;
  if (b.v.t === "c") return `c:${b.v.path.join(".")}`;
  return `u${b.v.truthy ?? ""}:${resOf(b)}`;
}

/** Dedupe (a value possible without speculation stays non-speculative) and cap the branch count. */
export function finish(list: Br[], cap = MAX_BRANCHES): Br[] {
  // Nearly every expression has one branch: nothing to dedupe.
  if (list.length <= 1 && cap >= 1) return list;
  const seen = new Map<string, number>();
  const out: Br[] = [];
  for (const b of list) {
    const key = keyOf(b);
    const at = seen.get(key);
    if (at !== undefined) {
      if (!b.spec) out[at] = { ...out[at], spec: false };
      continue;
    }
    seen.set(key, out.length);
    out.push(b);
  }
  if (out.length <= cap) return out;
  return out.slice(0, cap).map((b) => ({ ...b, spec: true }));
}

/** Cartesian product of argument branch lists, capped. */
export function product(lists: Br[][], cap = MAX_BRANCHES): { combos: Br[][]; capped: boolean } {
  let combos: Br[][] = [[]];
  let capped = false;
  for (const list of lists) {
    const next: Br[][] = [];
    for (const c of combos) {
      for (const b of list) {
        if (next.length >= cap) {
          capped = true;
          break;
        }
        next.push([...c, b]);
      }
    }
    combos = next;
  }
  return { combos, capped };
}
