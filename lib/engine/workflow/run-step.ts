/** `run:` scripts: docker/buildx/buildctl builds, `buildx bake`, and `docker run|pull|create` consumers. */
import { recognize, commandStart, type DockerCommand } from "../shell/commands";
import { tokenizeScript, type Word } from "../shell/tokenize";
import { parseCacheSpecs } from "../cache-spec";
import type { Build, CacheSpec, ConsumerKind, Span, Value } from "../types";
import { orPush, outputTags, parseOutput } from "./build-parts";
import { evaluate } from "./expr-bridge";
import { buildId, isGitHubRepoName, runFields, takeBuild, warnOnce, type FileState, type StepState } from "./model";
import { decorate, runBake, type MetaTags } from "./actions";
import { indexWithin, spanAt } from "../span";
import { valuesFrom } from "./values";
import type { ScalarInfo } from "./yaml-doc";

/** Locates words of one run scalar in the file, in order. */
class WordLocator {
  private cursor: number;
  constructor(
    private fs: FileState,
    private info: ScalarInfo,
  ) {
    this.cursor = info.start;
  }
  span(w: Word): Span {
    const { text, path } = this.fs.y;
    if (w.raw !== "") {
      const at = indexWithin(text, w.raw, this.cursor, this.info.end);
      if (at >= 0) {
        this.cursor = at + w.raw.length;
        return spanAt(path, text, at, at + w.raw.length);
      }
    }
    return spanAt(path, text, this.info.start, this.info.end);
  }
}

/**
 * Spans of every word of one command, taken in source order so that a spec written twice
 * (`--export-cache type=registry,ref=X … --import-cache type=registry,ref=X`) gets each occurrence's
 * own characters. A sub-word (`x` of `--tag=x`) lies inside its parent word at a known distance.
 */
function commandLocator(fs: FileState, loc: WordLocator, words: Word[]): (w: Word) => Span {
  const spans = new Map<Word, Span>();
  for (const w of words) spans.set(w, loc.span(w));
  const { text, path } = fs.y;
  return (w: Word): Span => {
    const own = spans.get(w);
    if (own) return own;
    const parent = words.find((p) => p.start <= w.start && w.start < p.end);
    const ps = parent ? spans.get(parent) : undefined;
    if (!parent || !ps) return loc.span(w);
    const at = ps.offset + (w.start - parent.start);
    if (text.startsWith(w.raw, at) && at + w.raw.length <= ps.endOffset) return spanAt(path, text, at, at + w.raw.length);
    const found = indexWithin(text, w.raw, ps.offset, ps.endOffset);
    return found >= 0 ? spanAt(path, text, found, found + w.raw.length) : ps;
  };
}

function wordValues(st: StepState, w: Word, span: Span): Value[] {
  return valuesFrom(w.raw, span, evaluate(w.text, st.ctx), false);
}

/** The text of one shell word written `s`, with variables expanded. */
function expandWord(s: string, lookup: (name: string) => string | undefined): string {
  const words: string[] = [];
  const gen = tokenizeScript(s, { lookup, maxWords: 64 });
  for (let r = gen.next(); !r.done; r = gen.next()) words.push(...r.value.words.map((w) => w.text));
  return words.join(" ");
}

/**
 * A word's characters without its quotes, when they can be taken verbatim from the file, and how to
 * expand any line of them as the shell would.
 */
function shellSource(
  w: Word,
  lookup: (name: string) => string | undefined,
): { input: string; expand: (line: string) => string } | null {
  const raw = w.raw;
  if (/^"[^"\\`]*"$/.test(raw)) return { input: raw.slice(1, -1), expand: (line) => expandWord(`"${line}"`, lookup) };
  if (/^'[^']*'$/.test(raw)) return { input: raw.slice(1, -1), expand: (line) => line };
  if (!/["'\\`\s]/.test(raw.replace(/\$\{\{[\s\S]*?\}\}/g, ""))) return { input: raw, expand: (line) => expandWord(line, lookup) };
  return null;
}

