import type { Span } from "./types";

/**
 * Line-start offsets per text. Cached by identity of the string value so that the many spans taken
 * from one workflow share one index; a WeakMap cannot hold strings, so a small LRU of texts is kept.
 */
const cache = new Map<string, number[]>();
const MAX_CACHED = 64;

function lineStarts(text: string): number[] {
  const hit = cache.get(text);
  if (hit) return hit;
  const starts = [0];
  if (!text.includes("\r")) {
    // only `\n` ends lines: let indexOf find them
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  } else {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
    }
  }
  if (cache.size >= MAX_CACHED) {
    const first = cache.keys().next().value;
    if (first !== undefined) cache.delete(first);
  }
  cache.set(text, starts);
  return starts;
}

/** 1-based line and column of a 0-based offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const starts = lineStarts(text);
  const off = Math.max(0, Math.min(offset, text.length));
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= off) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: off - starts[lo] + 1 };
}

/** A Span for [offset, endOffset) in `text` (offsets are clamped into the text). */
export function spanAt(path: string, text: string, offset: number, endOffset: number): Span {
  const start = Math.max(0, Math.min(offset, text.length));
  const end = Math.max(start, Math.min(endOffset, text.length));
  const { line, column } = lineColumn(text, start);
  return { path, line, column, offset: start, endOffset: end };
}

/** First index of `needle` in text[from, to), or -1; never scans past `to` (misses stay cheap in big files). */
export function indexWithin(text: string, needle: string, from: number, to: number): number {
  const end = Math.min(to, text.length);
  if (needle === "" || from < 0 || end - from < needle.length) return -1;
  const at = text.substring(from, end).indexOf(needle);
  return at < 0 ? -1 : from + at;
}
