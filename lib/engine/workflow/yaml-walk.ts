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

export function walkNodes(path: string, text: string, contents: unknown): WalkResult {
  let sawAlias = false;
  // (typed wide: it is set inside the closure, which narrowing does not see)
  let recursive = null as Node | null;
  const aliases = new Map<Node, Node>();
  const anchors = new Map<string, Node>();
  const duplicates: ParseError[] = [];
  // One recursive walk (yaml's visit() freezes a fresh ancestor array at every level, which cost as
  // much as a tenth of the parse): anchors in document order, aliases resolved, repeated keys noted.
  const stack: unknown[] = [];
  const walk = (node: unknown): boolean => {
    if (node === null || typeof node !== "object") return true;
    // scalars first: most nodes are scalars, and a node is only ever one kind
    if (isScalar(node)) {
      if (node.anchor) anchors.set(node.anchor, node);
      return true;
    }
    if (isAlias(node)) {
      sawAlias = true;
      const target = anchors.get(node.source);
      if (!target) return true;
      // An alias inside its own anchor describes an infinite value.
      if (stack.includes(target)) {
        recursive = node;
        return false;
      }
      aliases.set(node, target);
      return true;
    }
    const map = isMap(node);
    if (!map && !isSeq(node)) return true;
    if (map && duplicates.length < 5) duplicateKeys(path, text, node, duplicates);
    if (node.anchor) anchors.set(node.anchor, node as Node);
    stack.push(node);
    for (const item of node.items as unknown[]) {
      if (isPair(item)) {
        if (!walk(item.key) || !walk(item.value)) return false;
      } else if (!walk(item)) return false;
    }
    stack.pop();
    return true;
  };
  walk(contents);
  return { aliases, sawAlias, recursive, duplicates };
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

