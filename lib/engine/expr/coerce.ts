/** GitHub Actions value semantics: truthiness, number coercion, loose equality, stringification. */
import type { ExprValue } from "./types";

export function isObject(v: ExprValue): v is { [k: string]: ExprValue } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function truthy(v: ExprValue): boolean {
  if (v === null || v === false || v === "") return false;
  if (typeof v === "number") return v !== 0 && !Number.isNaN(v);
  return true;
}

const JSON_NUM = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

export function toNumber(v: ExprValue): number {
  if (v === null) return 0;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    const s = v.trim();
    if (s === "") return 0;
    if (JSON_NUM.test(s)) return Number(s);
    if (/^0x[0-9a-f]+$/i.test(s)) return parseInt(s.slice(2), 16);
    if (/^[-+]?infinity$/i.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
    return NaN;
  }
  return NaN;
}

function kind(v: ExprValue): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

/** `==` as GitHub does it: same type compares directly (strings ignoring case), else both become numbers. */
export function looseEquals(a: ExprValue, b: ExprValue): boolean {
  const ka = kind(a);
  const kb = kind(b);
  if (ka === kb) {
    if (typeof a === "string" && typeof b === "string") return a.toUpperCase() === b.toUpperCase();
    if (typeof a === "number" && typeof b === "number") return a === b;
    return a === b;
  }
  return toNumber(a) === toNumber(b);
}

/** `<` `<=` `>` `>=`: strings compare ignoring case, anything else as numbers (NaN compares false). */
export function compare(op: "<" | "<=" | ">" | ">=", a: ExprValue, b: ExprValue): boolean {
  let x: number | string;
  let y: number | string;
  if (typeof a === "string" && typeof b === "string") {
    x = a.toUpperCase();
    y = b.toUpperCase();
  } else {
    x = toNumber(a);
    y = toNumber(b);
  }
  switch (op) {
    case "<":
      return x < y;
    case "<=":
      return x <= y;
    case ">":
      return x > y;
    default:
      return x >= y;
  }
}

export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "Infinity";
  if (n === -Infinity) return "-Infinity";
  if (Object.is(n, -0)) return "0";
  return String(n);
}

/** How a value prints inside a template (GitHub prints objects as `Object` and arrays as `Array`). */
export function stringify(v: ExprValue): string {
  if (v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return formatNumber(v);
  return Array.isArray(v) ? "Array" : "Object";
}

/** Case-insensitive property lookup; an exact-case key wins. */
export function getProperty<T>(obj: Record<string, T>, name: string): T | undefined {
  if (Object.prototype.hasOwnProperty.call(obj, name)) return obj[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}
