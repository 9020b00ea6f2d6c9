/**
 * One pass over a parsed workflow document: anchors in document order, each alias resolved to its
 * anchored node, aliases that sit inside their own anchor, and keys repeated in one mapping.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Node, type YAMLMap } from "yaml";
import { lineColumn } from "../span";
import type { ParseError } from "../types";

export function errorAt(path: string, text: string, message: string, offset?: number): ParseError {
  if (offset === undefined) return { path, message };
  const { line, column } = lineColumn(text, offset);
  return { path, message, line, column };
}

/** A scalar key's value that makes it the merge key `<<`. */
export function isMergeValue(v: unknown): boolean {
  return v === "<<" || (typeof v === "symbol" && v.description === "<<");
}

export function isMergeKey(key: unknown): boolean {
  return isScalar(key) && isMergeValue(key.value);
}

export interface WalkResult {
  aliases: Map<Node, Node>;
  sawAlias: boolean;
  /** an alias found inside the node it refers to (the walk stops there) */
  recursive: Node | null;
  /** at most 5 */
  duplicates: ParseError[];
}

/** What walk() carries down the document. */
interface WalkState {
  path: string;
  text: string;
  sawAlias: boolean;
  recursive: Node | null;
  aliases: Map<Node, Node>;
  anchors: Map<string, Node>;
  duplicates: ParseError[];
  /** the collections enclosing the node being walked */
  stack: unknown[];
}

export function walkNodes(path: string, text: string, contents: unknown): WalkResult {
  const ws: WalkState = { path, text, sawAlias: false, recursive: null, aliases: new Map(), anchors: new Map(), duplicates: [], stack: [] };
  walk(ws, contents);
  return { aliases: ws.aliases, sawAlias: ws.sawAlias, recursive: ws.recursive, duplicates: ws.duplicates };
}

/**
 * One recursive walk (yaml's visit() freezes a fresh ancestor array at every level, which cost as much as
 * a tenth of the parse): anchors in document order, aliases resolved, repeated keys noted. False stops
 * the walk (a recursive alias). Module-level, not a closure per document (tsx's keepNames names each one).
 */
function walk(ws: WalkState, node: unknown): boolean {
  if (node === null || typeof node !== "object") return true;
  // scalars first: most nodes are scalars, and a node is only ever one kind
  if (isScalar(node)) {
    if (node.anchor) ws.anchors.set(node.anchor, node);
    return true;
  }
  if (isAlias(node)) {
    ws.sawAlias = true;
    const target = ws.anchors.get(node.source);
    if (!target) return true;
    // An alias inside its own anchor describes an infinite value.
    if (ws.stack.includes(target)) {
      ws.recursive = node;
      return false;
    }
    ws.aliases.set(node, target);
    return true;
  }
  const map = isMap(node);
  if (!map && !isSeq(node)) return true;
  if (map && ws.duplicates.length < 5) duplicateKeys(ws.path, ws.text, node, ws.duplicates);
  if (node.anchor) ws.anchors.set(node.anchor, node as Node);
  ws.stack.push(node);
  for (const item of node.items as unknown[]) {
    if (isPair(item)) {
      if (!walk(ws, item.key) || !walk(ws, item.value)) return false;
    } else if (!walk(ws, item)) return false;
  }
  ws.stack.pop();
  return true;
}

/** Keys repeated in one mapping (scalar keys compared by type and value, as yaml's own check does). */
function duplicateKeys(path: string, text: string, map: YAMLMap, out: ParseError[]): void {
  const items = map.items;
  if (items.length < 2) return;
  // Most mappings are small: comparing each key with the earlier ones beats building a string per key.
  const small = items.length <= 8;
  const seen = small ? null : new Set<string>();
  for (let i = 0; i < items.length; i++) {
    const k = items[i].key;
    if (!isScalar(k) || isMergeKey(k)) continue;
    if (seen) {
      const id = `${typeof k.value}:${String(k.value)}`;
      if (!seen.has(id)) {
        seen.add(id);
        continue;
      }
    } else if (!repeatsEarlierKey(items, i, k.value)) continue;
    out.push(errorAt(path, text, "YAML syntax error: Map keys must be unique", k.range?.[0] ?? 0));
    if (out.length >= 5) return;
  }
}

/** Whether a scalar key before `i` has the same type and text as `value` (the id the Set above compares). */
function repeatsEarlierKey(items: YAMLMap["items"], i: number, value: unknown): boolean {
  for (let j = 0; j < i; j++) {
    const o = items[j].key;
    if (isScalar(o) && !isMergeKey(o) && typeof o.value === typeof value && String(o.value) === String(value)) return true;
  }
  return false;
}

