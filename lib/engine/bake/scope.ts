/**
 * Name lookup for bake expressions: matrix values, then variables (the env given to bake overrides a
 * declared variable's default), then top-level attributes. A variable nobody sets stays an opaque token.
 */
import { type Alt, evalJson, type HV, type Scope, str, unknownToken } from "./hcl-eval";
import { findLiteral } from "./locate";
import type { BakeDoc, FunctionDef, VariableDef } from "./model";

/** Where a string value's characters were found, when they came from a variable's default. */
export interface At {
  path: string;
  text: string;
  offset: number;
  end: number;
}

/** Strings may carry `at` (found position) in addition to `src`; kept off the HV type on purpose. */
export type Located = HV & { at?: At };

export interface Globals {
  variables: Map<string, VariableDef>;
  functions: Map<string, FunctionDef>;
  globals: Map<string, unknown>;
  env: Record<string, string>;
}

export function collectGlobals(docs: BakeDoc[], env: Record<string, string>): Globals {
  const variables = new Map<string, VariableDef>();
  const globals = new Map<string, unknown>();
  const functions = new Map<string, FunctionDef>();
  for (const d of docs) {
    for (const f of d.functions) functions.set(f.name, f);
    for (const v of d.variables) {
      const prev = variables.get(v.name);
      // a later block without a default keeps the earlier default (buildx merges variable blocks)
      variables.set(v.name, v.hasDefault || !prev ? v : { ...v, hasDefault: prev.hasDefault, default: prev.default });
    }
    for (const [k, v] of Object.entries(d.globals)) globals.set(k, v);
  }
  return { variables, functions, globals, env };
}

/** The env value converted to the type of the variable's default (bool and number variables). */
function fromEnv(raw: string, def: unknown): HV {
  if (typeof def === "boolean" && (raw === "true" || raw === "false")) return { t: "b", b: raw === "true" };
  if (typeof def === "number" && raw.trim() !== "" && !Number.isNaN(Number(raw))) return { t: "n", n: Number(raw) };
  return str(raw);
}

function locate(alts: Alt[], v: VariableDef): Alt[] {
  const region = v.region;
  if (!region) return alts;
  return alts.map((a) => {
    if (a.v.t !== "s" || a.v.src === undefined) return a;
    const f = findLiteral(v.file.text, region, a.v.src, region.start);
    if (!f) return a;
    const at: At = { path: v.file.path, text: v.file.text, offset: f.offset, end: f.endOffset };
    const located: Located = { ...a.v, at };
    return { v: located, spec: a.spec };
  });
}

/** Calls nested deeper than this are treated as unknown (a function calling itself). */
const MAX_CALL_DEPTH = 16;

export function makeScope(g: Globals, matrix?: Record<string, HV>, depth = 0): Scope {
  const memo = new Map<string, Alt[]>();
  const busy = new Set<string>();
  const scope: Scope = {
    lookup(name: string): Alt[] | undefined {
      if (matrix && name in matrix) return [{ v: matrix[name], spec: false }];
      const cached = memo.get(name);
      if (cached) return cached;
      if (busy.has(name)) return [{ v: unknownToken(name), spec: false }];
      busy.add(name);
      let out: Alt[] | undefined;
      const v = g.variables.get(name);
      if (v) {
        if (Object.prototype.hasOwnProperty.call(g.env, name)) out = [{ v: fromEnv(g.env[name], v.default), spec: false }];
        else if (v.hasDefault && v.default !== null) out = locate(evalJson(v.default, scope), v);
        else out = [{ v: unknownToken(name), spec: false }];
      } else if (g.globals.has(name)) {
        out = evalJson(g.globals.get(name), scope);
      }
      busy.delete(name);
      if (out) memo.set(name, out);
      return out;
    },
    func(name: string) {
      const f = g.functions.get(name);
      if (!f || depth >= MAX_CALL_DEPTH) return undefined;
      return (args: HV[]) => {
        const bound: Record<string, HV> = { ...matrix };
        f.params.forEach((p, i) => (bound[p] = args[i] ?? { t: "null" }));
        if (f.variadic) bound[f.variadic] = { t: "l", items: args.slice(f.params.length) };
        return evalJson(f.result, makeScope(g, bound, depth + 1));
      };
    },
  };
  return scope;
}
