/** `uses:` steps: docker/build-push-action, docker/bake-action, docker/metadata-action. */
import { resolveBake } from "../bake";
import { spanAt } from "../span";
import type { Build, Span, Value } from "../types";
import { boolOf, listValues, rawItems, scalarAlts, splitList, valuesFrom } from "./values";
import { cacheSpecsFrom, orPush, outputTags, parseOutput } from "./build-parts";
import { evaluate, metadataOutputs, type Alternative, type Contexts } from "./expr-bridge";
import { buildId, runFields, takeBuild, type FileState, type StepState } from "./model";
import { mapGet, scalarInfo, type YamlDoc } from "./yaml-doc";
import { lookupFile } from "./files";
import { NO_TOOLS } from "./tools";

const ACTION_RE = /^docker\/(build-push-action|bake-action|metadata-action)@/i;

/** Which docker action a `uses:` names; sub-paths (`docker/bake-action/subaction/…`) are not builds. */
export function dockerAction(uses: string): "build-push-action" | "bake-action" | "metadata-action" | null {
  const m = ACTION_RE.exec(uses.trim());
  return m ? (m[1].toLowerCase() as "build-push-action" | "bake-action" | "metadata-action") : null;
}

const STEP_TAGS_RE = /^\$\{\{\s*steps\.([A-Za-z0-9_-]+)\.outputs\.tags\s*\}\}$/i;

/** Per-job memory of metadata-action tags, one Alternative per tag (the expression engine sees a list). */
export type MetaTags = Map<string, Alternative[]>;

function firstText(alts: Alternative[]): string {
  return alts[0]?.text ?? "";
}

function tagValues(fs: FileState, st: StepState, node: unknown, meta: MetaTags): Value[] {
  const out: Value[] = [];
  for (const item of rawItems(fs.y, node, true)) {
    const m = STEP_TAGS_RE.exec(item.raw);
    const tags = m ? meta.get(m[1].toLowerCase()) : undefined;
    if (tags) {
      for (const t of tags) {
        const v: Value = { raw: item.raw, text: t.text, resolved: t.resolved, span: item.span };
        if (t.speculative) v.speculative = true;
        out.push(v);
      }
      continue;
    }
    out.push(...valuesFrom(item.raw, item.span, evaluate(item.raw, st.ctx), true));
  }
  return out;
}

/** One `with:` input's values (module-level: closures made per step cost a name definition under tsx's keepNames). */
function inputAlts(y: YamlDoc, withNode: unknown, key: string, ctx: Contexts): Alternative[] | undefined {
  return scalarAlts(y, mapGet(y, withNode, key), ctx) ?? undefined;
}

export function buildPushAction(fs: FileState, st: StepState, withNode: unknown, meta: MetaTags): void {
  if (!takeBuild(fs)) return;
  const { y } = fs;
  const ctx = st.ctx;
  const outputs = listValues(y, mapGet(y, withNode, "outputs"), ctx, false);
  // each input evaluated once (target, context and file also make the recipe)
  let push = boolOf(inputAlts(y, withNode, "push", ctx), false);
  for (const o of outputs) push = orPush(push, parseOutput(o.text).push);
  const load = boolOf(inputAlts(y, withNode, "load", ctx), false) === true;
  const build: Build = {
    id: buildId(fs, st),
    source: "build-push-action",
    path: y.path,
    ...runFields(fs, st),
    job: st.job,
    stepIndex: st.stepIndex,
    tags: [...tagValues(fs, st, mapGet(y, withNode, "tags"), meta), ...outputTags(outputs)],
    cacheTo: cacheSpecsFrom(rawItems(y, mapGet(y, withNode, "cache-to"), false), y.text, ctx),
    cacheFrom: cacheSpecsFrom(rawItems(y, mapGet(y, withNode, "cache-from"), false), y.text, ctx),
    push,
    load,
    outputs: outputs.map((o) => o.text),
    span: st.span,
  };
  const target = inputAlts(y, withNode, "target", ctx);
  const context = inputAlts(y, withNode, "context", ctx);
  const file = inputAlts(y, withNode, "file", ctx);
  if (target) build.target = firstText(target);
  if (context) build.context = firstText(context);
  if (file) build.dockerfile = firstText(file);
  const recipe = recipeOf([
    context,
    file,
    target,
    inputAlts(y, withNode, "platforms", ctx),
    inputAlts(y, withNode, "build-args", ctx),
    inputAlts(y, withNode, "build-contexts", ctx),
  ]);
  if (recipe !== undefined) build.recipe = recipe;
  decorate(fs, st, build);
  fs.builds.push(build);
}

