/**
 * A Makefile recipe line as the shell receives it. Make substitutes its own references textually before
 * the shell runs, so a value with spaces splits into words and a value with quotes is re-quoted; doing the
 * substitution first and tokenizing the result is what make does. The offset maps let every word point
 * back at the characters of the recipe line as written.
 */

export interface MakeLookup {
  /** a make variable's fully expanded value (automatic ones `@`, `<` included), or undefined when unknown */
  lookup(name: string): string | undefined;
  /** a whole reference that is not a plain name (`$(subst a,b,$(X))`), expanded; opaque when absent */
  expand?(ref: string): string;
}

/** The token for a make variable nobody knows; distinct from a shell variable's `${{ env.X }}`. */
export function unknownMakeToken(name: string): string {
  return `\${{ make.${name} }}`;
}

/** The token for a make function or reference we do not evaluate (`$(shell git rev-parse HEAD)`). */
export function opaqueMake(ref: string): string {
  const inner = ref.slice(2, -1).replace(/[{}]/g, "").replace(/\s+/g, " ").trim().slice(0, 120);
  return `\${{ make(${inner}) }}`;
}

/** Index just past the close matching the `(` or `{` at `open`, counting only that kind (as make does). */
export function matchMakeParen(s: string, open: number): number {
  const o = s[open];
  const c = o === "(" ? ")" : "}";
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === o) depth++;
    else if (s[i] === c && --depth === 0) return i + 1;
  }
  return s.length;
}

const PLAIN_NAME = /^[^\s:=$#(){},]+$/;

export interface ShellLine {
  /** the line after make's substitution, as the shell reads it */
  text: string;
  /** the offset in the original line where the character at `k` of `text` came from */
  startOf(k: number): number;
  /** the offset in the original line just past the source of the character before `k` */
  endOf(k: number): number;
}

export function makeLineToShell(line: string, make: MakeLookup): ShellLine {
  let text = "";
  const starts: number[] = [];
  const ends: number[] = [];
  const emit = (s: string, from: number, to: number) => {
    for (let k = 0; k < s.length; k++) {
      starts.push(from);
      ends.push(to);
    }
    text += s;
  };
  const n = line.length;
  for (let i = 0; i < n; ) {
    const c = line[i];
    if (c === "\\" && (line[i + 1] === "\n" || (line[i + 1] === "\r" && line[i + 2] === "\n"))) {
      const nl = line[i + 1] === "\n" ? 2 : 3;
      for (let k = 0; k < nl; k++) emit(line[i + k], i + k, i + k + 1);
      i += nl;
      // Make removes the recipe tab that starts a continuation line before the shell sees it.
      if (line[i] === "\t") i++;
      continue;
    }
    if (c !== "$" || i + 1 >= n) {
      emit(c, i, i + 1);
      i++;
      continue;
    }
    const d = line[i + 1];
    if (d === "$") {
      emit("$", i, i + 2);
      i += 2;
    } else if (line.startsWith("${{", i)) {
      const close = line.indexOf("}}", i + 3);
      const end = close < 0 ? n : close + 2;
      for (let k = i; k < end; k++) emit(line[k], k, k + 1);
      i = end;
    } else if (d === "(" || d === "{") {
      const end = matchMakeParen(line, i + 1);
      const ref = line.slice(i, end);
      const body = ref.slice(2, -1);
      const value = PLAIN_NAME.test(body)
        ? (make.lookup(body) ?? unknownMakeToken(body))
        : (make.expand?.(ref) ?? opaqueMake(ref));
      emit(value, i, end);
      i = end;
    } else {
      // `$@`, `$<`, `$X`: a one-character make variable.
      emit(make.lookup(d) ?? unknownMakeToken(d), i, i + 2);
      i += 2;
    }
  }
  return {
    text,
    startOf: (k) => (k < starts.length ? starts[k] : n),
    endOf: (k) => (k > 0 ? ends[Math.min(k, ends.length) - 1] : 0),
  };
}
