/** Canonical text of expressions, used inside opaque tokens so equal expressions print equally. */
import { formatNumber } from "./coerce";
import type { BinOp, Node } from "./parser";
import type { ExprValue } from "./types";

/** Binding strength; a residual with lower precedence than its slot gets parentheses. */
export const PREC = { or: 1, and: 2, eq: 3, cmp: 4, not: 5, atom: 6 } as const;

export function opPrec(op: BinOp): number {
  if (op === "||") return PREC.or;
  if (op === "&&") return PREC.and;
  if (op === "==" || op === "!=") return PREC.eq;
  return PREC.cmp;
}

export function quoteString(s: string): string {
  // Every known value gets a residual text: most hold no quote to double.
  return s.includes("'") ? `'${s.replace(/'/g, "''")}'` : `'${s}'`;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function isIdent(s: string): boolean {
  return IDENT.test(s);
}

/** Residual text for a known value: a literal, or fromjson(...) for objects and arrays. */
export function literalText(v: ExprValue): string {
  if (v === null) return "null";
  if (typeof v === "string") return quoteString(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return formatNumber(v);
  return `fromjson(${quoteString(JSON.stringify(v))})`;
}

/** Wraps `text` (of precedence `prec`) in parentheses when it binds looser than `min`. */
export function paren(text: string, prec: number, min: number): string {
  return prec < min ? `(${text})` : text;
}

/** Canonical text of a parsed expression (no evaluation): same meaning written differently prints the same. */
export function printNode(n: Node): { text: string; prec: number } {
  switch (n.k) {
    case "lit":
      return { text: literalText(n.value), prec: PREC.atom };
    case "ctx":
      return { text: n.name, prec: PREC.atom };
    case "prop": {
      const o = printNode(n.obj);
      return { text: `${paren(o.text, o.prec, PREC.atom)}.${n.name}`, prec: PREC.atom };
    }
    case "index": {
      const o = printNode(n.obj);
      const base = paren(o.text, o.prec, PREC.atom);
      if (n.index.k === "lit" && typeof n.index.value === "string") {
        const key = n.index.value.toLowerCase();
        return { text: isIdent(key) ? `${base}.${key}` : `${base}[${quoteString(key)}]`, prec: PREC.atom };
      }
      return { text: `${base}[${printNode(n.index).text}]`, prec: PREC.atom };
    }
    case "star": {
      const o = printNode(n.obj);
      return { text: `${paren(o.text, o.prec, PREC.atom)}.*`, prec: PREC.atom };
    }
    case "not": {
      const a = printNode(n.arg);
      return { text: `!${paren(a.text, a.prec, PREC.not)}`, prec: PREC.not };
    }
    case "bin": {
      const p = opPrec(n.op);
      const l = printNode(n.left);
      const r = printNode(n.right);
      return { text: `${paren(l.text, l.prec, p)} ${n.op} ${paren(r.text, r.prec, p + 1)}`, prec: p };
    }
    case "call":
      return { text: `${n.name}(${n.args.map((a) => printNode(a).text).join(", ")})`, prec: PREC.atom };
  }
}
