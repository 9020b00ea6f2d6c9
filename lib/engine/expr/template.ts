/** `${{ }}` templates: scanning, evaluation of each piece, cartesian product of the alternatives. */
import { type Br, branchText, findClose, settle } from "./branch";
import { evalNode } from "./evaluate";
import { ExprSyntaxError, parseExpression, type Node } from "./parser";
import { printNode } from "./print";
import { TOKEN_OPEN, type Alternative, type Contexts } from "./types";

export const DEFAULT_MAX_ALTERNATIVES = 64;

type Piece = { lit: string } | { expr: string; raw: string };

/**
 * Templates and expressions repeat: the same `with:` text is evaluated once per matrix combination,
 * and the same `${{ env.IMAGE }}` appears all over a file. Scanned pieces and parsed trees depend on
 * the text alone (evaluation never mutates them), so each distinct text is scanned/parsed once.
 * Bounded: cleared when full, so a hostile input cannot grow memory.
 */
const MAX_MEMO = 20_000;
const scanned = new Map<string, readonly Piece[]>();
const parsedExprs = new Map<string, Node | ExprSyntaxError>();

function parseCached(expr: string): Node {
  let r = parsedExprs.get(expr);
  if (r === undefined) {
    if (parsedExprs.size >= MAX_MEMO) parsedExprs.clear();
    try {
      r = parseExpression(expr);
    } catch (err) {
      // Only syntax errors are stable facts about the text; anything else (a stack limit) is rethrown uncached.
      if (!(err instanceof ExprSyntaxError)) throw err;
      r = err;
    }
    parsedExprs.set(expr, r);
  }
  if (r instanceof ExprSyntaxError) throw r;
  return r;
}

/** Splits a template into literal text and expressions; an unterminated `${{` stays literal to the end. */
export function scanTemplate(template: string): Piece[] {
  const hit = scanned.get(template);
  if (hit) return hit as Piece[];
  const out = scanUncached(template);
  if (scanned.size >= MAX_MEMO) scanned.clear();
  scanned.set(template, out);
  return out;
}

function scanUncached(template: string): Piece[] {
  const out: Piece[] = [];
  let i = 0;
  while (i < template.length) {
    const j = template.indexOf(TOKEN_OPEN, i);
    if (j < 0) break;
    const end = findClose(template, j + TOKEN_OPEN.length);
    if (end < 0) break;
    if (j > i) out.push({ lit: template.slice(i, j) });
    out.push({ expr: template.slice(j + TOKEN_OPEN.length, end), raw: template.slice(j, end + 2) });
    i = end + 2;
  }
  if (i < template.length) out.push({ lit: template.slice(i) });
  return out;
}

/** Canonical text of an expression (parsed, not evaluated), or null when it does not parse. */
export function normalizeExpression(expr: string): string | null {
  try {
    return printNode(parseCached(expr)).text;
  } catch {
    return null;
  }
}

export function hasExpression(s: string): boolean {
  return s.includes(TOKEN_OPEN);
}

/** Parses and evaluates one expression; unparseable text yields null. Never throws on bad input. */
export function evaluateToBranches(expr: string, ctx: Contexts): Br[] | null {
  try {
    return evalNode(ctx, parseCached(expr)).map(settle);
  } catch {
    // Workflows are untrusted input: any failure (syntax, a stack limit) leaves the text unresolved.
    return null;
  }
}

interface Part {
  text: string;
  spec: boolean;
}

function pieceAlternatives(p: Piece, ctx: Contexts): Part[] {
  if ("lit" in p) return [{ text: p.lit, spec: false }];
  const branches = evaluateToBranches(p.expr, ctx);
  // Garbage stays as written: unresolved, but the rest of the template is still evaluated.
  if (branches === null) return [{ text: p.raw, spec: false }];
  return branches.map((b) => ({ text: branchText(b), spec: b.spec }));
}

/**
 * Evaluates every `${{ }}` in `template`. Returns one alternative per combination of the pieces'
 * possible values, at most `maxAlternatives` (the rest is dropped and what is kept is speculative).
 */
export function evaluateTemplate(template: string, ctx: Contexts, opts?: { maxAlternatives?: number }): Alternative[] {
  const cap = Math.max(1, opts?.maxAlternatives ?? DEFAULT_MAX_ALTERNATIVES);
  let acc: Part[] = [{ text: "", spec: false }];
  let capped = false;
  for (const piece of scanTemplate(template)) {
    const alts = pieceAlternatives(piece, ctx);
    // One alternative times one (nearly always): the product below would make the same single part.
    if (acc.length === 1 && alts.length === 1) {
      acc[0] = { text: acc[0].text + alts[0].text, spec: acc[0].spec || alts[0].spec };
      continue;
    }
    const next: Part[] = [];
    outer: for (const a of acc) {
      for (const b of alts) {
        if (next.length >= cap) {
          capped = true;
          break outer;
        }
        next.push({ text: a.text + b.text, spec: a.spec || b.spec });
      }
    }
    acc = next;
  }
  if (acc.length === 1) {
    const a = acc[0];
    return [{ text: a.text, resolved: !a.text.includes(TOKEN_OPEN), speculative: a.spec || capped }];
  }
  const seen = new Map<string, Alternative>();
  for (const a of acc) {
    const prev = seen.get(a.text);
    const spec = a.spec || capped;
    if (prev) prev.speculative &&= spec;
    else seen.set(a.text, { text: a.text, resolved: !a.text.includes(TOKEN_OPEN), speculative: spec });
  }
  return [...seen.values()];
}
