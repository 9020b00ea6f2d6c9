/**
 * Shell: `run:` blocks, the scripts they run and Makefile recipe lines. Records docker/buildx/buildctl
 * builds, `buildx bake`, image consumers and `$GITHUB_OUTPUT` writes, and follows script and make calls.
 */
import { joinPath } from "../bake";
import type { MakeVars } from "../make";
import { recognize, commandStart, type DockerCommand } from "../shell/commands";
import { stepOutputs } from "../shell/github-output";
import { recognizeInvocation, type InvocationCommand } from "../shell/invocations";
import { applyPositional } from "../shell/positional";
import { tokenizeScript, type Command, type TokenizeOptions, type Word } from "../shell/tokenize";
import { followInvocation } from "./follow-shell";
import { SCRIPT_HINT_RE } from "./inert";
import { parseCacheSpecs, type SpecAlternative, type SpecOptions } from "../cache-spec";
import type { Build, CacheSpec, ConsumerKind, Span, Value } from "../types";
import { orPush, outputTags, parseOutput } from "./build-parts";
import { evaluate, type Contexts } from "./expr-bridge";
import { buildId, isGitHubRepoName, repoOwner, runFields, takeBuild, warnOnce, type FileState, type StepState } from "./model";
import { decorate, runBake, type MetaTags } from "./actions";
import { valuesFrom } from "./values";
import type { ScalarInfo } from "./yaml-doc";
import { commandLocator, WordLocator } from "./word-spans";

function wordValues(st: StepState, w: Word, span: Span): Value[] {
  return valuesFrom(w.raw, span, evaluate(w.text, st.ctx), false);
}

type ExpandOptions = Omit<TokenizeOptions, "maxWords">;

/** The tokenizer's options: always the same four keys (a spread of the differently shaped options cost more). */
function withMaxWords(opts: ExpandOptions, maxWords: number): TokenizeOptions {
  return { lookup: opts.lookup, args: opts.args, make: opts.make, maxWords };
}

/** The text of one shell word written `s`, with variables expanded. */
function expandWord(s: string, opts: ExpandOptions): string {
  const words: string[] = [];
  const gen = tokenizeScript(s, withMaxWords(opts, 64));
  for (let r = gen.next(); !r.done; r = gen.next()) words.push(...r.value.words.map((w) => w.text));
  return words.join(" ");
}

/**
 * How the lines of a cache spec word are read and expanded: from its characters without quotes when
 * they can be taken verbatim from the file (expanded as the shell would: inside double quotes, not at
 * all inside single quotes, or as a bare word), else from the expanded word as it is.
 */
type SourceQuoting = "double" | "single" | "bare" | "expanded";

function shellSource(w: Word): { input: string; quoting: SourceQuoting } {
  const raw = w.raw;
  if (/^"[^"\\`]*"$/.test(raw)) return { input: raw.slice(1, -1), quoting: "double" };
  if (/^'[^']*'$/.test(raw)) return { input: raw.slice(1, -1), quoting: "single" };
  if (!/["'\\`\s]/.test(raw.replace(/\$\{\{[\s\S]*?\}\}/g, ""))) return { input: raw, quoting: "bare" };
  return { input: w.text, quoting: "expanded" };
}

/**
 * Spec options for one spec word: each line is expanded as its quoting says, then evaluated. A class,
 * not closures made per word (under tsx's keepNames each closure made costs a name definition).
 */
class ShellSpecEvaluation implements SpecOptions {
  constructor(
    private readonly quoting: SourceQuoting,
    private readonly opts: ExpandOptions,
    private readonly ctx: Contexts,
  ) {}
  evaluate(raw: string): SpecAlternative[] {
    const q = this.quoting;
    const line = q === "double" ? expandWord(`"${raw}"`, this.opts) : q === "bare" ? expandWord(raw, this.opts) : raw;
    return evaluate(line, this.ctx);
  }
}

/** The cache specs of `--cache-to` / `--cache-from` words. */
function wordSpecs(fs: FileState, st: StepState, ws: Word[], located: (w: Word) => Span, opts: ExpandOptions): CacheSpec[] {
  const out: CacheSpec[] = [];
  for (const w of ws) {
    const span = located(w);
    // Parse the characters as written (so each ref's raw and span match the file) and expand the
    // shell variables and `${{ }}` of each line afterwards; fall back to the expanded word.
    const src = shellSource(w);
    out.push(
      ...parseCacheSpecs(
        src.input,
        { path: fs.y.path, text: fs.y.text, offset: span.offset, end: span.endOffset, fallback: span },
        new ShellSpecEvaluation(src.quoting, opts, st.ctx),
      ),
    );
  }
  return out;
}

/** The first value of a word, evaluated. */
function firstText(st: StepState, w: Word | undefined): string | undefined {
  return w ? evaluate(w.text, st.ctx)[0]?.text : undefined;
}

