/** Built-in functions. A function whose arguments are not all known gives an unknown (or partial) result. */
import { type Br, branchText, known, resOf, unknown } from "./branch";
import { isObject, looseEquals, stringify } from "./coerce";
import { PREC } from "./print";
import type { ExprValue } from "./types";

function callRes(name: string, args: Br[]): string {
  return `${name}(${args.map(resOf).join(", ")})`;
}

/** format(): `{N}` substitutes argument N, `{{` and `}}` are literal braces. Null when the format is invalid. */
function formatPieces(fmt: string, argCount: number): Array<string | number> | null {
  const out: Array<string | number> = [];
  let lit = "";
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c === "{") {
      if (fmt[i + 1] === "{") {
        lit += "{";
        i++;
        continue;
      }
      const m = /^\{(\d+)\}/.exec(fmt.slice(i));
      if (!m) return null;
      const n = Number(m[1]);
      if (n >= argCount) return null;
      if (lit) out.push(lit);
      lit = "";
      out.push(n);
      i += m[0].length - 1;
    } else if (c === "}") {
      if (fmt[i + 1] !== "}") return null;
      lit += "}";
      i++;
    } else lit += c;
  }
  if (lit) out.push(lit);
  return out;
}

function doFormat(args: Br[], res: string, spec: boolean): Br {
  const fmt = args[0];
  if (fmt === undefined || fmt.v.t !== "k" || typeof fmt.v.value !== "string") return unknown(res, PREC.atom, spec);
  const rest = args.slice(1);
  const pieces = formatPieces(fmt.v.value, rest.length);
  if (pieces === null) return unknown(res, PREC.atom, spec);
  let partial = false;
  let text = "";
  for (const p of pieces) {
    if (typeof p === "string") text += p;
    else {
      const a = rest[p];
      if (a.v.t !== "k") partial = true;
      text += branchText(a);
    }
  }
  if (!partial) return known(text, spec);
  return { v: { t: "x", text }, res, prec: PREC.atom, spec };
}

function allKnown(args: Br[]): ExprValue[] | null {
  const out: ExprValue[] = [];
  for (const a of args) {
    if (a.v.t !== "k") return null;
    out.push(a.v.value);
  }
  return out;
}

function toJson(v: ExprValue): string {
  return JSON.stringify(v, null, 2) ?? "null";
}

type Impl = (vals: ExprValue[]) => ExprValue | undefined;

/** Implementations over known arguments; undefined means "cannot tell" (the result stays unknown). */
const IMPLS: Record<string, { min: number; max: number; fn: Impl }> = {
  tolower: { min: 1, max: 1, fn: ([v]) => stringify(v).toLowerCase() },
  toupper: { min: 1, max: 1, fn: ([v]) => stringify(v).toUpperCase() },
  contains: {
    min: 2,
    max: 2,
    fn: ([hay, needle]) => {
      if (Array.isArray(hay)) return hay.some((item) => looseEquals(item, needle));
      if (isObject(hay)) return false;
      return stringify(hay).toUpperCase().includes(stringify(needle).toUpperCase());
    },
  },
  startswith: {
    min: 2,
    max: 2,
    fn: ([s, p]) => stringify(s).toUpperCase().startsWith(stringify(p).toUpperCase()),
  },
  endswith: {
    min: 2,
    max: 2,
    fn: ([s, p]) => stringify(s).toUpperCase().endsWith(stringify(p).toUpperCase()),
  },
  join: {
    min: 1,
    max: 2,
    fn: ([arr, sep]) => {
      const s = sep === undefined ? "," : stringify(sep);
      return Array.isArray(arr) ? arr.map(stringify).join(s) : stringify(arr);
    },
  },
  tojson: { min: 1, max: 1, fn: ([v]) => toJson(v) },
  fromjson: {
    min: 1,
    max: 1,
    fn: ([v]) => {
      if (typeof v !== "string") return undefined;
      try {
        return JSON.parse(v) as ExprValue;
      } catch {
        return undefined;
      }
    },
  },
};

/** Applies a function to one combination of argument branches. */
export function applyFunction(name: string, args: Br[]): Br {
  const spec = args.some((a) => a.spec);
  const res = callRes(name, args);
  if (name === "format") return doFormat(args, res, spec);
  const impl = IMPLS[name];
  if (!impl || args.length < impl.min || args.length > impl.max) return unknown(res, PREC.atom, spec);
  const vals = allKnown(args);
  if (vals === null) return unknown(res, PREC.atom, spec);
  const out = impl.fn(vals);
  if (out === undefined) return unknown(res, PREC.atom, spec);
  return known(out, spec);
}

