/**
 * A small POSIX-shell word splitter that keeps source offsets. Offsets are why this is not shell-quote:
 * a finding must point at the exact characters of `--cache-to=…` inside a `run:` block, and shell-quote
 * returns words without positions (and would expand `${{ }}` as a shell variable).
 * `${{ … }}` stays an opaque unit, `\`-newline joins lines, quotes are removed, `$VAR` / `${VAR}` expand
 * from a lookup, and anything computed at run time (`$(…)`, backticks, `$?`) becomes an opaque token.
 */
import { Expander, opaqueShell, type Expansion } from "./expand";
import { makeLineToShell, type MakeLookup } from "./make-line";

export { unknownVarToken } from "./expand";
export { unknownMakeToken, type MakeLookup } from "./make-line";

export interface Word {
  /** the characters as written in the script */
  raw: string;
  /** after quote removal and variable expansion; `${{ }}` tokens kept */
  text: string;
  /** [start, end) in the script */
  start: number;
  end: number;
}

export interface Redirect {
  /** the operator as written: `>`, `>>`, `<`, `>&`, `&>`, `<<`, `<<<`, … */
  op: string;
  /** the file descriptor written before the operator (`2>&1`) */
  fd?: number;
  /** the file (or descriptor, or here-document delimiter) the operator applies to */
  target: Word;
}

/** What ends a command: a pipe into the next one, a list operator, a newline or a parenthesis. */
export type ControlOp = "|" | "||" | "&&" | "&" | ";" | "\n" | "(" | ")";

export interface Command {
  words: Word[];
  redirects: Redirect[];
  /** absent for the script's last command */
  op?: ControlOp;
}

export interface TokenizeOptions {
  /** a variable's value, or undefined when unknown */
  lookup: (name: string) => string | undefined;
  /** stop after this many words */
  maxWords?: number;
  /**
   * The positional parameters (`$1`, `$@`, `$#`); without it they stay opaque. Read at each expansion, so a
   * caller may change it between commands (`shift`, `set --`, see applyPositional).
   */
  args?: string[];
  /** The text is one Makefile recipe line: `$(X)` is make's, `$$` is the shell's `$`. */
  make?: MakeLookup;
}

/** Characters that end a word: blanks, newlines and the shell's operators. */
function isBreak(code: number): boolean {
  // \t \n \r space & ( ) ; < > |
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 59 || code === 38 || code === 124 || code === 40 || code === 41 || code === 60 || code === 62;
}

/** Characters readWord() treats one by one: breaks, and `\\`, quotes, `$` and backticks. */
function isPlain(code: number): boolean {
  // " $ ' \\ `
  return !isBreak(code) && code !== 92 && code !== 39 && code !== 34 && code !== 36 && code !== 96;
}

/** Characters inside double quotes taken as they are: anything but `\\`, `$`, a backtick and `"`. */
function isPlainQuoted(code: number): boolean {
  return code !== 92 && code !== 36 && code !== 96 && code !== 34;
}

interface Token {
  raw: string;
  start: number;
  end: number;
  /** the words it makes: usually one; `"$@"` makes one per argument, none without arguments */
  texts: string[];
}

/** The texts of a word being read, and whether anything was written (see readWord). */
interface WordTexts {
  texts: string[];
  written: boolean;
  splits: number;
}

function addText(wt: WordTexts, s: string): void {
  wt.texts[wt.texts.length - 1] += s;
  wt.written = true;
}

/** A `…` command substitution starting at `i`: opaque text; returns where it ends. */
function addBackquoted(wt: WordTexts, script: string, i: number): number {
  const q = script.indexOf("`", i + 1);
  const end = q < 0 ? script.length : q + 1;
  addText(wt, opaqueShell(script.slice(i, end)));
  return end;
}

/** A run of ordinary characters from `i` at once (one string append, not one per character); returns where it ends. */
function addPlainRun(wt: WordTexts, script: string, i: number, plain: (code: number) => boolean): number {
  let j = i + 1;
  while (j < script.length && plain(script.charCodeAt(j))) j++;
  addText(wt, script.slice(i, j));
  return j;
}

function addExpansion(wt: WordTexts, x: Expansion): void {
  if (x.fields) {
    wt.splits++;
    for (let k = 0; k < x.fields.length; k++) {
      if (k === 0) wt.texts[wt.texts.length - 1] += x.fields[k];
      else wt.texts.push(x.fields[k]);
    }
    if (x.fields.length > 0) wt.written = true;
  } else addText(wt, x.text);
}

/**
 * The word starting at `start` (its end is where reading stops). Module-level with its helpers, not
 * closures made per script or per word: under tsx's keepNames each closure made costs a name definition,
 * which was most of the time spent here.
 */