/** GitHub's default environment variables that are known before the run. */
function defaultEnv(fs: FileState): Record<string, string> {
  if (!fs.repo || !isGitHubRepoName(fs.repo)) return {};
  return { GITHUB_REPOSITORY: fs.repo, GITHUB_REPOSITORY_OWNER: repoOwner(fs.repo) };
}

/** One shell that runs text from a file: a `run:` block, a script, one Makefile recipe line. */
export interface ShellRun {
  /** the text and where it stands in `fs.y` */
  info: ScalarInfo;
  meta: MetaTags;
  workdir?: string;
  /** the environment the shell starts with */
  env: Record<string, string>;
  /** shell variables (`X=…`); a sourced script shares its caller's */
  locals: Map<string, string>;
  /** names of locals that are exported (a child script sees them) */
  exported: Set<string>;
  /** `$1…` for a script run with arguments */
  args?: string[];
  /** a Makefile recipe line: `$(VAR)` from make */
  make?: MakeVars;
  /** the step's `id:`, for `$GITHUB_OUTPUT` writes */
  stepId?: string | null;
}

export async function runStep(fs: FileState, st: StepState, info: ScalarInfo, meta: MetaTags, workdir?: string, stepId?: string | null): Promise<void> {
  // runStep follows nothing SCRIPT_HINT_RE does not match, so the inert-file shortcut agrees with it.
  if (!SCRIPT_HINT_RE.test(info.value)) return;
  const env = { ...defaultEnv(fs), ...(st.ctx.env ?? {}) };
  await runShell(fs, st, { info, meta, env, locals: new Map(), exported: new Set(), ...(workdir ? { workdir } : {}), stepId: stepId ?? null });
}

/** `$GITHUB_OUTPUT` / `::set-output` writes become `steps.<id>.outputs.<name>` for later steps. */
function bindOutputs(st: StepState, run: ShellRun, writes: Array<{ name: string; value: string }>): void {
  if (!run.stepId || writes.length === 0) return;
  const steps = { ...(st.ctx.steps ?? {}) };
  const outputs = { ...(steps[run.stepId]?.outputs ?? {}) };
  for (const w of writes) outputs[w.name] = evaluate(w.value, st.ctx);
  steps[run.stepId] = { outputs };
  st.ctx.steps = steps;
}

/**
 * A shell variable's value: the shell's own, then make's, then the environment. Returned from a function
 * rather than bound to a name inside runShell: tsx's keepNames names every named closure made per run.
 */
function shellLookup(run: ShellRun): (name: string) => string | undefined {
  return (name) => run.locals.get(name) ?? run.make?.shellLookup(name) ?? run.env[name];
}

export async function runShell(fs: FileState, st: StepState, run: ShellRun): Promise<void> {
  const { locals } = run;
  const opts: ExpandOptions = { lookup: shellLookup(run), ...(run.args ? { args: run.args } : {}), ...(run.make ? { make: run.make } : {}) };
  const gen = tokenizeScript(run.info.value, withMaxWords(opts, Math.max(0, fs.budget.words)));
  const loc = new WordLocator(fs, run.info);
  let sub = 0;
  let prev: Command | undefined;
  for (;;) {
    const next = gen.next();
    if (next.done) {
      if (next.value.truncated) warnOnce(fs, "words", "run scripts too long; the rest were not analysed", st.span);
      break;
    }
    const command = next.value;
    const words = command.words;
    fs.budget.words -= words.length;
    const before = prev;
    prev = command;
    bindOutputs(st, run, stepOutputs(command, before));
    if (run.args && applyPositional(words, run.args)) continue;
    const s = commandStart(words);
    const exporting = words[0]?.text === "export" && words.length > 1;
    if (s === words.length || exporting) {
      // `NAME=value` lines (or `export NAME=value`) define variables later commands expand.
      for (const w of words) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(w.text);
        if (m) locals.set(m[1], m[2]);
        if (exporting && m) run.exported.add(m[1]);
      }
      continue;
    }
    if (words[s]?.text === "cd" && words[s + 1]) {
      // straight-line `cd dir` moves where later relative paths (scripts, bake files) are read
      const dir = evaluate(words[s + 1].text, st.ctx);
      if (dir.length === 1 && dir[0].resolved && !dir[0].text.startsWith("/")) run.workdir = joinPath(run.workdir, dir[0].text);
      continue;
    }
    // Words are located only for a command that is followed or recorded: most commands are neither.
    const call = invocation(withExpressions(st, words, s), s);
    if (call) {
      await followInvocation(fs, st, run, call, commandLocator(fs, loc, words));
      continue;
    }
    const cmd = recognize(words);
    if (!cmd) {
      // Step past the command so a later `docker` head is not matched inside it (`echo docker …`).
      loc.find(words[words.length - 1]);
      continue;
    }
    const located = commandLocator(fs, loc, words);
    await recordAt(fs, st, cmd, located, located(cmd.head), run.meta, sub++, opts, run.workdir);
  }
}

