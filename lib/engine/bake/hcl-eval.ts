/**
 * Evaluates bake HCL expressions over partly known inputs. A value that cannot be known (a variable the
 * workflow does not set and that has no default) is an opaque token `${{ bake.NAME }}`, so identical
 * unknowns compare equal as strings. A condition that cannot be decided yields both branches, each marked
 * speculative, which is how a rule knows to lower its confidence.
 */
import { type Node, parseTemplate } from "./hcl-parse";
import { callFunction } from "./hcl-functions";

export type HV =
  | { t: "s"; s: string; src?: string }
  | { t: "n"; n: number }
  | { t: "b"; b: boolean }
  | { t: "null" }
  | { t: "l"; items: HV[] }
  | { t: "o"; fields: Record<string, HV> }
  | { t: "u"; token: string };

export interface Alt {
  v: HV;
  spec: boolean;
}

export interface Scope {
  /** value of a name (variable, matrix key, global attribute), or undefined when nothing defines it */
  lookup(name: string): Alt[] | undefined;
  /** a user-defined bake function, called with evaluated arguments */
  func?(name: string): ((args: HV[]) => Alt[]) | undefined;
}

/** More alternatives than this and the expression is treated as unknown: the workflow cannot be enumerated. */
const MAX_ALTS = 16;
const TOKEN = "${{";

/**
 * Canonical source text: whitespace outside string literals dropped, except one space between two
 * word characters, so `f( "x" )` and `f("x")` make the same token.
 */
function canonical(src: string): string {
  let out = "";
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === "\\" ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
    } else if (/\s/.test(c)) {
      while (i < src.length && /\s/.test(src[i])) i++;
      if (/\w$/.test(out) && /\w/.test(src[i] ?? "")) out += " ";
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

export function unknownToken(src: string): HV {
  return { t: "u", token: `\${{ bake.${canonical(src)} }}` };
}

export function hasToken(s: string): boolean {
  return s.includes(TOKEN);
}

export function str(s: string, src?: string): HV {
  return src === undefined ? { t: "s", s } : { t: "s", s, src };
}

/** String conversion as HCL does; lists and objects have none, so they become tokens. */
export function toText(v: HV, src = "value"): string {
  switch (v.t) {
    case "s":
      return v.s;
    case "n":
      return String(v.n);
    case "b":
      return String(v.b);
    case "null":
      return "";
    case "u":
      return v.token;
    default:
      return (unknownToken(src) as { token: string }).token;
  }
}

/** true/false when known, null when the value (or a token inside it) is not known */
export function truthy(v: HV): boolean | null {
  if (v.t === "b") return v.b;
  if (v.t === "s") return hasToken(v.s) ? null : v.s === "true" ? true : v.s === "false" ? false : null;
  return null;
}

export function isUnknown(v: HV): boolean {
  return v.t === "u" || (v.t === "s" && hasToken(v.s));
}

/** Cartesian product of alternatives, capped. */
export function product(lists: Alt[][]): Array<{ vs: HV[]; spec: boolean }> {
  let acc: Array<{ vs: HV[]; spec: boolean }> = [{ vs: [], spec: false }];
  for (const l of lists) {
    const next: Array<{ vs: HV[]; spec: boolean }> = [];
    for (const a of acc) for (const b of l) next.push({ vs: [...a.vs, b.v], spec: a.spec || b.spec });
    acc = next.slice(0, MAX_ALTS);
  }
  return acc;
}

function fromJsonLiteral(v: unknown): HV {
  if (typeof v === "string") return str(v);
  if (typeof v === "number") return { t: "n", n: v };
  if (typeof v === "boolean") return { t: "b", b: v };
  if (v === null || v === undefined) return { t: "null" };
  if (Array.isArray(v)) return { t: "l", items: v.map(fromJsonLiteral) };
  return { t: "o", fields: Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, fromJsonLiteral(x)])) };
}

function dedupe(alts: Alt[]): Alt[] {
  const seen = new Map<string, Alt>();
  for (const a of alts) {
    const key = JSON.stringify(a.v);
    const prev = seen.get(key);
    if (!prev) seen.set(key, a);
    else if (prev.spec && !a.spec) seen.set(key, a);
  }
  const out = [...seen.values()];
  // one remaining value is certain even if several branches led to it
  return out.length === 1 ? [{ v: out[0].v, spec: alts.every((a) => a.spec) }] : out;
}

function compare(op: string, a: HV, b: HV): HV {
  if (op === "==" || op === "!=") {
    if (a.t === "u" || b.t === "u") {
      const same = a.t === "u" && b.t === "u" && a.token === b.token;
      return same ? { t: "b", b: op === "==" } : unknownToken("cmp");
    }
    const ta = a.t === "l" || a.t === "o" ? JSON.stringify(a) : toText(a);
    const tb = b.t === "l" || b.t === "o" ? JSON.stringify(b) : toText(b);
    if (ta === tb) return { t: "b", b: op === "==" };
    if (hasToken(ta) || hasToken(tb)) return unknownToken("cmp");
    return { t: "b", b: op !== "==" };
  }
  const x = Number(toText(a));
  const y = Number(toText(b));
  if (isUnknown(a) || isUnknown(b) || Number.isNaN(x) || Number.isNaN(y)) {
    if (op === "+" || op === "-" || op === "*" || op === "/" || op === "%") return unknownToken("arith");
    return unknownToken("cmp");
  }
  switch (op) {
    case "<":
      return { t: "b", b: x < y };
    case ">":
      return { t: "b", b: x > y };
    case "<=":
      return { t: "b", b: x <= y };
    case ">=":
      return { t: "b", b: x >= y };
    case "+":
      return { t: "n", n: x + y };
    case "-":
      return { t: "n", n: x - y };
    case "*":
      return { t: "n", n: x * y };
    case "/":
      return { t: "n", n: x / y };
    default:
      return { t: "n", n: x % y };
  }
}

