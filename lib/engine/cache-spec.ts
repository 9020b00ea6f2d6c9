/**
 * buildx cache specs (`--cache-to`, `--cache-from`, build-push-action `cache-to:` …), parsed as buildx
 * does: one spec per line, each line a CSV record of key=value fields in any order; a value with no `=`
 * is a registry ref (`ghcr.io/o/a:cache` == `type=registry,ref=ghcr.io/o/a:cache`).
 */
import { indexWithin, spanAt } from "./span";
import type { CacheSpec, Span, Value } from "./types";

/** The shape of an evaluated alternative (structurally the same as expr's `Alternative`). */
export interface SpecAlternative {
  text: string;
  resolved: boolean;
  speculative: boolean;
}

export interface SpecLocation {
  path: string;
  /** the whole file text */
  text: string;
  /** offset in `text` where the node holding `input` starts */
  offset: number;
  /** offset in `text` where that node ends (bounds the search for raw characters) */
  end?: number;
  /** span to use when the characters cannot be found (e.g. escapes in a double-quoted scalar) */
  fallback?: Span;
}

export interface SpecOptions {
  /** evaluate `${{ }}` in one raw line; when absent the raw text is taken as is */
  evaluate?: (raw: string) => SpecAlternative[];
}

interface CsvField {
  /** unquoted field text */
  value: string;
  /** offset of the field's value characters in the line (after the opening quote, if any) */
  start: number;
  /** offset just past the field's value characters (before the closing quote, if any) */
  end: number;
}

const TOKEN_OPEN = "${{";

/** Split one CSV record. `"` quotes a field, `""` is a quote inside one; `${{ … }}` is never split. */
export function splitCsv(line: string): CsvField[] {
  const fields: CsvField[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (i < n && line[i] === '"') {
      let value = "";
      const start = i + 1;
      let j = start;
      while (j < n) {
        if (line[j] === '"') {
          if (line[j + 1] === '"') {
            value += '"';
            j += 2;
            continue;
          }
          break;
        }
        value += line[j];
        j++;
      }
      const end = j;
      j++; // closing quote (or past the end when unterminated: lenient)
      // Characters after a closing quote up to the next comma are kept (lenient like relaxQuotes).
      while (j < n && line[j] !== ",") value += line[j++];
      fields.push({ value, start, end });
      i = j;
    } else {
      const start = i;
      let j = i;
      while (j < n && line[j] !== ",") {
        if (line.startsWith(TOKEN_OPEN, j)) {
          const close = line.indexOf("}}", j + 3);
          j = close < 0 ? n : close + 2;
          continue;
        }
        j++;
      }
      fields.push({ value: line.slice(start, j), start, end: j });
      i = j;
    }
    if (i >= n) break;
    i++; // comma
    if (i >= n) {
      fields.push({ value: "", start: n, end: n });
      break;
    }
  }
  return fields;
}

interface ParsedLine {
  type: string;
  attrs: Record<string, string>;
  /** position of the ref value in the line, for registry specs */
  refField?: CsvField;
}

function parseLine(line: string): ParsedLine {
  const trimmed = line.trim();
  if (!trimmed.includes("=")) {
    const lead = line.indexOf(trimmed);
    const field: CsvField = { value: trimmed, start: lead, end: lead + trimmed.length };
    return { type: "registry", attrs: { ref: trimmed }, refField: field };
  }
  const attrs: Record<string, string> = {};
  let type = "";
  let refField: CsvField | undefined;
  for (const f of splitCsv(line)) {
    const eq = f.value.indexOf("=");
    if (eq < 0) continue;
    const key = f.value.slice(0, eq).trim().toLowerCase();
    const value = f.value.slice(eq + 1).trim();
    if (key === "type") type = value;
    else {
      attrs[key] = value;
      if (key === "ref") {
        // Map the value back to raw characters: skip `key=` and surrounding blanks inside the field.
        const rawField = line.slice(f.start, f.end);
        const rawEq = rawField.indexOf("=");
        let s = f.start + rawEq + 1;
        let e = f.end;
        while (s < e && /\s/.test(line[s])) s++;
        while (e > s && /\s/.test(line[e - 1])) e--;
        refField = { value, start: s, end: e };
      }
    }
  }
  // buildx requires type=; a spec without one is most likely meant as a registry cache.
  return { type: type || "registry", attrs, refField };
}

/**
 * Where `needle` stands in text[from, to) when YAML folded it: a multi-line plain scalar reads each
 * line break and its indentation as one space (a formatter may even break inside `${{ }}`), so every
 * blank run of the needle may be any blank run in the source.
 */
function indexFolded(text: string, needle: string, from: number, to: number): { at: number; end: number } | null {
  const parts = needle.trim().split(/\s+/);
  if (parts.length < 2) return null;
  const re = new RegExp(parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("\\s+"), "g");
  re.lastIndex = from;
  const m = re.exec(text.slice(0, Math.min(to, text.length)));
  return m ? { at: m.index, end: m.index + m[0].length } : null;
}

function hasUnresolved(text: string): boolean {
  return text.includes(TOKEN_OPEN);
}

interface LocatedLine {
  rawLine: string;
  lineSpan: Span;
  rawParsed: ParsedLine;
  refRaw?: string;
  refSpan: Span;
}

/**
 * Where each line of `input` was written. This depends on the characters alone, while the same input
 * is evaluated once per matrix combination: keep the answers for the file being read (only one file's,
 * so memory stays bounded and nothing outlives the file).
 */
