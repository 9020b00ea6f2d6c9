/** Walk `jobs:`: matrix combinations, env at three levels, steps in order, container/service images. */
import { isMap } from "yaml";
import type { ConsumerKind, Span } from "../types";
import { bakeAction, buildPushAction, dockerAction, metadataAction, type MetaTags } from "./actions";
import { compositeStep, reusableJob } from "./calls";
import type { Contexts, ExprValue } from "./expr-bridge";
import { contextsWith, evaluate } from "./expr-bridge";
import { comboId, comboStrings, expandMatrix, MAX_COMBINATIONS } from "./matrix";
import { capture, comboKey, mark, matrixKeysRead, replay, type Capture } from "./matrix-replay";
import { runFields, warnOnce, type FileState, type JobRun, type StepState } from "./model";
import { runStep } from "./run-step";
import { newTools, toolsAfterRun, toolsAfterUses, type ToolsHolder } from "./tools";
import { locate, nodeSpan, valuesFrom } from "./values";
import { deref, mapEntries, mapGet, scalarInfo, scalarString, seqItems, type ScalarInfo, type YamlDoc } from "./yaml-doc";
import { spanAt } from "../span";
import type { Node } from "yaml";

/** Evaluate one `env:` mapping on top of `ctx.env`; a value that is not one known text is dropped. */
export function evalEnv(y: YamlDoc, envNode: unknown, ctx: Contexts): Record<string, string> {
  const node = deref(y, envNode);
  // Most steps set no env: share the enclosing one (nothing mutates an env once it is built).
  if (!node || !isMap(node)) return ctx.env ?? {};
  const env = { ...(ctx.env ?? {}) };
  for (const e of mapEntries(y, node)) {
    const raw = scalarString(y, e.value);
    if (raw === null) {
      delete env[e.key];
      continue;
    }
    const alts = evaluate(raw, ctx);
    // Several possible values (`a && b || c`) cannot stand as one env text; leave it unknown.
    if (alts.length === 1 && !alts[0].speculative) env[e.key] = alts[0].text;
    else delete env[e.key];
  }
  return env;
}

export interface StepScope {
  job: string;
  ctx: Contexts;
  meta: MetaTags;
  run: JobRun;
  matrix?: Record<string, string>;
  matrixId?: string;
  defaultsDir?: string;
  /** what the job's steps set up so far (shared with the composite actions it runs) */
  tools?: ToolsHolder;
}

