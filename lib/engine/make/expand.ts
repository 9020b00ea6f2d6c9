/**
 * Make's expansion of `$(X)`, `${X}`, `$X`, `$$` and a few functions, over a table of variables. Results
 * are never rescanned (make does not), `${{ … }}` tokens pass through whole, and what cannot be known
 * becomes an opaque token, so two uses of the same unknown value compare equal.
 */
import { matchMakeParen, opaqueMake, unknownMakeToken } from "../shell/make-line";
import { words } from "./lines";

export type VarDef = { flavor: "recursive" | "simple"; value: string };

/** A variable's definition; "unknown" when it may hold anything (set by `!=`, or differently per branch). */
export type Resolve = (name: string) => VarDef | "unknown" | undefined;

export interface ExpandMode {
  /**
   * What a variable nobody defined expands to: an opaque token in values (it may come from the runner's
   * environment), empty where make decides something (`ifeq`, `$(if)`), as it would when unset.
   */
  absent: "opaque" | "empty";
}

const MAX_DEPTH = 32;
const MAX_CHARS = 64_000;

/** Thrown when expansion loops or grows past its budget; the caller makes the whole value unknown. */
export class ExpansionLimit extends Error {}

interface Ctx {
  resolve: Resolve;
  mode: ExpandMode;
  visiting: Set<string>;
  depth: number;
  /** set when a reference could not be known (a cycle): the value is not to be trusted as a whole */
  broken: { on: boolean };
}

/** Arguments of a function call, split at commas outside nested references. */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "(" || c === "{") depth++;
    else if (c === ")" || c === "}") depth--;
    else if (c === "," && depth === 0) {
      out.push(s.slice(from, i));
      from = i + 1;
    }
  }
  out.push(s.slice(from));
  return out;
}

const opaque = (s: string) => s.includes("${{");

function call(fn: string, argText: string, ref: string, ctx: Ctx): string {
  const args = splitArgs(argText);
  const decide = (a: string) => run(a, { ...ctx, mode: { absent: "empty" } }).trim();
  switch (fn) {
    case "strip":
      return words(run(argText, ctx)).join(" ");
    case "subst": {
      if (args.length < 3) return opaqueMake(ref);
      const [from, to] = [run(args[0], ctx), run(args[1], ctx)];
      const text = run(args.slice(2).join(","), ctx);
      return from === "" ? text + to : text.split(from).join(to);
    }
    case "firstword":
      return words(run(argText, ctx))[0] ?? "";
    case "lastword":
      return words(run(argText, ctx)).at(-1) ?? "";
    case "if": {
      const cond = decide(args[0]);
      if (opaque(cond)) return opaqueMake(ref);
      const branch = cond !== "" ? args[1] : args.slice(2).join(",");
      return branch === undefined ? "" : run(branch, ctx).trim();
    }
    case "or":
      for (const a of args) {
        const v = decide(a);
        if (opaque(v)) return opaqueMake(ref);
        if (v !== "") return run(a, ctx).trim();
      }
      return "";
    case "and": {
      let last = "";
      for (const a of args) {
        const v = decide(a);
        if (opaque(v)) return opaqueMake(ref);
        if (v === "") return "";
        last = a;
      }
      return run(last, ctx).trim();
    }
    default:
      return opaqueMake(ref);
  }
}

const FUNCTIONS = /^(strip|subst|firstword|lastword|if|or|and|patsubst|findstring|filter|filter-out|sort|word|words|wordlist|dir|notdir|suffix|basename|addsuffix|addprefix|join|wildcard|realpath|abspath|error|warning|info|shell|origin|flavor|foreach|call|eval|file|value|let|intcmp|guile)[ \t]+/s;

function variable(name: string, ctx: Ctx): string {
  const def = ctx.resolve(name);
  if (def === "unknown") return unknownMakeToken(name);
  if (def === undefined) return ctx.mode.absent === "empty" ? "" : unknownMakeToken(name);
  if (def.flavor === "simple") return def.value;
  if (ctx.visiting.has(name) || ctx.depth >= MAX_DEPTH) {
    // Make stops with "Recursive variable references itself"; the value is not one we can give.
    ctx.broken.on = true;
    return unknownMakeToken(name);
  }
  ctx.visiting.add(name);
  try {
    return run(def.value, { ...ctx, depth: ctx.depth + 1 });
  } finally {
    ctx.visiting.delete(name);
  }
}

function reference(ref: string, ctx: Ctx): string {
  const body = ref.slice(2, -1);
  const fn = FUNCTIONS.exec(body);
  if (fn) return call(fn[1], body.slice(fn[0].length), ref, ctx);
  // `$(SRCS:.c=.o)`: replace a suffix of every word; pattern forms (`%`) stay opaque.
  const sub = /^([^:]+):([^=%]*)=([^%]*)$/s.exec(body);
  if (sub) {
    const value = variable(run(sub[1], ctx), ctx);
    const [from, to] = [run(sub[2], ctx), run(sub[3], ctx)];
    return words(value)
      .map((w) => (w.endsWith(from) ? w.slice(0, w.length - from.length) + to : w))
      .join(" ");
  }
  if (body.includes(":")) return opaqueMake(ref);
  return variable(run(body, ctx), ctx);
}

function run(text: string, ctx: Ctx): string {
  let out = "";
  const n = text.length;
  for (let i = 0; i < n; ) {
    const c = text[i];
    if (c !== "$" || i + 1 >= n) {
      out += c;
      i++;
    } else if (text[i + 1] === "$") {
      out += "$";
      i += 2;
    } else if (text.startsWith("${{", i)) {
      const close = text.indexOf("}}", i + 3);
      const end = close < 0 ? n : close + 2;
      out += text.slice(i, end);
      i = end;
    } else if (text[i + 1] === "(" || text[i + 1] === "{") {
      const end = matchMakeParen(text, i + 1);
      out += reference(text.slice(i, end), ctx);
      i = end;
    } else {
      out += variable(text[i + 1], ctx);
      i += 2;
    }
    if (out.length > MAX_CHARS) throw new ExpansionLimit("make expansion too large");
  }
  return out;
}

/**
 * Expand make text. `broken` is true when part of it could not be known because of a cycle; a budget
 * overrun throws ExpansionLimit.
 */
export function expandMakeText(text: string, resolve: Resolve, mode: ExpandMode = { absent: "opaque" }, visiting: string[] = []): { text: string; broken: boolean } {
  const ctx: Ctx = { resolve, mode, visiting: new Set(visiting), depth: visiting.length, broken: { on: false } };
  const out = run(text, ctx);
  return { text: out, broken: ctx.broken.on };
}