export function evalNode(n: Node, scope: Scope, depth = 0): Alt[] {
  if (depth > 64) return [{ v: unknownToken(n.src), spec: false }];
  const ev = (x: Node) => evalNode(x, scope, depth + 1);
  switch (n.k) {
    case "lit":
      return [{ v: typeof n.v === "string" ? str(n.v, n.src) : fromJsonLiteral(n.v), spec: false }];
    case "unsupported":
      return [{ v: unknownToken(n.src), spec: false }];
    case "var": {
      const found = scope.lookup(n.name);
      return found ?? [{ v: unknownToken(n.name), spec: false }];
    }
    case "tpl": {
      // A template that is only one interpolation yields that value unchanged (HCL semantics).
      if (n.parts.length === 1 && typeof n.parts[0] !== "string") return ev(n.parts[0]);
      const lists = n.parts.map((p) => (typeof p === "string" ? [{ v: str(p), spec: false }] : ev(p)));
      // the result keeps the template's source so its span can point at where it was written
      return dedupe(product(lists).map((c) => ({ v: str(c.vs.map((v) => toText(v, n.src)).join(""), n.src), spec: c.spec })));
    }
    case "list":
      return product(n.items.map(ev)).map((c) => ({ v: { t: "l", items: c.vs }, spec: c.spec }));
    case "obj": {
      const keys = n.fields.map((f) => f.key);
      return product(n.fields.map((f) => ev(f.value))).map((c) => ({
        v: { t: "o", fields: Object.fromEntries(keys.map((k, i) => [k, c.vs[i]])) },
        spec: c.spec,
      }));
    }
    case "get": {
      const keyAlts: Alt[] = typeof n.key === "string" ? [{ v: str(n.key), spec: false }] : ev(n.key);
      const out: Alt[] = [];
      for (const o of ev(n.obj))
        for (const k of keyAlts) {
          const key = toText(k.v);
          let v: HV | undefined;
          if (o.v.t === "o") v = o.v.fields[key];
          else if (o.v.t === "l") v = o.v.items[Number(key)];
          out.push({ v: v ?? unknownToken(n.src), spec: o.spec || k.spec });
        }
      return dedupe(out);
    }
    case "cond": {
      const out: Alt[] = [];
      for (const t of ev(n.test)) {
        const b = truthy(t.v);
        if (b === true) out.push(...ev(n.yes).map((a) => ({ v: a.v, spec: a.spec || t.spec })));
        else if (b === false) out.push(...ev(n.no).map((a) => ({ v: a.v, spec: a.spec || t.spec })));
        else out.push(...[...ev(n.yes), ...ev(n.no)].map((a) => ({ v: a.v, spec: true })));
      }
      const d = dedupe(out);
      return d.length > MAX_ALTS ? [{ v: unknownToken(n.src), spec: false }] : d;
    }
    case "un": {
      return ev(n.e).map((a) => {
        if (n.op === "-") return { v: compare("-", { t: "n", n: 0 }, a.v), spec: a.spec };
        const b = truthy(a.v);
        return { v: b === null ? unknownToken(n.src) : { t: "b", b: !b }, spec: a.spec };
      });
    }
    case "bin": {
      const out: Alt[] = [];
      for (const l of ev(n.l)) {
        const lb = truthy(l.v);
        // short-circuit: a decided left side makes an unknown right side irrelevant
        if ((n.op === "&&" && lb === false) || (n.op === "||" && lb === true)) {
          out.push({ v: { t: "b", b: lb }, spec: l.spec });
          continue;
        }
        for (const r of ev(n.r)) {
          const spec = l.spec || r.spec;
          if (n.op === "&&" || n.op === "||") {
            const rb = truthy(r.v);
            if (rb === null) out.push({ v: lb === null ? unknownToken(n.src) : r.v, spec });
            else if (lb === null) out.push({ v: (n.op === "&&") === rb ? unknownToken(n.src) : { t: "b", b: rb }, spec });
            else out.push({ v: { t: "b", b: n.op === "&&" ? lb && rb : lb || rb }, spec });
          } else {
            const v = compare(n.op, l.v, r.v);
            out.push({ v: v.t === "u" ? unknownToken(n.src) : v, spec });
          }
        }
      }
      return dedupe(out);
    }
    case "call": {
      const combos = product(n.args.map(ev));
      const user = scope.func?.(n.fn);
      if (user) return dedupe(combos.flatMap((c) => user(c.vs).map((a) => ({ v: a.v, spec: a.spec || c.spec }))));
      return dedupe(combos.map((c) => ({ v: callFunction(n.fn, c.vs, n.src), spec: c.spec })));
    }
  }
}

/**
 * Evaluate a value as hcl2json (or a JSON bake file) gives it: strings are templates, arrays and
 * objects hold further values.
 */
export function evalJson(v: unknown, scope: Scope): Alt[] {
  if (typeof v === "string") return evalNode(parseTemplate(v), scope);
  if (Array.isArray(v)) return product(v.map((x) => evalJson(x, scope))).map((c) => ({ v: { t: "l", items: c.vs }, spec: c.spec }));
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>);
    return product(entries.map(([, x]) => evalJson(x, scope))).map((c) => ({
      v: { t: "o", fields: Object.fromEntries(entries.map(([k], i) => [k, c.vs[i]])) },
      spec: c.spec,
    }));
  }
  return [{ v: fromJsonLiteral(v), spec: false }];
}
