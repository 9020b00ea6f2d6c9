/**
 * Following a shell into the files it runs: a script (`./scripts/build.sh a b`, `bash x.sh`, `. x`) is
 * read and run with `$1…` bound from the call, a `make TARGET VAR=x` runs the Makefile's recipe for the
 * target (prerequisites first) with make's variables. Builds found there are builds like any other, with
 * spans in the script or Makefile and the call in their `via`.
 */
import { joinPath } from "../bake";
import { makeVariables, parseMakefile, recipeFor, type Makefile } from "../make";
import type { MakeCommand, ScriptCommand } from "../shell/invocations";
import type { Word } from "../shell/tokenize";
import type { Span } from "../types";
import { callSite, tooDeep } from "./calls";
import { evaluate } from "./expr-bridge";
import { lookupFile } from "./files";
import type { FileState, StepState } from "./model";
import { runShell, type ShellRun } from "./run-step";
import type { YamlDoc } from "./yaml-doc";

/** A script or Makefile is no YAML: shell extraction reads only its path and text. */
function textDoc(path: string, text: string): YamlDoc {
  return { path, text } as YamlDoc;
}

function oneText(st: StepState, w: Word): string | null {
  const alts = evaluate(w.text, st.ctx);
  return alts.length === 1 && alts[0].resolved && !alts[0].speculative ? alts[0].text : null;
}

/** A path a call names, relative to where the shell stands; engine paths of other repositories stay as they are. */
function resolvePath(workdir: string | undefined, p: string): string {
  if (p.startsWith("//")) return p.replace(/\/+$/, "");
  return joinPath(workdir, p);
}

/** What a child shell inherits: the environment plus exported variables. */
function childEnv(run: ShellRun): Record<string, string> {
  const env = { ...run.env };
  for (const name of run.exported) {
    const v = run.locals.get(name);
    if (v !== undefined) env[name] = v;
  }
  return env;
}

async function followScript(fs: FileState, st: StepState, run: ShellRun, call: ScriptCommand, located: (w: Word) => Span): Promise<void> {
  const at = located(call.path);
  const written = oneText(st, call.path) ?? call.pathText;
  const path = written.startsWith("//") ? resolvePath(undefined, written) : resolvePath(run.workdir, call.pathText);
  if (tooDeep(fs, at, `script ${call.path.raw}`)) return;
  const found = lookupFile(fs.rs, path, { what: "script", from: fs.y.path, at });
  if (!found.file) return;
  const text = found.file.text;
  const child: FileState = { ...fs, y: textDoc(path, text), via: [...fs.via, callSite(fs, "script", st.job, at, call.path.raw, st)] };
  const sourced = call.head.text === "." || call.head.text === "source";
  const args = call.args.map((w) => evaluate(w.text, st.ctx)[0]?.text ?? w.text);
  await runShell(child, st, {
    info: { value: text, start: 0, end: text.length } as ShellRun["info"],
    meta: run.meta,
    ...(run.workdir ? { workdir: run.workdir } : {}),
    // a sourced script runs in the caller's shell: same variables, same positional parameters unless given
    env: sourced ? run.env : childEnv(run),
    locals: sourced ? run.locals : new Map(),
    exported: sourced ? run.exported : new Set(),
    ...(sourced && args.length === 0 && run.args ? { args: run.args } : { args }),
    stepId: run.stepId ?? null,
  });
}

const MAKEFILE_NAMES = ["GNUmakefile", "makefile", "Makefile"];

function parsedMakefile(fs: FileState, path: string, text: string): Makefile {
  const key = `make:${path}`;
  const hit = fs.rs.docs.get(key) as Makefile | undefined;
  if (hit) return hit;
  const mk = parseMakefile(text);
  fs.rs.docs.set(key, mk);
  return mk;
}

/** The Makefile `make` reads: `-f FILE`, else GNUmakefile, makefile, Makefile in the directory. */
function makefilePath(fs: FileState, st: StepState, dir: string | undefined, call: MakeCommand, at: Span): string | null | undefined {
  if (call.file) {
    const f = oneText(st, call.file);
    if (f === null) return null;
    const p = resolvePath(dir, f);
    return lookupFile(fs.rs, p, { what: "Makefile", from: fs.y.path, at }).file ? p : undefined;
  }
  let pending = false;
  for (const name of MAKEFILE_NAMES) {
    const p = joinPath(dir, name);
    const l = lookupFile(fs.rs, p, { optional: true });
    if (l.file) return p;
    if (!l.missing) pending = true;
  }
  if (pending) return undefined;
  fs.warnings.push({ path: fs.y.path, line: at.line, column: at.column, message: `make runs in ${dir || "the repository root"}, which has no Makefile; what it runs was not analysed` });
  return null;
}

async function followMake(fs: FileState, st: StepState, run: ShellRun, call: MakeCommand, located: (w: Word) => Span): Promise<void> {
  const at = located(call.head);
  if (tooDeep(fs, at, "make")) return;
  const dirText = call.dir ? oneText(st, call.dir) : undefined;
  if (dirText === null) return;
  const dir = dirText === undefined ? run.workdir : resolvePath(run.workdir, dirText);
  const path = makefilePath(fs, st, dir, call, at);
  if (!path) return;
  const text = fs.rs.files.get(path)!.text;
  const mk = parsedMakefile(fs, path, text);
  const overrides: Record<string, string> = {};
  for (const v of call.vars) overrides[v.name] = evaluate(v.value.text, st.ctx)[0]?.text ?? v.value.text;
  // GitHub's runners set these; `ifdef CI` decides on them
  const env = { ...childEnv(run), CI: "true", GITHUB_ACTIONS: "true" };
  const label = ["make", ...call.targets.map((t) => t.raw), ...call.vars.map((v) => `${v.name}=${v.value.raw}`)].join(" ");
  const child: FileState = { ...fs, y: textDoc(path, text), via: [...fs.via, callSite(fs, "make", st.job, at, label, st)] };
  const targets = call.targets.length > 0 ? call.targets.map((t) => oneText(st, t)) : [undefined];
  const shared = new Map<string, string>();
  for (const target of targets) {
    if (target === null) continue;
    for (const line of recipeFor(mk, target, { vars: makeVariables(mk, overrides, env) })) {
      const vars = makeVariables(mk, overrides, env, { target: line.target, chain: line.chain });
      await runShell(child, st, {
        info: { value: text.slice(line.start, line.end), start: line.start, end: line.end } as ShellRun["info"],
        meta: run.meta,
        ...(dir ? { workdir: dir } : {}),
        env,
        // each recipe line is its own shell unless `.ONESHELL`
        locals: mk.oneShell ? shared : new Map(),
        exported: new Set(),
        make: vars,
        stepId: run.stepId ?? null,
      });
    }
  }
}

export async function followInvocation(
  fs: FileState, st: StepState, run: ShellRun, call: ScriptCommand | MakeCommand, located: (w: Word) => Span,
): Promise<void> {
  if (call.kind === "script") await followScript(fs, st, run, call, located);
  else await followMake(fs, st, run, call, located);
}
