/**
 * A small POSIX-shell word splitter that keeps source offsets. Offsets are why this is not shell-quote:
 * a finding must point at the exact characters of `--cache-to=…` inside a `run:` block, and shell-quote
 * returns words without positions (and would expand `${{ }}` as a shell variable).
 * `${{ … }}` stays an opaque unit, `\`-newline joins lines, quotes are removed, `$VAR` / `${VAR}` expand
 * from a lookup, and anything computed at run time (`$(…)`, backticks, `$1`) becomes an opaque token.
 */

export interface Word {
  /** the characters as written in the script */
  raw: string;
  /** after quote removal and variable expansion; `${{ }}` tokens kept */
  text: string;
  /** [start, end) in the script */
  start: number;
  end: number;
}

export interface Command {
  words: Word[];
}

export interface TokenizeOptions {
  /** a variable's value, or undefined when unknown */
  lookup: (name: string) => string | undefined;
  /** stop after this many words */
  maxWords?: number;
}

const BREAK = new Set([" ", "\t", "\n", "\r", ";", "&", "|", "(", ")", "<", ">"]);
const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;

/** The token that stands for a variable nobody knows; matches how `${{ env.X }}` stays opaque. */
export function unknownVarToken(name: string): string {
  return `\${{ env.${name} }}`;
}

function opaqueShell(raw: string): string {
  const inner = raw.replace(/[{}]/g, "").replace(/\s+/g, " ").trim().slice(0, 120);
  return `\${{ shell(${inner}) }}`;
}

/** Index just past the `)` matching the `(` at `open`, honouring quotes; the end of input if none. */
function skipParens(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") i++;
    else if (c === "'") {
      const q = s.indexOf("'", i + 1);
      i = q < 0 ? s.length : q;
    } else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i + 1;
  }
  return s.length;
}

/**
 * Split a script into simple commands. A generator, so a caller can record `NAME=value` assignments
 * between commands and have later commands see them through `lookup`.
 */