/** GitHub's default environment variables that are known before the run. */
function defaultEnv(fs: FileState): Record<string, string> {
  if (!fs.repo || !isGitHubRepoName(fs.repo)) return {};
  return { GITHUB_REPOSITORY: fs.repo, GITHUB_REPOSITORY_OWNER: fs.repo.split("/")[0] };
}

export async function runStep(fs: FileState, st: StepState, info: ScalarInfo, meta: MetaTags, workdir?: string, _stepId?: string | null): Promise<void> {
  const script = info.value;
  if (!/docker|buildctl|podman/.test(script)) return;
  const locals = new Map<string, string>();
  const env = { ...defaultEnv(fs), ...(st.ctx.env ?? {}) };
  const lookup = (name: string): string | undefined => locals.get(name) ?? env[name];
  const maxWords = Math.max(0, fs.budget.words);
  const gen = tokenizeScript(script, { lookup, maxWords });
  const loc = new WordLocator(fs, info);
  let sub = 0;
  for (;;) {
    const next = gen.next();
    if (next.done) {
      if (next.value.truncated) warnOnce(fs, "words", "run scripts too long; the rest were not analysed", st.span);
      break;
    }
    const words = next.value.words;
    fs.budget.words -= words.length;
    const s = commandStart(words);
    if (s === words.length || (words[0]?.text === "export" && words.length > 1)) {
      // `NAME=value` lines (or `export NAME=value`) define variables later commands expand.
      for (const w of words) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(w.text);
        if (m) locals.set(m[1], m[2]);
      }
      continue;
    }
    const cmd = recognize(words);
    if (!cmd) {
      // Step past the command so a later `docker` head is not matched inside it (`echo docker …`).
      loc.span(words[words.length - 1]);
      continue;
    }
    const located = commandLocator(fs, loc, words);
    await recordAt(fs, st, cmd, located, located(cmd.head), meta, sub++, lookup, workdir);
  }
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
  lookup: (name: string) => string | undefined,
  workdir?: string,
): Promise<void> {
  if (cmd.kind === "consume") {
    recordConsumers(fs, st, cmd.consumer, cmd.images, located);
    return;
  }
  if (cmd.kind === "build" && cmd.sources.length > 0) recordConsumers(fs, st, "imagetools-source", cmd.sources, located);
  const stepAtHead: StepState = { ...st, span: headSpan };
  if (cmd.kind === "bake") {
    const first = (w: Word) => evaluate(w.text, st.ctx)[0]?.text ?? w.text;
    await runBake(
      fs,
      stepAtHead,
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
  const specs = (ws: Word[]): CacheSpec[] => {
    const out: CacheSpec[] = [];
    for (const w of ws) {
      const span = located(w);
      // Parse the characters as written (so each ref's raw and span match the file) and expand the
      // shell variables and `${{ }}` of each line afterwards; fall back to the expanded word.
      const src = shellSource(w, lookup);
      const input = src ? src.input : w.text;
      const expand = src ? src.expand : (line: string) => line;
      out.push(
        ...parseCacheSpecs(
          input,
          { path: fs.y.path, text: fs.y.text, offset: span.offset, end: span.endOffset, fallback: span },
          { evaluate: (raw) => evaluate(expand(raw), st.ctx) },
        ),
      );
    }
    return out;
  };
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
    cacheTo: specs(cmd.cacheTo),
    cacheFrom: specs(cmd.cacheFrom),
    push,
    load,
    outputs: outputs.map((o) => o.text),
    span: headSpan,
  };
  const firstText = (w: Word | undefined) => (w ? evaluate(w.text, st.ctx)[0]?.text : undefined);
  const target = firstText(cmd.target);
  const dockerfile = firstText(cmd.file);
  const context = firstText(cmd.context);
  if (target !== undefined) build.target = target;
  if (dockerfile !== undefined) build.dockerfile = dockerfile;
  if (context !== undefined) build.context = context;
  decorate(fs, st, build);
  fs.builds.push(build);
}