function readWord(script: string, start: number, expander: Expander): Token {
  const n = script.length;
  let i = start;
  // A word made only of `"$@"` with no arguments is no word at all; anything else written keeps it.
  const wt: WordTexts = { texts: [""], written: false, splits: 0 };
  while (i < n) {
    const c = script[i];
    if (isBreak(script.charCodeAt(i))) break;
    if (c === "\\") {
      if (script[i + 1] === "\n") i += 2;
      else if (script[i + 1] === "\r" && script[i + 2] === "\n") i += 3;
      else {
        addText(wt, script[i + 1] ?? "");
        i += 2;
      }
    } else if (c === "'") {
      const q = script.indexOf("'", i + 1);
      const end = q < 0 ? n : q;
      addText(wt, script.slice(i + 1, end));
      i = end + 1;
    } else if (c === '"') {
      i++;
      // `""` is an empty word of its own; `"$@"` is one only when there are arguments.
      if (script[i] === '"') wt.written = true;
      while (i < n && script[i] !== '"') {
        const d = script[i];
        if (d === "\\" && i + 1 < n) {
          const e = script[i + 1];
          if (e === "\n") i += 2;
          else if ('$`"\\'.includes(e)) {
            addText(wt, e);
            i += 2;
          } else {
            addText(wt, d);
            i++;
          }
        } else if (d === "$") {
          const x = expander.expand(i, true);
          addExpansion(wt, x);
          i = x.next;
        } else if (d === "`") {
          i = addBackquoted(wt, script, i);
        } else {
          i = addPlainRun(wt, script, i, isPlainQuoted);
        }
      }
      i++;
    } else if (c === "$") {
      const x = expander.expand(i, false);
      addExpansion(wt, x);
      i = x.next;
    } else if (c === "`") {
      i = addBackquoted(wt, script, i);
    } else {
      i = addPlainRun(wt, script, i, isPlain);
    }
  }
  i = Math.min(i, n);
  return { raw: script.slice(start, i), start, end: i, texts: wt.splits > 0 && !wt.written ? [] : wt.texts };
}

/**
 * Split a script into simple commands. A generator, so a caller can record `NAME=value` assignments
 * between commands and have later commands see them through `lookup`.
 */
export function* tokenizeScript(script: string, opts: TokenizeOptions): Generator<Command, { truncated: boolean }> {
  if (!opts.make) return yield* tokenizeShell(script, opts);
  const sh = makeLineToShell(script, opts.make);
  const back = (w: Word): Word => {
    const start = sh.startOf(w.start);
    const end = w.end > w.start ? sh.endOf(w.end) : start;
    return { raw: script.slice(start, end), text: w.text, start, end };
  };
  const gen = tokenizeShell(sh.text, { ...opts, make: undefined });
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
    const c = r.value;
    yield { ...c, words: c.words.map(back), redirects: c.redirects.map((x) => ({ ...x, target: back(x.target) })) };
  }
}

/**
 * The words and redirections of the command being read. A class, not a closure per script (tsx's
 * keepNames names every named closure made per call).
 */
class CommandParts {
  words: Word[] = [];
  redirects: Redirect[] = [];

  /** The command read so far (null when it has no words), and a fresh one started. */
  take(op?: ControlOp): Command | null {
    // A command of redirections alone (`> file`) is left out, as before redirections were kept.
    let cmd: Command | null = null;
    if (this.words.length > 0) {
      cmd = op ? { words: this.words, redirects: this.redirects, op } : { words: this.words, redirects: this.redirects };
      this.words = [];
    }
    this.redirects = [];
    return cmd;
  }
}

function* tokenizeShell(script: string, opts: TokenizeOptions): Generator<Command, { truncated: boolean }> {
  const n = script.length;
  const maxWords = opts.maxWords ?? 50_000;
  const expander = new Expander(script, opts);
  const acc = new CommandParts();
  let count = 0;
  let i = 0;
  let pending: { op: string; fd?: number } | null = null;
  const heredocs: Array<{ delim: string; strip: boolean }> = [];

  while (i < n) {
    if (count >= maxWords) {
      const cmd = acc.take();
      if (cmd) yield cmd;
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
      pending = null;
      const cmd = acc.take("\n");
      if (cmd) yield cmd;
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
    if (c === "#") {
      const eol = script.indexOf("\n", i);
      i = eol < 0 ? n : eol;
      continue;
    }
    if (c === "<" || c === ">" || (c === "&" && script[i + 1] === ">")) {
      const last = acc.words[acc.words.length - 1];
      let fd: number | undefined;
      // `2>&1`: the digits before a redirection are a file descriptor, not an argument.
      if (c !== "&" && last && last.end === i && /^[0-9]+$/.test(last.raw)) {
        fd = Number(acc.words.pop()!.raw);
      }
      const from = i;
      if (script.startsWith("<<<", i)) {
        i += 3;
        pending = { op: "<<<" };
      } else if (script.startsWith("<<", i)) {
        i += 2;
        const strip = script[i] === "-";
        if (strip) i++;
        const op = script.slice(from, i);
        while (script[i] === " " || script[i] === "\t") i++;
        const w = readWord(script, i, expander);
        i = w.end;
        const delim = w.texts[0] ?? "";
        if (delim) heredocs.push({ delim, strip });
        if (w.end > w.start) {
          acc.redirects.push({ op, ...(fd !== undefined ? { fd } : {}), target: { raw: w.raw, text: delim, start: w.start, end: w.end } });
        }
      } else {
        i++;
        while (i < n && /[<>&|]/.test(script[i])) i++;
        if (script[i] === "-") i++;
        pending = { op: script.slice(from, i), ...(fd !== undefined ? { fd } : {}) };
      }
      continue;
    }
    if (c === ";" || c === "&" || c === "|" || c === "(" || c === ")") {
      const two = script.slice(i, i + 2);
      const op: ControlOp = two === "&&" || two === "||" ? two : (c as ControlOp);
      i += op.length;
      pending = null;
      const cmd = acc.take(op);
      if (cmd) yield cmd;
      continue;
    }
    const w = readWord(script, i, expander);
    i = w.end;
    if (w.end === w.start) {
      i++;
      continue;
    }
    count++;
    if (pending) {
      acc.redirects.push({ ...pending, target: { raw: w.raw, text: w.texts[0] ?? "", start: w.start, end: w.end } });
      pending = null;
      continue;
    }
    for (const text of w.texts) acc.words.push({ raw: w.raw, text, start: w.start, end: w.end });
  }
  const last = acc.take();
  if (last) yield last;
  return { truncated: false };
}
