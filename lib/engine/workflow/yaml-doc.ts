/**
 * Workflow YAML as nodes with source ranges. Aliases are resolved through an anchor table built in one
 * pass (yaml's own Alias.resolve walks the whole document per call), and `<<` merge keys are followed on
 * lookup, so every value keeps the range of the characters that wrote it.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node, type YAMLMap } from "yaml";
import type { ParseError, Span } from "../types";
import { parseFast } from "./yaml-fast";
import { parseAllDocumentsQuiet } from "./yaml-parse";
import { errorAt, isMergeValue, walkNodes } from "./yaml-walk";

export const MAX_ALIAS_COUNT = 1000;

export interface YamlDoc {
  path: string;
  text: string;
  doc: Document.Parsed;
  root: Node;
  /** alias node -> the anchored node it stands for */
  aliases: Map<Node, Node>;
  /** memos filled during extraction (see mapEntries, mapGet, rawItems) */
  entries?: Map<Node, Entry[]>;
  keyIndex?: Map<Node, Map<string, Node | null>>;
  itemsCommas?: Map<Node, Array<{ raw: string; span: Span }>>;
  itemsLines?: Map<Node, Array<{ raw: string; span: Span }>>;
  /** what each step mapping says, read once for every matrix combination (see jobs.ts stepShape) */
  stepShapes?: Map<Node, unknown>;
}

export type ParseOutcome = { ok: true; yaml: YamlDoc; warnings: ParseError[] } | { ok: false; errors: ParseError[]; warnings: ParseError[] };

/** Parse one workflow file. Never throws: failures come back as ParseErrors with a position. */
const YAML_OPTIONS = { merge: true, prettyErrors: false, strict: false, uniqueKeys: false } as const;

export function parseWorkflowYaml(path: string, text: string): ParseOutcome {
  const warnings: ParseError[] = [];
  const nul = text.indexOf("\u0000");
  const bad = text.indexOf("\uFFFD");
  if (nul >= 0 || bad >= 0) {
    const at = nul >= 0 ? nul : bad;
    return {
      ok: false,
      errors: [errorAt(path, text, "file is not valid UTF-8 text (binary content or an invalid byte sequence)", at)],
      warnings,
    };
  }
  if (text.trim() === "") return { ok: false, errors: [errorAt(path, text, "workflow file is empty")], warnings };
  let docs: Document.Parsed[];
  try {
    // uniqueKeys: yaml checks each new key against every earlier key of its map (quadratic: 60% of
    // the parse of a 5 MB workflow with 10k jobs); the same check is done below in one pass.
    // the common shapes of workflow YAML read line by line; everything else by yaml (see yaml-fast.ts)
    const fast = parseFast(text, YAML_OPTIONS);
    docs = fast ? [fast] : parseAllDocumentsQuiet(text, YAML_OPTIONS);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, errors: [errorAt(path, text, `YAML could not be parsed: ${message}`)], warnings };
  }
  const real = docs.filter((d) => d.contents !== null || d.errors.length > 0);
  if (real.length === 0) return { ok: false, errors: [errorAt(path, text, "workflow file holds no YAML document")], warnings };
  if (real.length > 1) {
    const second = real[1].range?.[0] ?? 0;
    return { ok: false, errors: [errorAt(path, text, "workflow file holds more than one YAML document", second)], warnings };
  }
  const doc = real[0];
  if (doc.errors.length > 0) {
    const errors = doc.errors.slice(0, 5).map((e) => errorAt(path, text, `YAML syntax error: ${firstLine(e.message)}`, e.pos[0]));
    return { ok: false, errors, warnings };
  }
  for (const w of doc.warnings.slice(0, 5)) warnings.push(errorAt(path, text, `YAML: ${firstLine(w.message)}`, w.pos[0]));
  const root = doc.contents as Node | null;
  if (!root || !isMap(root)) {
    return {
      ok: false,
      errors: [errorAt(path, text, "workflow file is not a YAML mapping (expected keys like `on:` and `jobs:`)", root?.range?.[0] ?? 0)],
      warnings,
    };
  }
  const { aliases, sawAlias, recursive, duplicates } = walkNodes(path, text, doc.contents);
  // GitHub rejects a workflow with a repeated key ("'runs-on' is already defined"), as YAML does.
  if (duplicates.length > 0) return { ok: false, errors: duplicates, warnings };
  if (recursive !== null) {
    const r = recursive;
    return {
      ok: false,
      errors: [errorAt(path, text, "YAML alias refers to the node that contains it (a recursive value)", r.range?.[0] ?? 0)],
      warnings,
    };
  }
  // Expanding aliases the way a consumer would is where a "billion laughs" document explodes; yaml's
  // maxAliasCount stops that early and we refuse the file rather than walking the expansion.
  const bomb = sawAlias ? aliasProblem(doc) : null;
  if (bomb !== null) {
    const message = bomb;
    const excessive = /excessive alias/i.test(message);
    return {
      ok: false,
      errors: [
        errorAt(
          path,
          text,
          excessive ? `YAML aliases expand too much (possible alias bomb): ${message}` : `YAML could not be resolved: ${message}`,
          0,
        ),
      ],
      warnings,
    };
  }
  return { ok: true, yaml: { path, text, doc, root, aliases }, warnings };
}

