/**
 * The bake (go-cty stdlib) functions that show up in real bake files around tags and cache refs.
 * Any other function, or a known function over unknown input, yields an opaque token built from the call's
 * source text, so the same call written twice still compares equal.
 */
import { type HV, hasToken, isUnknown, str, toText, truthy, unknownToken } from "./hcl-eval";

function list(v: HV): HV[] | null {
  return v.t === "l" ? v.items : null;
}

function texts(v: HV): string[] | null {
  const l = list(v);
  return l ? l.map((x) => toText(x)) : null;
}

function bool(b: boolean): HV {
  return { t: "b", b };
}

/** buildx's `format` verbs that matter for strings: %s, %d, %v and %%. */
function format(fmt: string, args: HV[]): string | null {
  let i = 0;
  let ok = true;
  const out = fmt.replace(/%[-+ #0-9.]*([sdvq%])/g, (_m, verb: string) => {
    if (verb === "%") return "%";
    const a = args[i++];
    if (!a) {
      ok = false;
      return "";
    }
    const t = toText(a);
    return verb === "q" ? JSON.stringify(t) : t;
  });
  return ok ? out : null;
}

export function callFunction(fn: string, args: HV[], src: string): HV {
  const unknown = unknownToken(src);
  const a0 = args[0];
  const a1 = args[1];
  switch (fn) {
    case "lower":
    case "upper": {
      if (!a0 || isUnknown(a0)) return unknown;
      const t = toText(a0);
      return str(fn === "lower" ? t.toLowerCase() : t.toUpperCase());
    }
    case "equal":
    case "notequal": {
      if (!a0 || !a1) return unknown;
      const x = toText(a0);
      const y = toText(a1);
      if (x === y) return bool(fn === "equal");
      if (isUnknown(a0) || isUnknown(a1) || hasToken(x) || hasToken(y)) return unknown;
      return bool(fn !== "equal");
    }
    case "and":
    case "or": {
      const bs = args.map(truthy);
      if (fn === "and" && bs.includes(false)) return bool(false);
      if (fn === "or" && bs.includes(true)) return bool(true);
      if (bs.includes(null)) return unknown;
      return bool(fn === "and");
    }
    case "not": {
      const b = a0 ? truthy(a0) : null;
      return b === null ? unknown : bool(!b);
    }
    case "join": {
      const items = a1 ? texts(a1) : null;
      if (!a0 || items === null || isUnknown(a0)) return unknown;
      const rest = args.slice(2).map(texts);
      if (rest.includes(null)) return unknown;
      return str([...items, ...rest.flatMap((r) => r ?? [])].join(toText(a0)));
    }
    case "split": {
      if (!a0 || !a1 || isUnknown(a0) || isUnknown(a1)) return unknown;
      return { t: "l", items: toText(a1).split(toText(a0)).map((s) => str(s)) };
    }
    case "concat": {
      const ls = args.map(list);
      return ls.includes(null) ? unknown : { t: "l", items: ls.flatMap((l) => l ?? []) };
    }
    case "compact": {
      const l = a0 ? list(a0) : null;
      return l ? { t: "l", items: l.filter((x) => toText(x) !== "") } : unknown;
    }
    case "distinct": {
      const l = a0 ? list(a0) : null;
      if (!l) return unknown;
      const seen = new Set<string>();
      return { t: "l", items: l.filter((x) => (seen.has(toText(x)) ? false : (seen.add(toText(x)), true))) };
    }
    case "flatten": {
      const l = a0 ? list(a0) : null;
      if (!l) return unknown;
      const flat = (xs: HV[]): HV[] => xs.flatMap((x) => (x.t === "l" ? flat(x.items) : [x]));
      return { t: "l", items: flat(l) };
    }
    case "coalesce": {
      for (const a of args) {
        if (isUnknown(a)) return unknown;
        if (a.t !== "null" && toText(a) !== "") return a;
      }
      return unknown;
    }
    case "coalescelist": {
      for (const a of args) if (a.t === "l" && a.items.length > 0) return a;
      return unknown;
    }
    case "format": {
      if (!a0 || isUnknown(a0)) return unknown;
      const out = format(toText(a0), args.slice(1));
      return out === null ? unknown : str(out);
    }
    case "formatlist": {
      if (!a0 || isUnknown(a0)) return unknown;
      const rest = args.slice(1);
      const n = Math.max(1, ...rest.map((r) => (r.t === "l" ? r.items.length : 1)));
      const items: HV[] = [];
      for (let i = 0; i < n; i++) {
        const out = format(toText(a0), rest.map((r) => (r.t === "l" ? (r.items[i] ?? { t: "null" }) : r)));
        if (out === null) return unknown;
        items.push(str(out));
      }
      return { t: "l", items };
    }
    case "trimprefix":
    case "trimsuffix": {
      if (!a0 || !a1 || isUnknown(a1)) return unknown;
      const s = toText(a0);
      const p = toText(a1);
      if (fn === "trimprefix") return str(s.startsWith(p) ? s.slice(p.length) : s);
      return str(s.endsWith(p) && p ? s.slice(0, -p.length) : s);
    }
    case "trimspace":
      return a0 && !isUnknown(a0) ? str(toText(a0).trim()) : unknown;
    case "replace": {
      if (args.length < 3 || args.some(isUnknown)) return unknown;
      const [s, from, to] = args.map((x) => toText(x));
      return str(s.split(from).join(to));
    }
    case "substr": {
      if (args.length < 3 || args.some(isUnknown)) return unknown;
      const s = toText(args[0]);
      const off = Number(toText(args[1]));
      const len = Number(toText(args[2]));
      return str(len < 0 ? s.slice(off) : s.slice(off, off + len));
    }
    case "length": {
      if (!a0) return unknown;
      if (a0.t === "l") return { t: "n", n: a0.items.length };
      if (a0.t === "o") return { t: "n", n: Object.keys(a0.fields).length };
      return isUnknown(a0) ? unknown : { t: "n", n: toText(a0).length };
    }
    case "contains": {
      const items = a0 ? texts(a0) : null;
      if (!items || !a1 || isUnknown(a1)) return unknown;
      if (items.includes(toText(a1))) return bool(true);
      return items.some(hasToken) ? unknown : bool(false);
    }
    case "tostring":
      return a0 && a0.t !== "l" && a0.t !== "o" ? (a0.t === "u" ? a0 : str(toText(a0))) : unknown;
    case "element": {
      const l = a0 ? list(a0) : null;
      const i = a1 ? Number(toText(a1)) : NaN;
      return l && l.length && !Number.isNaN(i) ? l[i % l.length] : unknown;
    }
    default:
      return unknown;
  }
}
