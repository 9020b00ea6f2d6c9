/**
 * `--set pattern.key=value` / `pattern.key+=value` overrides (bake-action `set:` lines). The values live in
 * the workflow, so their spans come from the caller.
 */
import { spanAt } from "../span";
import type { Span } from "../types";
import type { AttrKey, Item } from "./model";

export interface SetOverride {
  pattern: RegExp;
  key: AttrKey;
  append: boolean;
  item: Item;
}

const KEYS: Record<string, AttrKey> = {
  tags: "tags",
  "cache-to": "cache-to",
  "cache-from": "cache-from",
  output: "output",
  outputs: "output",
  push: "push",
};

/** Shell-style target pattern (`*`, `?`, `[abc]`) as a RegExp over whole names. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[") {
      const end = glob.indexOf("]", i);
      if (end < 0) re += "\\[";
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

export function isGlob(s: string): boolean {
  return /[*?[]/.test(s);
}

/**
 * Parse the `--set` entries cacheguard cares about; others (args, platform, …) are ignored.
 * `spans[i]`, when given, points at `set[i]` in the workflow; `readFile` lets the value's own characters
 * be found inside it.
 */
export function parseSets(
  set: string[],
  spans: Span[] | undefined,
  readFile: (path: string) => string | undefined,
  fallback: Span,
): SetOverride[] {
  const out: SetOverride[] = [];
  set.forEach((entry, i) => {
    const m = /^\s*([^.=\s]+)\.([A-Za-z-]+)(\+?=)(.*)$/s.exec(entry);
    if (!m) return;
    const key = KEYS[m[2].toLowerCase()];
    if (!key) return;
    const value = m[4].trim();
    const valueAt = entry.indexOf(value, m[1].length + m[2].length + m[3].length + 1);
    const span = spans?.[i];
    const item: Item = { text: value, raw: value, spec: false, span: span ?? fallback };
    if (span) {
      const text = readFile(span.path);
      const written = text?.slice(span.offset, span.endOffset);
      if (text !== undefined && written === entry && valueAt >= 0) {
        const offset = span.offset + valueAt;
        item.span = spanAt(span.path, text, offset, offset + value.length);
        item.where = { path: span.path, text, offset, end: offset + value.length };
      } else if (text !== undefined && written !== undefined) {
        const inner = written.indexOf(value);
        if (inner >= 0) {
          const offset = span.offset + inner;
          item.span = spanAt(span.path, text, offset, offset + value.length);
          item.where = { path: span.path, text, offset, end: offset + value.length };
        }
      }
    }
    out.push({ pattern: globToRegExp(m[1]), key, append: m[3] === "+=", item });
  });
  return out;
}

/**
 * Apply overrides to one target's attribute lists. Repeating `--set t.tags=a --set t.tags=b` gives both
 * tags (the values of one key accumulate); `+=` appends to what the files define.
 */
export function applySets(name: string, attrs: Partial<Record<AttrKey, Item[]>>, sets: SetOverride[]): string | undefined {
  const replaced = new Set<AttrKey>();
  let setSource: string | undefined;
  for (const s of sets) {
    if (!s.pattern.test(name)) continue;
    if (!s.append && !replaced.has(s.key)) {
      attrs[s.key] = [];
      replaced.add(s.key);
    }
    attrs[s.key] = [...(attrs[s.key] ?? []), s.item];
    setSource = s.item.span.path;
  }
  return setSource;
}