/** The inputs that decide what is built, as one string; undefined when any has several possible values. */
function recipeOf(parts: Array<Alternative[] | undefined>): string | undefined {
  const texts: string[] = [];
  for (const alts of parts) {
    if (alts && (alts.length !== 1 || alts[0].speculative)) return undefined;
    // Lists (platforms, build-args) compare as sets of trimmed lines or comma items.
    const text = alts?.[0]?.text ?? "";
    // (most of these inputs are absent: nothing to split)
    const items = text === "" ? [] : text.split(/[\n,]/).map((t) => t.trim()).filter(Boolean).sort();
    texts.push(items.join(","));
  }
  return JSON.stringify(texts);
}

export function decorate(fs: FileState, st: StepState, b: Build): void {
  if (fs.repo) b.repo = fs.repo;
  if (fs.workflowName) b.workflowName = fs.workflowName;
  if (st.stepName) b.stepName = st.stepName;
  if (st.stepId) b.stepId = st.stepId;
  if (st.matrix) b.matrix = st.matrix;
  if (fs.events) b.events = fs.events;
  if (st.tools && st.tools !== NO_TOOLS) b.tools = st.tools;
}

/** Synthetic bake file for `files: cwd://${{ steps.meta.outputs.bake-file }}`. */
export const META_BAKE_PREFIX = ".cacheguard/metadata-action/";

export function metadataAction(fs: FileState, st: StepState, withNode: unknown, stepId: string | null, meta: MetaTags): void {
  if (!stepId) return;
  const { y } = fs;
  const images: Alternative[] = [];
  for (const item of rawItems(y, mapGet(y, withNode, "images"), false)) images.push(...evaluate(item.raw, st.ctx));
  const tags = scalarInfo(y, mapGet(y, withNode, "tags"))?.value;
  const flavor = scalarInfo(y, mapGet(y, withNode, "flavor"))?.value;
  const out = metadataOutputs({ images, ...(tags !== undefined ? { tags } : {}), ...(flavor !== undefined ? { flavor } : {}) }, st.ctx);
  const id = stepId.toLowerCase();
  meta.set(id, out.tags);
  // For other expressions the output is one newline-joined string, as on GitHub.
  const joined: Alternative = {
    text: out.tags.map((t) => t.text).join("\n"),
    resolved: out.tags.every((t) => t.resolved),
    speculative: out.tags.length > 0 && out.tags.every((t) => t.speculative),
  };
  const bakeFile: Alternative = { text: `${META_BAKE_PREFIX}${id}.json`, resolved: true, speculative: false };
  const steps = { ...(st.ctx.steps ?? {}) };
  steps[stepId] = { outputs: { tags: [joined], version: out.version, "bake-file": [bakeFile], "bake-file-tags": [bakeFile] } };
  st.ctx.steps = steps;
}

/** The JSON bake definition metadata-action writes, so bake-action targets inherit its tags. */
export function metaBakeFile(path: string, meta: MetaTags): string | undefined {
  const at = path.indexOf(META_BAKE_PREFIX);
  if (at < 0) return undefined;
  const id = path.slice(at + META_BAKE_PREFIX.length).replace(/\.json$/, "");
  const tags = meta.get(id);
  if (!tags) return undefined;
  return JSON.stringify({ target: { "docker-metadata-action": { tags: tags.map((t) => t.text) } } });
}

function envVars(ctx: Contexts): Record<string, string> {
  return { ...(ctx.env ?? {}) };
}

export interface BakeCall {
  files: Array<{ text: string; raw: string; span: Span }>;
  targets: string[];
  set: Array<{ text: string; span: Span }>;
  push: boolean | null;
  load: boolean;
  workdir?: string;
  /** a `docker buildx bake` command in a run script rather than bake-action */
  fromRun?: boolean;
}

