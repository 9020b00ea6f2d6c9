/**
 * Commands that run more shell from the repository: a script file (`./scripts/build.sh`, `bash x.sh`,
 * `source x`) or make. Recognising them lets extraction follow a build into the file that holds it.
 */
import { after, commandStart, programName } from "./flags";
import type { Word } from "./tokenize";

export interface ScriptCommand {
  kind: "script";
  path: Word;
  /** repository-relative, normalised: workspace prefix and `./` removed (`scripts/build.sh`) */
  pathText: string;
  args: Word[];
  head: Word;
}

export interface MakeCommand {
  kind: "make";
  /** `-C DIR` / `--directory=DIR` (the last one) */
  dir?: Word;
  /** `-f FILE` / `--file=FILE` / `--makefile=FILE` (the first one) */
  file?: Word;
  targets: Word[];
  vars: Array<{ name: string; value: Word }>;
  head: Word;
}

export type InvocationCommand = ScriptCommand | MakeCommand;

const WORKSPACE = /^(?:\$\{\{\s*(?:env\.GITHUB_WORKSPACE|github\.workspace)\s*\}\})\/+/;
const SHELLS = new Set(["bash", "sh", "dash", "zsh", "ksh"]);
/** Files run directly whose shebang is surely not a shell: reading them as shell finds nothing. */
const NOT_SHELL = /\.(?:py|js|mjs|cjs|ts|rb|pl|php|go|java|jar|exe|ps1)$/i;
/** Shell options that take a value (`bash -o pipefail x.sh`, `bash --rcfile f x.sh`). */
const SHELL_VALUE = new Set(["-o", "+o", "-O", "+O", "--rcfile", "--init-file"]);

/** `a/./b/../c` → `a/c`; null when the path leaves the repository or is not a file path at all. */
function repoPath(text: string): string | null {
  const rel = text.replace(WORKSPACE, "");
  if (rel === text && (text.startsWith("/") || text.startsWith("~") || text.startsWith("$"))) return null;
  if (rel.includes("${{") || rel.includes("*") || rel === "") return null;
  const out: string[] = [];
  for (const part of rel.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(part);
  }
  return out.length > 0 ? out.join("/") : null;
}

function script(path: Word, args: Word[], head: Word): ScriptCommand | null {
  const pathText = repoPath(path.text);
  return pathText ? { kind: "script", path, pathText, args, head } : null;
}

/** `./x.sh a`, `bash -e x.sh a`, `. x`, `source x`; null for `bash -c '…'`, `/usr/bin/x`, `ls`. */
function recognizeScript(words: Word[], s: number): ScriptCommand | null {
  const head = words[s];
  const t = head.text;
  if (t === "." || t === "source") return words[s + 1] ? script(words[s + 1], words.slice(s + 2), head) : null;
  if (SHELLS.has(programName(head)) && (t === programName(head) || t.startsWith("/"))) {
    let i = s + 1;
    for (; i < words.length; i++) {
      const o = words[i].text;
      if (o === "--") {
        i++;
        break;
      }
      // `-c` runs a string, `-s` reads standard input: no script file either way.
      if (/^[-+][A-Za-z]*[cs]/.test(o) && !o.startsWith("--")) return null;
      if (SHELL_VALUE.has(o) || /^[-+][A-Za-z]*[oO]$/.test(o)) i++;
      else if (!/^[-+]/.test(o)) break;
    }
    return words[i] ? script(words[i], words.slice(i + 1), head) : null;
  }
  // Run directly, a script is named by a path: a bare name is looked up in PATH.
  if (!t.includes("/") || NOT_SHELL.test(t)) return null;
  return script(head, words.slice(s + 1), head);
}

const MAKE_VALUE_SHORT = new Set(["-C", "-f", "-I", "-o", "-W", "-O"]);
const MAKE_VALUE_LONG = new Set(["--directory", "--file", "--makefile", "--include-dir", "--old-file", "--assume-old", "--what-if", "--new-file", "--assume-new", "--output-sync", "--jobs", "--load-average", "--max-load", "--eval"]);
const MAKE_VAR = /^([A-Za-z_.][A-Za-z0-9_.-]*)\s*(?::{1,3}=|\?=|\+=|=)/;

/** `make [-C DIR] [-f FILE] [-j N] [TARGET…] [VAR=value…]`; null for dry runs (`-n`, `-q`). */
function recognizeMake(words: Word[], s: number): MakeCommand | null {
  const head = words[s];
  const cmd: MakeCommand = { kind: "make", targets: [], vars: [], head };
  const set = (name: string, value: Word | undefined) => {
    if (!value) return;
    if (name === "-C" || name === "--directory") cmd.dir = value;
    else if ((name === "-f" || name === "--file" || name === "--makefile") && !cmd.file) cmd.file = value;
  };
  let options = true;
  for (let i = s + 1; i < words.length; i++) {
    const w = words[i];
    const t = w.text;
    if (options && t === "--") {
      options = false;
      continue;
    }
    if (options && t.startsWith("--") && t.length > 2) {
      if (/^--(?:dry-run|just-print|recon|question)$/.test(t)) return null;
      const eq = t.indexOf("=");
      if (eq > 0) set(t.slice(0, eq), after(w, w.raw.indexOf("=") + 1, eq + 1));
      else if (MAKE_VALUE_LONG.has(t) && t !== "--jobs" && t !== "--load-average" && t !== "--max-load") set(t, words[++i]);
      continue;
    }
    if (options && t.startsWith("-") && t.length > 1) {
      for (let k = 1; k < t.length; k++) {
        const name = `-${t[k]}`;
        if (name === "-n" || name === "-q") return null;
        if (name === "-j" || name === "-l") {
          // The count is optional: `make -j build` builds `build` with unlimited jobs.
          if (k + 1 === t.length && /^[0-9.]+$/.test(words[i + 1]?.text ?? "")) i++;
          break;
        }
        if (MAKE_VALUE_SHORT.has(name)) {
          if (k + 1 < t.length) set(name, after(w, w.raw.indexOf(t[k]) + 1, k + 1));
          else set(name, words[++i]);
          break;
        }
      }
      continue;
    }
    const m = MAKE_VAR.exec(t);
    if (m) {
      const at = m[0].length;
      cmd.vars.push({ name: m[1], value: after(w, w.raw.indexOf("=") + 1, at) });
    } else cmd.targets.push(w);
  }
  return cmd;
}

/** Recognise a script or make invocation; null for anything else. */
export function recognizeInvocation(words: Word[]): InvocationCommand | null {
  const s = commandStart(words);
  const head = words[s];
  if (!head) return null;
  const name = programName(head);
  if ((name === "make" || name === "gmake") && (head.text === name || head.text.startsWith("/"))) return recognizeMake(words, s);
  return recognizeScript(words, s);
}