export function imageConsumer(fs: FileState, node: unknown, kind: ConsumerKind, scope: StepScope, st?: StepState): void {
  const info = scalarInfo(fs.y, node);
  if (!info) return;
  let raw = info.value.trim();
  if (raw === "") return;
  if (kind === "uses-docker") raw = raw.replace(/^docker:\/\//i, "");
  const span = locate(fs.y.path, fs.y.text, raw, info.start, info.end) ?? spanAt(fs.y.path, fs.y.text, info.start, info.end);
  const ctx = st?.ctx ?? scope.ctx;
  for (const ref of valuesFrom(raw, span, evaluate(raw, ctx), false)) {
    if (ref.text.trim() === "") continue;
    const order = st ? runFields(fs, st) : { workflow: fs.workflow, seq: scope.run.seq, ...(fs.via.length ? { via: fs.via } : {}) };
    fs.consumers.push({
      kind,
      path: fs.y.path,
      job: scope.job,
      ref,
      workflow: order.workflow,
      seq: order.seq,
      ...(order.via ? { via: order.via } : {}),
      ...(fs.repo ? { repo: fs.repo } : {}),
      ...(scope.matrix ? { matrix: scope.matrix } : {}),
    });
  }
}

/**
 * Run a list of steps in order (a job's, or a composite action's) in `fs.y`. Returns the steps context
 * at the end, so a composite action's outputs can be read from it.
 */
export async function runStepList(fs: FileState, steps: Node[], scope: StepScope): Promise<Contexts["steps"]> {
  const { y } = fs;
  const scopeCtx = contextsWith(scope.ctx, { steps: scope.ctx.steps ?? {} });
  for (let i = 0; i < steps.length; i++) {
    if (fs.budget.steps-- <= 0) {
      warnOnce(fs, "steps", "too many steps in this file; the rest were not analysed");
      return scopeCtx.steps;
    }
    const step = steps[i];
    if (!isMap(step)) continue;
    const shape = stepShape(y, step);
    const stepCtx = contextsWith(scopeCtx, { env: evalEnv(y, shape.envNode, scopeCtx) });
    const st: StepState = { job: scope.job, run: scope.run, stepIndex: i, ctx: stepCtx, node: step, span: shape.span };
    if (scope.tools) st.tools = scope.tools.now;
    if (scope.matrix) {
      st.matrix = scope.matrix;
      st.matrixId = scope.matrixId!;
    }
    if (shape.name !== null) st.stepName = shape.name;
    const { uses, withNode, stepId } = shape;
    if (stepId !== null) st.stepId = stepId;
    if (uses !== null) {
      if (shape.usesDocker) imageConsumer(fs, shape.usesNode, "uses-docker", scope, st);
      const action = shape.action;
      if (action === "build-push-action") buildPushAction(fs, st, withNode, scope.meta);
      else if (action === "bake-action") await bakeAction(fs, st, withNode, scope.meta);
      else if (action === "metadata-action") metadataAction(fs, st, withNode, stepId, scope.meta);
      else if (action === null) await compositeStep(fs, st, uses, withNode, stepId, scope);
      if (scope.tools) toolsAfterUses(scope.tools, y, uses, withNode);
    } else if (shape.runInfo) {
      const wd = shape.workdir ?? scope.defaultsDir ?? undefined;
      await runStep(fs, st, shape.runInfo, scope.meta, wd && !wd.includes("${{") ? wd : undefined, stepId);
      if (scope.tools) toolsAfterRun(scope.tools, shape.runInfo.value, shape.span);
    }
    // Later steps see this step's outputs (metadata-action, composite outputs, $GITHUB_OUTPUT).
    if (stepCtx.steps !== scopeCtx.steps) scopeCtx.steps = stepCtx.steps;
  }
  return scopeCtx.steps;
}

/** What one step mapping says: the same in every matrix combination, so it is read once per step node. */
interface StepShape {
  envNode: Node | null;
  usesNode: Node | null;
  uses: string | null;
  /** `uses: docker://…`: the image is pulled and run */
  usesDocker: boolean;
  action: ReturnType<typeof dockerAction>;
  /** the `run:` script, for a step without `uses:` */
  runInfo: ScalarInfo | null;
  /** the step's own `working-directory:` */
  workdir: string | null;
  /** where the step is placed: its `uses:` or `run:` value, the step itself when it has neither */
  span: Span;
  name: string | null;
  withNode: Node | null;
  stepId: string | null;
}

function stepShape(y: YamlDoc, step: Node): StepShape {
  const memo = (y.stepShapes ??= new Map()) as Map<Node, StepShape>;
  const hit = memo.get(step);
  if (hit) return hit;
  const usesNode = mapGet(y, step, "uses");
  const uses = scalarString(y, usesNode);
  const runNode = uses === null ? mapGet(y, step, "run") : null;
  const runInfo = uses === null ? scalarInfo(y, runNode) : null;
  const shape: StepShape = {
    envNode: mapGet(y, step, "env"),
    usesNode,
    uses,
    usesDocker: uses !== null && /^docker:\/\//i.test(uses.trim()),
    action: uses !== null ? dockerAction(uses) : null,
    runInfo,
    workdir: runInfo ? scalarString(y, mapGet(y, step, "working-directory")) : null,
    span: nodeSpan(y, uses !== null ? usesNode : runInfo ? runNode : step),
    name: scalarString(y, mapGet(y, step, "name")),
    withNode: mapGet(y, step, "with"),
    stepId: scalarString(y, mapGet(y, step, "id")),
  };
  memo.set(step, shape);
  return shape;
}

async function runJob(fs: FileState, jobId: string, jobNode: unknown, ctx: Contexts, matrix: Record<string, ExprValue> | undefined, needs: string[]): Promise<void> {
  const { y } = fs;
  // A reusable workflow's jobs carry the calling job's combination too: each caller instance is its own run.
  const outer = fs.outerMatrix;
  const labels = matrix || outer ? { ...(outer ?? {}), ...(matrix ? comboStrings(matrix) : {}) } : undefined;
  const scope: StepScope = {
    job: jobId,
    ctx,
    meta: new Map(),
    run: { seq: 0, needs },
    tools: newTools(),
    ...(labels ? { matrix: labels, matrixId: outer ? comboId(labels) : comboId(matrix!) } : {}),
  };
  const container = mapGet(y, jobNode, "container");
  imageConsumer(fs, isMap(container) ? mapGet(y, container, "image") : container, "job-container", scope);
  for (const svc of mapEntries(y, mapGet(y, jobNode, "services"))) {
    imageConsumer(fs, isMap(svc.value) ? mapGet(y, svc.value, "image") : svc.value, "service-container", scope);
  }
  const defaultsDir = scalarString(y, mapGet(y, mapGet(y, mapGet(y, jobNode, "defaults"), "run"), "working-directory"));
  if (defaultsDir !== null) scope.defaultsDir = defaultsDir;
  await runStepList(fs, seqItems(y, mapGet(y, jobNode, "steps")), scope);
}

/** Matrix values may hold expressions themselves (`- ${{ inputs.version }}`); GitHub evaluates them first. */
function evalMatrixStrings(combo: Record<string, ExprValue>, ctx: Contexts): Record<string, ExprValue> {
  const out: Record<string, ExprValue> = {};
  for (const [k, v] of Object.entries(combo)) {
    if (typeof v === "string" && v.includes("${{")) {
      const alts = evaluate(v, ctx);
      out[k] = alts.length === 1 ? alts[0].text : v;
    } else out[k] = v;
  }
  return out;
}

/** Every job each job waits for, transitively, with the file's job prefix (and the caller's needs). */
export function jobNeeds(fs: FileState): Map<string, string[]> {
  const { y } = fs;
  const direct = new Map<string, string[]>();
  for (const job of mapEntries(y, mapGet(y, y.root, "jobs"))) {
    const n = mapGet(y, job.value, "needs");
    const one = scalarString(y, n);
    direct.set(job.key, one !== null ? [one] : seqItems(y, n).map((x) => scalarString(y, x)).filter((x): x is string => x !== null));
  }
  const out = new Map<string, string[]>();
  for (const id of direct.keys()) out.set(id, [...fs.outerNeeds, ...[...neededBy(direct, id, new Set([id]))].map((d) => fs.jobPrefix + d)]);
  return out;
}

/** The jobs `id` waits for, transitively, in visiting order (`seen`: the path here, so a cycle stops). */
function neededBy(direct: Map<string, string[]>, id: string, seen: Set<string>): Set<string> {
  const all = new Set<string>();
  for (const d of direct.get(id) ?? []) {
    if (seen.has(d)) continue;
    all.add(d);
    for (const x of neededBy(direct, d, new Set([...seen, d]))) all.add(x);
  }
  return all;
}

export async function extractJobs(fs: FileState, base: Contexts): Promise<void> {
  const { y } = fs;
  const wfEnv = evalEnv(y, mapGet(y, y.root, "env"), base);
  const needs = jobNeeds(fs);
  for (const job of mapEntries(y, mapGet(y, y.root, "jobs"))) {
    if (!job.value || !isMap(job.value)) continue;
    const jobId = fs.jobPrefix + job.key;
    const m = expandMatrix(y, mapGet(y, mapGet(y, job.value, "strategy"), "matrix"));
    let combos: Array<Record<string, ExprValue> | undefined>;
    if (m.combos === null || m.combos === "unknown") combos = [undefined];
    else combos = m.combos;
    if (m.truncatedFrom !== undefined) {
      const span = nodeSpan(y, mapGet(y, job.value, "strategy"));
      fs.warnings.push({
        path: y.path,
        message: `job ${job.key}: matrix has ${m.truncatedFrom} combinations; only the first ${MAX_COMBINATIONS} were analysed`,
        line: span.line,
        column: span.column,
      });
    }
    const called = scalarString(y, mapGet(y, job.value, "uses"));
    const read = combos.length > 1 ? matrixKeysRead(y, job.value, mapGet(y, job.value, "strategy")) : "all";
    const done = new Map<string, Capture | null>();
    for (const raw of combos) {
      const ctx = contextsWith(base, { env: wfEnv });
      const combo = raw ? evalMatrixStrings(raw, base) : undefined;
      const key = combo ? comboKey(combo, read) : null;
      const prev = key !== null ? done.get(key) : undefined;
      if (combo && prev && replay(fs, prev, combo)) continue;
      const before = mark(fs);
      if (combo) ctx.matrix = combo;
      const jobNeedsList = needs.get(job.key) ?? fs.outerNeeds;
      if (called !== null) {
        // A job that calls a reusable workflow has no env or steps of its own: the callee's jobs run.
        await reusableJob(fs, jobId, job.value, called, ctx, combo, jobNeedsList);
      } else {
        const jobEnv = evalEnv(y, mapGet(y, job.value, "env"), ctx);
        await runJob(fs, jobId, job.value, contextsWith(ctx, { env: jobEnv }), combo, jobNeedsList);
      }
      if (fs.budget.steps <= 0) return;
      if (combo && key !== null && !done.has(key)) done.set(key, capture(fs, before, combo));
    }
  }
}