export function* tokenizeScript(script: string, opts: TokenizeOptions): Generator<Command, { truncated: boolean }> {
  const n = script.length;
  const maxWords = opts.maxWords ?? 50_000;
  let words: Word[] = [];
  let count = 0;
  let i = 0;
  let skipNext = false;
  const heredocs: Array<{ delim: string; strip: boolean }> = [];

  const expand = (at: number): { text: string; next: number } => {
    // script[at] === "$"
    if (script.startsWith("${{", at)) {
      const close = script.indexOf("}}", at + 3);
      const end = close < 0 ? n : close + 2;
      return { text: script.slice(at, end), next: end };
    }
    const c = script[at + 1];
    if (c === "(") {
      const end = skipParens(script, at + 1);
      return { text: opaqueShell(script.slice(at, end)), next: end };
    }
    if (c === "{") {
      const close = script.indexOf("}", at + 2);
      const end = close < 0 ? n : close + 1;
      const body = script.slice(at + 2, end - 1);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(.*)$/s.exec(body);
      if (m) {
        const known = opts.lookup(m[1]);
        if (m[2] === "") return { text: known ?? unknownVarToken(m[1]), next: end };
        const dflt = /^:?-(.*)$/s.exec(m[2]);
        if (dflt) return { text: known !== undefined && known !== "" ? known : dflt[1], next: end };
      }
      return { text: opaqueShell(script.slice(at, end)), next: end };
    }
    IDENT.lastIndex = at + 1;
    const m = IDENT.exec(script);
    if (m) {
      const known = opts.lookup(m[0]);
      return { text: known ?? unknownVarToken(m[0]), next: at + 1 + m[0].length };
    }
    if (c !== undefined && /[0-9@*#?$!-]/.test(c)) return { text: opaqueShell(script.slice(at, at + 2)), next: at + 2 };
    return { text: "$", next: at + 1 };
  };

  const readWord = (): Word => {
    const start = i;
    let text = "";
    while (i < n) {
      const c = script[i];
      if (BREAK.has(c)) break;
      if (c === "\\") {
        if (script[i + 1] === "\n") i += 2;
        else if (script[i + 1] === "\r" && script[i + 2] === "\n") i += 3;
        else {
          text += script[i + 1] ?? "";
          i += 2;
        }
      } else if (c === "'") {
        const q = script.indexOf("'", i + 1);
        const end = q < 0 ? n : q;
        text += script.slice(i + 1, end);
        i = end + 1;
      } else if (c === '"') {
        i++;
        while (i < n && script[i] !== '"') {
          const d = script[i];
          if (d === "\\" && i + 1 < n) {
            const e = script[i + 1];
            if (e === "\n") i += 2;
            else if ('$`"\\'.includes(e)) {
              text += e;
              i += 2;
            } else {
              text += d;
              i++;
            }
          } else if (d === "$") {
            const x = expand(i);
            text += x.text;
            i = x.next;
          } else if (d === "`") {
            const q = script.indexOf("`", i + 1);
            const end = q < 0 ? n : q + 1;
            text += opaqueShell(script.slice(i, end));
            i = end;
          } else {
            text += d;
            i++;
          }
        }
        i++;
      } else if (c === "$") {
        const x = expand(i);
        text += x.text;
        i = x.next;
      } else if (c === "`") {
        const q = script.indexOf("`", i + 1);
        const end = q < 0 ? n : q + 1;
        text += opaqueShell(script.slice(i, end));
        i = end;
      } else {
        text += c;
        i++;
      }
    }
    i = Math.min(i, n);
    return { raw: script.slice(start, i), text, start, end: i };
  };

  const flush = function* (): Generator<Command> {
    if (words.length > 0) {
      const cmd = { words };
      words = [];
      yield cmd;
    }
  };

  while (i < n) {
    if (count >= maxWords) {
      yield* flush();
      return { truncated: true };
    }
    const c = script[i];
    if (c === " " || c === "\t") {
      i++;
      continue;
    }
    if (c === "\\" && (script[i + 1] === "\n" || (script[i + 1] === "\r" && script[i + 2] === "\n"))) {
      i += script[i + 1] === "\n" ? 2 : 3;
      continue;
    }
    if (c === "\n" || c === "\r") {
      i++;
      yield* flush();
      skipNext = false;
      // Here-document bodies are data, not commands.
      while (heredocs.length > 0) {
        const h = heredocs.shift()!;
        while (i < n) {
          const eol = script.indexOf("\n", i);
          const lineEnd = eol < 0 ? n : eol;
          const line = script.slice(i, lineEnd).replace(/\r$/, "");
          i = eol < 0 ? n : eol + 1;
          if ((h.strip ? line.replace(/^\t+/, "") : line) === h.delim) break;
        }
      }
      continue;
    }
    if (c === "#" ) {
      const eol = script.indexOf("\n", i);
      i = eol < 0 ? n : eol;
      continue;
    }
    if (c === "<" || c === ">") {
      const last = words[words.length - 1];
      // `2>&1`: the digits before a redirection are a file descriptor, not an argument.
      if (last && last.end === i && /^[0-9]+$/.test(last.raw)) words.pop();
      if (script.startsWith("<<<", i)) {
        i += 3;
        skipNext = true;
      } else if (script.startsWith("<<", i)) {
        i += 2;
        const strip = script[i] === "-";
        if (strip) i++;
        while (script[i] === " " || script[i] === "\t") i++;
        const w = readWord();
        if (w.text) heredocs.push({ delim: w.text, strip });
      } else {
        while (i < n && /[<>&|]/.test(script[i])) i++;
        if (script[i] === "-") i++;
        skipNext = true;
      }
      continue;
    }
    if (c === ";" || c === "&" || c === "|" || c === "(" || c === ")") {
      i++;
      yield* flush();
      skipNext = false;
      continue;
    }
    const w = readWord();
    if (w.end === w.start) {
      i++;
      continue;
    }
    count++;
    if (skipNext) {
      skipNext = false;
      continue;
    }
    words.push(w);
  }
  yield* flush();
  return { truncated: false };
}