/** Run bake for one step (bake-action or `docker buildx bake`) and record one Build per target. */
export async function runBake(fs: FileState, st: StepState, call: BakeCall, meta: MetaTags, sub?: number): Promise<void> {
  const readFile = (p: string): string | undefined => {
    const generated = metaBakeFile(p, meta);
    if (generated !== undefined) return generated;
    fs.rs.bakeRead.add(p);
    // optional: resolveBake says itself when a file it was told to read is not there
    return lookupFile(fs.rs, p, { optional: true }).file?.text;
  };
  let result: Awaited<ReturnType<typeof resolveBake>>;
  try {
    result = await resolveBake(
      {
        files: call.files.map((f) => f.text),
        targets: call.targets,
        set: call.set.map((s) => s.text),
        setSpans: call.set.map((s) => s.span),
        vars: envVars(st.ctx),
        push: call.push,
        load: call.load,
        ...(call.workdir ? { workdir: call.workdir } : {}),
      },
      readFile,
    );
  } catch (err) {
    fs.errors.push({ path: fs.y.path, message: `bake could not be resolved: ${err instanceof Error ? err.message : String(err)}`, line: st.span.line, column: st.span.column });
    return;
  }
  const seen = new Set(fs.errors.map((e) => `${e.path}:${e.line}:${e.message}`));
  for (const e of result.errors) {
    const key = `${e.path}:${e.line}:${e.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // A named file that is not there is the workflow's mistake, said where the step names it.
    if (e.message.startsWith("bake file not found")) {
      fs.warnings.push({ path: fs.y.path, line: st.span.line, column: st.span.column, message: `${e.message}; the step's targets were not analysed` });
    } else fs.errors.push(e);
  }
  const metaFile = call.files.find((f) => f.text.includes(META_BAKE_PREFIX));
  // bake builds its targets side by side: one place in the run order for all of them
  const order = runFields(fs, st);
  for (const b of result.builds) {
    if (!takeBuild(fs)) return;
    // Tags from the synthetic metadata bake file point back at the `files:` item that names it.
    const tags = b.tags.map((t) =>
      t.span.path.includes(META_BAKE_PREFIX) && metaFile ? { ...t, raw: metaFile.raw, span: metaFile.span } : t,
    );
    const build: Build = {
      id: buildId(fs, st, { ...(sub ? { sub } : {}), target: b.target }),
      source: call.fromRun ? "run" : "bake-action",
      path: fs.y.path,
      ...order,
      job: st.job,
      stepIndex: st.stepIndex,
      bakeTarget: b.target,
      tags,
      cacheTo: b.cacheTo,
      cacheFrom: b.cacheFrom,
      push: b.push,
      load: call.load,
      outputs: b.outputs,
      span: st.span,
    };
    decorate(fs, st, build);
    fs.builds.push(build);
  }
}

export async function bakeAction(fs: FileState, st: StepState, withNode: unknown, meta: MetaTags): Promise<void> {
  const { y } = fs;
  const get = (k: string) => mapGet(y, withNode, k);
  const files = rawItems(y, get("files"), true).map((it) => ({ raw: it.raw, span: it.span, text: firstText(evaluate(it.raw, st.ctx)) }));
  const targets = rawItems(y, get("targets"), true).flatMap((it) => splitList(firstText(evaluate(it.raw, st.ctx)), true));
  const set = rawItems(y, get("set"), false).map((it) => ({ span: it.span, text: firstText(evaluate(it.raw, st.ctx)) }));
  const push = boolOf(scalarAlts(y, get("push"), st.ctx) ?? undefined, false);
  const load = boolOf(scalarAlts(y, get("load"), st.ctx) ?? undefined, false) === true;
  const workdirRaw = scalarAlts(y, get("workdir"), st.ctx);
  const source = scalarAlts(y, get("source"), st.ctx);
  let workdir = workdirRaw ? firstText(workdirRaw) : undefined;
  // `source:` may name a local sub-directory; a remote or git context reads files from the repo root.
  const src = source ? firstText(source) : "";
  if (!workdir && src && !/^[a-z]+:\/\//i.test(src) && !src.includes("${{") && !src.startsWith("{{")) workdir = src;
  await runBake(fs, st, { files, targets, set, push, load, ...(workdir ? { workdir } : {}) }, meta);
}

export function spanOf(fs: FileState, start: number, end: number): Span {
  return spanAt(fs.y.path, fs.y.text, start, end);
}