/**
 * A script or make call. `${{ github.action_path }}/x.sh` of an action in another repository evaluates
 * to that repository's engine path (`//org/repo@ref/…`), which is no path in this checkout: take it as is.
 */
function invocation(words: Word[], s: number): InvocationCommand | null {
  const runner = words[s]?.text;
  const at = runner === "bash" || runner === "sh" || runner === "." || runner === "source" ? s + 1 : s;
  const w = words[at];
  if (w && w.text.startsWith("//")) return { kind: "script", path: w, pathText: w.text, args: words.slice(at + 1), head: words[s] };
  return recognizeInvocation(words);
}

/** The command's first words with `${{ }}` evaluated (`${{ github.action_path }}/build.sh`), to recognise a call. */
function withExpressions(st: StepState, words: Word[], s: number): Word[] {
  return words.map((w, i) => {
    if (i < s || i > s + 3 || !w.text.includes("${{")) return w;
    const alts = evaluate(w.text, st.ctx);
    return alts.length === 1 && !alts[0].speculative ? { ...w, text: alts[0].text } : w;
  });
}

/** One consumer per image word (and per value of it, under a matrix or several expression values). */
function recordConsumers(fs: FileState, st: StepState, kind: ConsumerKind, images: Word[], located: (w: Word) => Span): void {
  for (const image of images) {
    const span = located(image);
    for (const ref of wordValues(st, image, span)) {
      if (ref.text.trim() === "") continue;
      const order = runFields(fs, st);
      fs.consumers.push({
        kind,
        path: fs.y.path,
        job: st.job,
        ref,
        workflow: order.workflow,
        seq: order.seq,
        ...(order.via ? { via: order.via } : {}),
        ...(fs.repo ? { repo: fs.repo } : {}),
        ...(st.matrix ? { matrix: st.matrix } : {}),
      });
    }
  }
}

async function recordAt(
  fs: FileState,
  st: StepState,
  cmd: DockerCommand,
  located: (w: Word) => Span,
  headSpan: Span,
  meta: MetaTags,
  sub: number,
  opts: ExpandOptions,
  workdir?: string,
): Promise<void> {
  if (cmd.kind === "consume") {
    recordConsumers(fs, st, cmd.consumer, cmd.images, located);
    return;
  }
  if (cmd.kind === "build" && cmd.sources.length > 0) recordConsumers(fs, st, "imagetools-source", cmd.sources, located);
  if (cmd.kind === "bake") {
    const first = (w: Word) => evaluate(w.text, st.ctx)[0]?.text ?? w.text;
    await runBake(
      fs,
      { ...st, span: headSpan },
      {
        files: cmd.files.map((w) => ({ raw: w.raw, span: located(w), text: first(w) })),
        targets: cmd.targets.map(first),
        set: cmd.set.map((w) => ({ text: first(w), span: located(w) })),
        push: cmd.push,
        load: cmd.load,
        fromRun: true,
        ...(workdir ? { workdir } : {}),
      },
      meta,
      sub,
    );
    return;
  }
  if (!takeBuild(fs)) return;
  const outputs = cmd.outputs.flatMap((w) => {
    const span = located(w);
    return evaluate(w.text, st.ctx).map((a) => ({ text: a.text, raw: w.raw, span, resolved: a.resolved }));
  });
  let push: boolean | null = cmd.push;
  for (const o of outputs) push = orPush(push, parseOutput(o.text).push);
  const load = cmd.load || outputs.some((o) => parseOutput(o.text).type === "docker");
  const build: Build = {
    id: buildId(fs, st, sub ? { sub } : undefined),
    source: "run",
    path: fs.y.path,
    ...runFields(fs, st),
    job: st.job,
    stepIndex: st.stepIndex,
    tags: [...cmd.tags.flatMap((w) => wordValues(st, w, located(w))), ...outputTags(outputs)],
    cacheTo: wordSpecs(fs, st, cmd.cacheTo, located, opts),
    cacheFrom: wordSpecs(fs, st, cmd.cacheFrom, located, opts),
    push,
    load,
    outputs: outputs.map((o) => o.text),
    span: headSpan,
  };
  const target = firstText(st, cmd.target);
  const dockerfile = firstText(st, cmd.file);
  const context = firstText(st, cmd.context);
  if (target !== undefined) build.target = target;
  if (dockerfile !== undefined) build.dockerfile = dockerfile;
  if (context !== undefined) build.context = context;
  decorate(fs, st, build);
  fs.builds.push(build);
}