/** Expand aliases the bounded way yaml does; the error message when that fails, else null. */
function aliasProblem(doc: Document.Parsed): string | null {
  try {
    doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function firstLine(message: string): string {
  return message.split("\n")[0];
}

/** Follow aliases (bounded: an alias chain cannot loop, but stay safe). */
export function deref(y: YamlDoc, node: unknown): Node | null {
  // Nearly every node is no alias: one check (this runs for every key lookup).
  if (!isAlias(node)) return node ? (node as Node) : null;
  let cur = node as Node | null | undefined;
  for (let i = 0; i < 16 && cur && isAlias(cur); i++) cur = y.aliases.get(cur) ?? null;
  if (!cur || isAlias(cur)) return null;
  return cur;
}

/** The key text of a scalar key's value; null for a value no key lookup can name. */
function keyText(v: unknown): string | null {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v === null) return "null";
  return null;
}

export interface Entry {
  key: string;
  keyNode: Node | null;
  value: Node | null;
}

/**
 * Entries per mapping node. Extraction asks the same mappings for keys again and again (every `with:`
 * input, once per matrix combination), and each answer used to rebuild the whole entry list. A node
 * belongs to one document, so the memo lives on the document (a WeakMap costs more in GC than it saves
 * when documents die young). Callers must not mutate the result.
 */
const NO_ENTRIES: Entry[] = [];

/** Entries of a mapping with merge keys applied (own keys win, earlier merge sources win). */
export function mapEntries(y: YamlDoc, node: unknown, depth = 0): Entry[] {
  const map = deref(y, node);
  if (!map || !isMap(map) || depth > 8) return NO_ENTRIES;
  return depth === 0 ? memoEntries(y, map) : entriesOf(y, map, depth);
}

function memoEntries(y: YamlDoc, map: YAMLMap): Entry[] {
  const memo = (y.entries ??= new Map());
  const hit = memo.get(map);
  if (hit) return hit;
  const out = entriesOf(y, map, 0);
  memo.set(map, out);
  return out;
}

function entriesOf(y: YamlDoc, map: YAMLMap, depth: number): Entry[] {
  const own: Entry[] = [];
  const merged: Entry[] = [];
  const items = map.items;
  for (let i = 0; i < items.length; i++) {
    const pair = items[i];
    if (!isPair(pair)) continue;
    const k = pair.key;
    // only scalar keys are merge keys or have a text; one look at each (this runs for every mapping of a file)
    if (!isScalar(k)) continue;
    const v = k.value;
    if (isMergeValue(v)) {
      const src = deref(y, pair.value);
      const sources = src && isSeq(src) ? src.items : [src];
      for (const s of sources) merged.push(...mapEntries(y, s, depth + 1));
      continue;
    }
    const key = keyText(v);
    if (key === null) continue;
    own.push({ key, keyNode: k as Node, value: deref(y, pair.value) });
  }
  if (merged.length === 0) return own;
  const seen = new Set(own.map((e) => e.key));
  const out = [...own];
  for (const e of merged) {
    if (seen.has(e.key)) continue;
    seen.add(e.key);
    out.push(e);
  }
  return out;
}

/** Mappings up to this many entries are searched in their entry list; a keyed index costs more to build. */
const SCAN_ENTRIES = 12;

export function mapGet(y: YamlDoc, node: unknown, key: string): Node | null {
  const map = deref(y, node);
  if (!map || !isMap(map)) return null;
  const entries = memoEntries(y, map);
  // The first entry of a key wins, as in the index below.
  if (entries.length <= SCAN_ENTRIES) {
    for (const e of entries) if (e.key === key) return e.value ?? null;
    return null;
  }
  // Keyed lookup per large mapping, built once: steps are asked for a dozen keys per matrix combination.
  const index = (y.keyIndex ??= new Map());
  let keys = index.get(map);
  if (!keys) {
    keys = new Map();
    for (const e of entries) if (!keys.has(e.key)) keys.set(e.key, e.value);
    index.set(map, keys);
  }
  return keys.get(key) ?? null;
}

export function seqItems(y: YamlDoc, node: unknown): Node[] {
  const seq = deref(y, node);
  if (!seq || !isSeq(seq)) return [];
  const out: Node[] = [];
  for (const it of seq.items) {
    const n = deref(y, it);
    if (n) out.push(n);
  }
  return out;
}

export interface ScalarInfo {
  /** the scalar's value as a string (numbers and booleans as written) */
  value: string;
  /** [start, end) of the scalar's source characters (quotes and block headers included) */
  start: number;
  end: number;
  /** true for quoted and block scalars, whose value is not the source text verbatim */
  styled: boolean;
}

/** A scalar as a string; null for collections, null values and missing nodes. */
export function scalarInfo(y: YamlDoc, node: unknown): ScalarInfo | null {
  const n = deref(y, node);
  if (!n || !isScalar(n)) return null;
  const v = n.value;
  if (v === null || v === undefined) return null;
  const start = n.range?.[0] ?? 0;
  const end = n.range?.[1] ?? start;
  const value = typeof v === "string" ? v : (n.source ?? String(v));
  return { value: typeof value === "string" ? value : String(v), start, end, styled: n.type !== "PLAIN" };
}

export function scalarString(y: YamlDoc, node: unknown): string | null {
  return scalarInfo(y, node)?.value ?? null;
}

/** [start, end) of any node's characters. */
export function nodeRange(y: YamlDoc, node: unknown): [number, number] {
  const n = deref(y, node);
  const r = n?.range;
  return r ? [r[0], r[1]] : [0, 0];
}

/** Plain JS for a node, bounded the same way as the whole-file alias check. */
export function nodeToJs(y: YamlDoc, node: unknown): unknown {
  const n = deref(y, node);
  if (!n) return null;
  // A scalar's JS value is its value (yaml's toJS would build a whole conversion context for it).
  if (isScalar(n)) {
    const v = n.value;
    if (v === null || v === undefined) return null;
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  }
  try {
    return n.toJS(y.doc, { maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    return null;
  }
}
