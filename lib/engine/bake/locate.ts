/**
 * Finding where things were written in a bake file. hcl2json returns no positions, so blocks are found by
 * scanning the text (skipping strings and comments) and literals by searching inside their block.
 */
import { spanAt } from "../span";
import type { Span } from "../types";

export interface Region {
  /** offset of the block's first character (`target`) */
  start: number;
  /** offset just after the closing brace */
  end: number;
  /** offset of the end of the header line */
  headerEnd: number;
}

export interface BlockLoc extends Region {
  kind: string;
  name: string;
}

/** Skip a quoted string starting at `i` (on the quote); returns the offset after the closing quote. */
function skipString(text: string, i: number): number {
  let j = i + 1;
  let depth = 0;
  while (j < text.length) {
    const c = text[j];
    if (c === "\\") j += 2;
    else if (c === "$" && text[j + 1] === "{") {
      depth++;
      j += 2;
    } else if (c === "}" && depth > 0) {
      depth--;
      j++;
    } else if (c === '"' && depth === 0) return j + 1;
    else if (c === '"') j = skipString(text, j);
    else if (c === "\n" && depth === 0) return j;
    else j++;
  }
  return j;
}

/** Skip a comment at `i` if there is one; returns `i` unchanged otherwise. */
function skipComment(text: string, i: number): number {
  const c = text[i];
  if (c === "#" || (c === "/" && text[i + 1] === "/")) {
    const nl = text.indexOf("\n", i);
    return nl < 0 ? text.length : nl;
  }
  if (c === "/" && text[i + 1] === "*") {
    const end = text.indexOf("*/", i + 2);
    return end < 0 ? text.length : end + 2;
  }
  return i;
}

/** Skip a heredoc (`<<EOT` … `EOT`) starting at `i`; returns `i` unchanged when there is none. */
function skipHeredoc(text: string, i: number): number {
  const m = /^<<-?([A-Za-z_][A-Za-z0-9_]*)\r?\n/.exec(text.slice(i, i + 80));
  if (!m) return i;
  const body = i + m[0].length;
  const end = new RegExp(`^[ \\t]*${m[1]}[ \\t]*$`, "m").exec(text.slice(body));
  return end ? body + end.index + end[0].length : text.length;
}

/** Offset after the brace matching the `{` at `open`. */
export function matchBrace(text: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < text.length) {
    const c = text[i];
    const skipped = skipComment(text, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    if (c === '"') {
      i = skipString(text, i);
      continue;
    }
    if (c === "<" && text[i + 1] === "<") {
      const after = skipHeredoc(text, i);
      if (after !== i) {
        i = after;
        continue;
      }
    }
    if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return text.length;
}

function lineEnd(text: string, i: number): number {
  const nl = text.indexOf("\n", i);
  return nl < 0 ? text.length : nl;
}

/** Top-level HCL blocks (`target "app" {`), in file order. */
export function scanHclBlocks(text: string): BlockLoc[] {
  const out: BlockLoc[] = [];
  const header = /([A-Za-z_][\w-]*)((?:\s+(?:"[^"\n]*"|[A-Za-z_][\w-]*))*)\s*\{/y;
  let i = 0;
  while (i < text.length) {
    const skipped = skipComment(text, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    const c = text[i];
    if (c === '"') {
      i = skipString(text, i);
      continue;
    }
    if (/[A-Za-z_]/.test(c) && (i === 0 || /[\s;}]/.test(text[i - 1]))) {
      header.lastIndex = i;
      const m = header.exec(text);
      if (m) {
        const labels = [...m[2].matchAll(/"([^"\n]*)"|([A-Za-z_][\w-]*)/g)].map((x) => x[1] ?? x[2]);
        const open = i + m[0].length - 1;
        const end = matchBrace(text, open);
        out.push({ kind: m[1], name: labels[0] ?? "", start: i, end, headerEnd: lineEnd(text, i) });
        i = end;
        continue;
      }
      // an attribute or other statement: skip its line (values may span lines inside brackets)
      const eq = /[A-Za-z_][\w-]*\s*=\s*/y;
      eq.lastIndex = i;
      const am = eq.exec(text);
      if (am && (text[i + am[0].length] === "[" || text[i + am[0].length] === "{")) {
        i = matchBrace(text, i + am[0].length);
        continue;
      }
      i = lineEnd(text, i);
      continue;
    }
    i++;
  }
  return out;
}

/** JSON bake file: the `"name": {` object under the top-level `"target"` (or group/variable) key. */
export function scanJsonBlock(text: string, kind: string, name: string): BlockLoc | undefined {
  const kindAt = text.search(new RegExp(`"${kind}"\\s*:\\s*\\{`));
  if (kindAt < 0) return undefined;
  const kindEnd = matchBrace(text, text.indexOf("{", kindAt));
  const re = new RegExp(`"${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"\\s*:\\s*\\{`, "g");
  re.lastIndex = kindAt + kind.length + 2;
  const m = re.exec(text);
  if (!m || m.index > kindEnd) return undefined;
  const open = m.index + m[0].length - 1;
  return { kind, name, start: m.index, end: matchBrace(text, open), headerEnd: lineEnd(text, m.index) };
}

/** Where the attribute `name` is assigned inside a region (`name =`, `"name":`), or -1. */
export function findAttr(text: string, region: Region, name: string): number {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`(^|[\\s{,;])"?${esc}"?\\s*[=:]`, "g");
  re.lastIndex = region.start;
  for (let m = re.exec(text); m && m.index < region.end; m = re.exec(text)) {
    return m.index + m[1].length;
  }
  return -1;
}

export interface Found {
  offset: number;
  endOffset: number;
}

/**
 * Locate a literal's characters: first as a quoted string after `from`, then bare, inside the region.
 * `from` lets repeated values in one list be found one after another.
 */
export function findLiteral(text: string, region: Region, literal: string, from: number): Found | undefined {
  if (literal === "") return undefined;
  const windows: Array<[number, number]> = [
    [Math.max(from, region.start), region.end],
    [region.start, region.end],
  ];
  for (const [s, e] of windows) {
    const hay = text.slice(s, e);
    const quoted = hay.indexOf(`"${literal}"`);
    if (quoted >= 0) return { offset: s + quoted + 1, endOffset: s + quoted + 1 + literal.length };
    const bare = hay.indexOf(literal);
    if (bare >= 0) return { offset: s + bare, endOffset: s + bare + literal.length };
  }
  return undefined;
}

/** The block's first line: where a value points when its characters cannot be found. */
export function headerSpan(path: string, text: string, region: Region): Span {
  return spanAt(path, text, region.start, region.headerEnd);
}
