/**
 * What a `run:` command writes to `$GITHUB_OUTPUT` (step outputs) or `$GITHUB_ENV` (env of later steps):
 * `echo "tag=x" >> "$GITHUB_OUTPUT"`, `printf 'tag=%s\n' "$T" >> $GITHUB_OUTPUT`, `echo … | tee -a
 * $GITHUB_OUTPUT`, and the retired `echo "::set-output name=tag::x"`. A later step's
 * `${{ steps.id.outputs.tag }}` is then a value we know.
 */
import { commandStart } from "./flags";
import type { Command, Word } from "./tokenize";

export interface FileWrite {
  name: string;
  /** the expanded text; unknown parts stay opaque `${{ … }}` tokens */
  value: string;
  /** false when the value holds an opaque token */
  resolved: boolean;
}

export type GitHubFile = "GITHUB_OUTPUT" | "GITHUB_ENV";

// Built once: every command of every run script is asked about both files.
const MENTIONS: Record<GitHubFile, RegExp> = { GITHUB_OUTPUT: /\bGITHUB_OUTPUT\b/, GITHUB_ENV: /\bGITHUB_ENV\b/ };

/** `\n`, `\t`, `\\` as printf and `echo -e` read them. */
function escapes(s: string): string {
  return s.replace(/\\([ntr\\])/g, (_, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : c === "r" ? "\r" : "\\"));
}

/** printf's output: the format repeats while arguments remain, as the shell's printf does. */
function printf(format: string, args: string[]): string {
  let out = "";
  let k = 0;
  do {
    let used = false;
    out += escapes(format).replace(/%(%|[-+ #0-9.]*[sdibqxXou])/g, (_, conv: string) => {
      if (conv === "%") return "%";
      used = true;
      return args[k++] ?? "";
    });
    if (!used) break;
  } while (k < args.length);
  return out;
}

/** What a command prints to standard output, when it is `echo` or `printf`; null otherwise. */
function printed(words: Word[]): string | null {
  const s = commandStart(words);
  const head = words[s]?.text;
  if (head !== "echo" && head !== "printf") return null;
  const rest = words.slice(s + 1).map((w) => w.text);
  if (head === "echo") {
    let interpret = false;
    while (rest.length > 0 && /^-[neE]+$/.test(rest[0])) {
      if (rest[0].includes("e")) interpret = true;
      rest.shift();
    }
    const text = rest.join(" ");
    return interpret ? escapes(text) : text;
  }
  if (head === "printf") {
    if (rest[0] === "--") rest.shift();
    // `printf -v VAR` assigns a variable and prints nothing.
    if (rest.length === 0 || rest[0] === "-v") return null;
    return printf(rest[0], rest.slice(1));
  }
  return null;
}

/** `name=value` lines; nothing at all when the text holds a multi-line `name<<EOF` block. */
function assignments(text: string): FileWrite[] {
  const lines = text.split(/\r?\n/).filter((l) => l !== "");
  if (lines.some((l) => /^[^=]*<<\S/.test(l))) return [];
  const out: FileWrite[] = [];
  for (const line of lines) {
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const value = line.slice(eq + 1);
    out.push({ name: line.slice(0, eq), value, resolved: !value.includes("${{") });
  }
  return out;
}

/**
 * The `name=value` pairs one command appends to a GitHub file. `prev` is the command before it, for
 * `echo … | tee -a $GITHUB_OUTPUT` (it counts only when it ends in a pipe into this one).
 */
export function githubFileWrites(cmd: Command, file: GitHubFile, prev?: Command): FileWrite[] {
  const mentions = MENTIONS[file];
  const s = commandStart(cmd.words);
  if (cmd.words[s]?.text === "tee") {
    const targets = cmd.words.slice(s + 1).filter((w) => !w.text.startsWith("-"));
    if (prev?.op !== "|" || !targets.some((w) => mentions.test(w.raw))) return [];
    const text = printed(prev.words);
    return text === null ? [] : assignments(text);
  }
  const toFile = cmd.redirects.some((r) => (r.op === ">>" || r.op === ">") && (r.fd ?? 1) === 1 && mentions.test(r.target.raw));
  const text = printed(cmd.words);
  if (text === null) return [];
  if (toFile) return assignments(text);
  if (file !== "GITHUB_OUTPUT") return [];
  const old = /^::set-output name=([^:]+)::(.*)$/s.exec(text);
  return old ? [{ name: old[1], value: old[2], resolved: !old[2].includes("${{") }] : [];
}

/** The step outputs one command writes (see githubFileWrites). */
export function stepOutputs(cmd: Command, prev?: Command): FileWrite[] {
  return githubFileWrites(cmd, "GITHUB_OUTPUT", prev);
}
