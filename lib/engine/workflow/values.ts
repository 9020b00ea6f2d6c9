/**
 * Turning YAML scalars into Values: split action input lists the way docker's actions do, evaluate
 * `${{ }}`, and point every item's span at the characters that wrote it.
 */
import { indexWithin, spanAt } from "../span";
import type { Span, Value } from "../types";
import { evaluate, type Alternative, type Contexts } from "./expr-bridge";
import { deref, scalarInfo, seqItems, type YamlDoc } from "./yaml-doc";
import { isSeq } from "yaml";

/** Split on newlines (and commas when asked), never inside `${{ }}` or double quotes. */
export function splitList(value: string, commas: boolean): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === "$" && value.startsWith("${{", i)) {
      const close = value.indexOf("}}", i + 3);
      const end = close < 0 ? value.length : close + 2;
      cur += value.slice(i, end);
      i = end - 1;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === "\n" || c === "\r" || (commas && c === "," && !quoted)) {
      out.push(cur);
      cur = "";
      quoted = false;
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s !== "" && !s.startsWith("#"));
}

/** Strip one level of CSV double quotes, as the actions' list parser does. */
function unquoteItem(s: string): string {
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) return s.slice(1, -1).replace(/""/g, '"');
  return s;
}

export function hasToken(text: string): boolean {
  return text.includes("${{");
}

/** Find `raw` in the file between [from, to); returns a span or null. */
export function locate(path: string, text: string, raw: string, from: number, to: number): Span | null {
  const at = indexWithin(text, raw, from, to);
  if (at < 0) return null;
  return spanAt(path, text, at, at + raw.length);
}

export function nodeSpan(y: YamlDoc, node: unknown): Span {
  const n = deref(y, node);
  const r = n?.range;
  return spanAt(y.path, y.text, r ? r[0] : 0, r ? r[1] : 0);
}

/** Values for one evaluated alternative list; one Value per item when the text holds several. */
export function valuesFrom(raw: string, span: Span, alts: Alternative[], commas: boolean): Value[] {
  const out: Value[] = [];
  const many = alts.length > 1;
  for (const alt of alts) {
    for (const item of splitList(alt.text, commas)) {
      const text = unquoteItem(item);
      const v: Value = { raw, text, resolved: alt.resolved && !hasToken(text), span };
      if (many || alt.speculative) v.speculative = true;
      out.push(v);
    }
  }
  return out;
}

export interface ListItem {
  raw: string;
  span: Span;
}

/** The raw items of a list input (a scalar split by lines/commas, or a YAML sequence of scalars). */
export function rawItems(y: YamlDoc, node: unknown, commas: boolean): ListItem[] {
  const n = deref(y, node);
  if (!n) return [];
  // The same input is split and located once per matrix combination: keep the answer on the document.
  const memo = commas ? (y.itemsCommas ??= new Map()) : (y.itemsLines ??= new Map());
  const hit = memo.get(n);
  if (hit) return hit;
  const out = rawItemsOf(y, n, commas);
  memo.set(n, out);
  return out;
}

function rawItemsOf(y: YamlDoc, n: NonNullable<ReturnType<typeof deref>>, commas: boolean): ListItem[] {
  if (isSeq(n)) return seqItems(y, n).flatMap((it) => rawItems(y, it, commas));
  const info = scalarInfo(y, n);
  if (!info) return [];
  const fallback = spanAt(y.path, y.text, info.start, info.end);
  const out: ListItem[] = [];
  let cursor = info.start;
  for (const raw of splitList(info.value, commas)) {
    const span = locate(y.path, y.text, raw, cursor, info.end);
    if (span) cursor = span.endOffset;
    out.push({ raw, span: span ?? fallback });
  }
  return out;
}

/** Every item of a list input, evaluated: one Value per resulting item. */
export function listValues(y: YamlDoc, node: unknown, ctx: Contexts, commas: boolean): Value[] {
  const out: Value[] = [];
  for (const item of rawItems(y, node, commas)) out.push(...valuesFrom(item.raw, item.span, evaluate(item.raw, ctx), commas));
  return out;
}

/** One scalar input evaluated (its alternatives), or null when absent. */
export function scalarAlts(y: YamlDoc, node: unknown, ctx: Contexts): Alternative[] | null {
  const info = scalarInfo(y, node);
  return info ? evaluate(info.value, ctx) : null;
}

/** `true`/`false` when every alternative agrees, null when it depends on run-time values. */
export function boolOf(alts: Alternative[] | undefined, dflt: boolean): boolean | null {
  if (!alts || alts.length === 0) return dflt;
  const vals = new Set<boolean | null>();
  for (const a of alts) {
    const t = a.text.trim().toLowerCase();
    if (!a.resolved || hasToken(t)) vals.add(null);
    else if (t === "true") vals.add(true);
    else if (t === "false" || t === "") vals.add(false);
    else vals.add(null);
  }
  return vals.size === 1 ? [...vals][0] : null;
}
