/** Makefile lines: `\`-newline continuations, comments, and offsets back into the text. */

export interface LogicalLine {
  /** offset of its first character */
  start: number;
  /** offset just past its last character (before the newline and any `\r`) */
  end: number;
}

/** Physical lines joined where one ends in an odd number of backslashes. */
export function logicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  let i = 0;
  let start = 0;
  while (i <= text.length) {
    const nl = text.indexOf("\n", i);
    const lineEnd = nl < 0 ? text.length : nl;
    const end = text[lineEnd - 1] === "\r" ? lineEnd - 1 : lineEnd;
    let k = end;
    while (k > i && text[k - 1] === "\\") k--;
    const continued = (end - k) % 2 === 1 && nl >= 0;
    if (!continued) {
      if (nl >= 0 || start < text.length) out.push({ start, end });
      start = lineEnd + 1;
    }
    if (nl < 0) break;
    i = nl + 1;
  }
  return out;
}

/**
 * A non-recipe line as make reads it: each continuation with the blanks around it becomes one space.
 * `pos[k]` is the offset in the text of character `k`.
 */
export function joinLine(text: string, line: LogicalLine): { s: string; pos: number[] } {
  let s = "";
  const pos: number[] = [];
  let i = line.start;
  while (i < line.end) {
    const c = text[i];
    const nl = c === "\\" ? (text[i + 1] === "\n" ? 1 : text[i + 1] === "\r" && text[i + 2] === "\n" ? 2 : 0) : 0;
    if (nl > 0) {
      while (s.endsWith(" ") || s.endsWith("\t")) {
        s = s.slice(0, -1);
        pos.pop();
      }
      s += " ";
      pos.push(i);
      i += 1 + nl;
      while (i < line.end && (text[i] === " " || text[i] === "\t")) i++;
      continue;
    }
    s += c;
    pos.push(i);
    i++;
  }
  return { s, pos };
}

/** The first index from `from` where `hit` holds outside references (`$(…)`, `${…}`), or -1. */
function scanTop(s: string, hit: (c: string, i: number) => boolean, from = 0): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === "$" && (s[i + 1] === "(" || s[i + 1] === "{")) {
      depth++;
      i++;
    } else if (depth > 0) {
      if (c === "(" || c === "{") depth++;
      else if (c === ")" || c === "}") depth--;
    } else if (hit(c, i)) return i;
  }
  return -1;
}

/** Where a comment starts (`#` outside references, not escaped), or the length when there is none. */
export function commentStart(s: string): number {
  const at = scanTop(s, (c, i) => c === "#" && s[i - 1] !== "\\");
  return at < 0 ? s.length : at;
}

/** The first `:` or `=` outside references, or -1. */
export function firstOperator(s: string, from = 0): number {
  return scanTop(s, (c) => c === ":" || c === "=", from);
}

/** The first `ch` outside references, or -1. */
export function findTop(s: string, ch: string, from = 0): number {
  return scanTop(s, (c) => c === ch, from);
}

/** Split make words on blanks. */
export function words(s: string): string[] {
  return s.split(/[ \t]+/).filter((w) => w !== "");
}