let memoText: string | null = null;
/** By input, then the place it was read from (a short list: one input is rarely written in many places). */
const memo = new Map<string, Array<{ path: string; offset: number; end?: number; fo?: number; fe?: number; lines: LocatedLine[] }>>();
let memoSize = 0;

function locateLines(input: string, where: SpecLocation): LocatedLine[] {
  if (memoText !== where.text) {
    memo.clear();
    memoSize = 0;
    memoText = where.text;
  }
  const { path, offset, end } = where;
  const fo = where.fallback?.offset;
  const fe = where.fallback?.endOffset;
  let places = memo.get(input);
  const hit = places?.find((p) => p.path === path && p.offset === offset && p.end === end && p.fo === fo && p.fe === fe);
  if (hit) return hit.lines;
  const lines = locateUncached(input, where);
  if (memoSize > 5_000) {
    memo.clear();
    memoSize = 0;
    places = undefined;
  }
  if (!places) memo.set(input, (places = []));
  places.push({ path, offset, end, fo, fe, lines });
  memoSize++;
  return lines;
}

function locateUncached(input: string, where: SpecLocation): LocatedLine[] {
  const out: LocatedLine[] = [];
  const searchEnd = Math.min(where.text.length, where.end ?? where.offset + input.length * 2 + 256);
  let cursor = where.offset;
  const lines = input.split(/\r?\n|\r/);
  for (const rawLineUntrimmed of lines) {
    const rawLine = rawLineUntrimmed.trim();
    if (rawLine === "" || rawLine.startsWith("#")) continue;
    // Locate the line as written; lines of block scalars are verbatim once indentation is stripped.
    const lineAt = indexWithin(where.text, rawLine, cursor, searchEnd);
    if (lineAt >= 0) cursor = lineAt + rawLine.length;
    const lineSpan =
      lineAt >= 0
        ? spanAt(where.path, where.text, lineAt, lineAt + rawLine.length)
        : (where.fallback ?? spanAt(where.path, where.text, where.offset, searchEnd));
    const rawParsed = parseLine(rawLine);
    let refSpan = lineSpan;
    const refRaw = rawParsed.refField ? rawLine.slice(rawParsed.refField.start, rawParsed.refField.end) : undefined;
    if (rawParsed.refField && refRaw !== undefined) {
      if (lineAt >= 0) {
        refSpan = spanAt(where.path, where.text, lineAt + rawParsed.refField.start, lineAt + rawParsed.refField.end);
      } else {
        const at = indexWithin(where.text, refRaw, where.offset, searchEnd);
        const found = at >= 0 ? { at, end: at + refRaw.length } : indexFolded(where.text, refRaw, where.offset, searchEnd);
        if (found) refSpan = spanAt(where.path, where.text, found.at, found.end);
      }
    }
    out.push({ rawLine, lineSpan, rawParsed, refSpan, ...(refRaw !== undefined ? { refRaw } : {}) });
  }
  return out;
}

/**
 * parseLine() of an evaluated line: the same spec text comes back once per matrix combination and
 * build, and the answer depends on the text alone. Bounded; callers copy `attrs` before handing it out.
 */
const parsedLines = new Map<string, ParsedLine>();
function parsedLine(line: string): ParsedLine {
  let p = parsedLines.get(line);
  if (!p) {
    if (parsedLines.size >= 5_000) parsedLines.clear();
    p = parseLine(line);
    parsedLines.set(line, p);
  }
  return p;
}

/**
 * Parse every spec in `input` (a block of lines). Comment lines (`#`) and blank lines are skipped.
 * With `opts.evaluate`, `${{ }}` in each line is evaluated and one spec is made per alternative; spans and
 * `raw` always describe the characters as written.
 */
export function parseCacheSpecs(input: string, where: SpecLocation, opts: SpecOptions = {}): CacheSpec[] {
  const out: CacheSpec[] = [];
  for (const { rawLine, lineSpan, rawParsed, refRaw, refSpan } of locateLines(input, where)) {
    const alternatives: SpecAlternative[] = opts.evaluate
      ? opts.evaluate(rawLine)
      : [{ text: rawLine, resolved: !hasUnresolved(rawLine), speculative: false }];
    for (const alt of alternatives) {
      // An expression may expand to several lines (an env var holding two specs).
      for (const evLine of alt.text.includes("\n") || alt.text.includes("\r") ? alt.text.split(/\r?\n|\r/) : [alt.text]) {
        const line = evLine.trim();
        if (line === "" || line.startsWith("#")) continue;
        const parsed = opts.evaluate ? parsedLine(line) : rawParsed;
        // each spec gets its own attrs (the parsed line is shared by every spec written the same)
        const attrs = { ...parsed.attrs };
        const spec: CacheSpec = { type: parsed.type, attrs, raw: rawLine, span: lineSpan };
        if (parsed.type === "registry" && attrs.ref !== undefined) {
          const text = attrs.ref;
          // When the ref only appears after evaluation (`${{ env.CACHE }}`), raw and span are the line's.
          const value: Value = {
            raw: refRaw ?? rawLine,
            text,
            resolved: !hasUnresolved(text),
            span: refRaw !== undefined ? refSpan : lineSpan,
          };
          if (alt.speculative) value.speculative = true;
          spec.ref = value;
        }
        out.push(spec);
      }
    }
  }
  return out;
}
