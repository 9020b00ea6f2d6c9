/**
 * Turning a target attribute (a list of strings, or an expression yielding one) into evaluated items,
 * each with the span of the characters it was written as.
 */
import { spanAt } from "../span";
import type { Span } from "../types";
import { type Alt, type HV, type Scope, evalJson, toText } from "./hcl-eval";
import { findAttr, findLiteral, headerSpan } from "./locate";
import type { Item, TargetDef } from "./model";
import type { Located } from "./scope";

/** An object-valued cache or output entry (`{ type = "registry", ref = "…" }`) in its CSV form. */
function csvOf(v: HV): { text: string; ref?: HV } {
  if (v.t !== "o") return { text: toText(v) };
  // type first, as people write it (hcl2json sorts keys)
  const entries = Object.entries(v.fields).sort(([a], [b]) => (a === "type" ? -1 : b === "type" ? 1 : 0));
  const text = entries
    .map(([k, x]) => `${k}=${toText(x)}`)
    .join(",");
  return { text, ref: v.fields.ref };
}

interface Elem {
  v: HV;
  spec: boolean;
}

/**
 * Flatten the alternatives of a list attribute into elements. An element that every alternative has is
 * certain; one only some alternatives have is speculative.
 */
function elements(alts: Alt[]): Elem[] {
  const lists = alts.map((a) => ({ items: a.v.t === "l" ? a.v.items : a.v.t === "null" ? [] : [a.v], spec: a.spec }));
  const byKey = new Map<string, { v: HV; count: number; certain: boolean }>();
  for (const l of lists) {
    const seenHere = new Set<string>();
    for (const it of l.items) {
      const key = JSON.stringify(it.t === "s" ? it.s : it);
      if (seenHere.has(key)) continue;
      seenHere.add(key);
      const e = byKey.get(key) ?? { v: it, count: 0, certain: false };
      e.count++;
      if (!l.spec) e.certain = true;
      byKey.set(key, e);
    }
  }
  return [...byKey.values()].map((e) => ({ v: e.v, spec: !(e.certain || (lists.length > 1 && e.count === lists.length)) }));
}

export function attrSpan(def: TargetDef, key: string): Span {
  const at = findAttr(def.file.text, def.region, key);
  if (at < 0) return headerSpan(def.file.path, def.file.text, def.region);
  return spanAt(def.file.path, def.file.text, at, at + key.length + (def.file.text[at] === '"' ? 2 : 0));
}

/** Evaluate `def.attrs[key]` into items (empty strings dropped, as buildx ignores them). */
export function evalItems(def: TargetDef, key: string, scope: Scope): Item[] | undefined {
  if (!(key in def.attrs)) return undefined;
  const { text: fileText, path } = def.file;
  const attrAt = findAttr(fileText, def.region, key);
  const attrRegion = { start: attrAt < 0 ? def.region.start : attrAt, end: def.region.end, headerEnd: def.region.headerEnd };
  const fallback = attrSpan(def, key);
  let cursor = attrRegion.start;
  const out: Item[] = [];
  for (const e of elements(evalJson(def.attrs[key], scope))) {
    const { text, ref } = csvOf(e.v);
    if (text === "") continue;
    const lit = (ref ?? e.v) as Located;
    const src = lit.t === "s" ? lit.src : undefined;
    let item: Item = { text, raw: src ?? text, spec: e.spec, span: fallback };
    if (lit.t === "s" && lit.at) {
      const { at } = lit;
      item.span = spanAt(at.path, at.text, at.offset, at.end);
      if (!ref) item.where = { path: at.path, text: at.text, offset: at.offset, end: at.end };
    } else if (src !== undefined) {
      const f = findLiteral(fileText, attrRegion, src, cursor);
      if (f) {
        cursor = f.endOffset;
        item.span = spanAt(path, fileText, f.offset, f.endOffset);
        // an object entry's ref was found, but the CSV text as a whole was never written
        if (!ref) item.where = { path, text: fileText, offset: f.offset, end: f.endOffset };
      }
    }
    if (ref) item = { ...item, raw: text, ...(src !== undefined ? { refRaw: src } : {}) };
    out.push(item);
  }
  return out;
}
