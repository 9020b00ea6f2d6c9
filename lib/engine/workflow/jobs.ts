/** Walk `jobs:`: matrix combinations, env at three levels, steps in order, container/service images. */
import { isMap } from "yaml";
import type { ConsumerKind } from "../types";
import { bakeAction, buildPushAction, dockerAction, metadataAction, type MetaTags } from "./actions";
import type { Contexts, ExprValue } from "./expr-bridge";
import { evaluate } from "./expr-bridge";
import { comboId, comboStrings, expandMatrix, MAX_COMBINATIONS } from "./matrix";
import { capture, comboKey, mark, matrixKeysRead, replay, type Capture } from "./matrix-replay";
import { warnOnce, type FileState, type StepState } from "./model";
import { runStep } from "./run-step";
import { locate, nodeSpan, valuesFrom } from "./values";
import { deref, mapEntries, mapGet, scalarInfo, scalarString, seqItems, type YamlDoc } from "./yaml-doc";
import { spanAt } from "../span";

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

function imageConsumer(fs: FileState, node: unknown, kind: ConsumerKind, job: string, ctx: Contexts, matrix?: Record<string, string>): void {
  const info = scalarInfo(fs.y, node);
  if (!info) return;
  let raw = info.value.trim();
  if (raw === "") return;
  if (kind === "uses-docker") raw = raw.replace(/^docker:\/\//i, "");
  const span = locate(fs.y.path, fs.y.text, raw, info.start, info.end) ?? spanAt(fs.y.path, fs.y.text, info.start, info.end);
  for (const ref of valuesFrom(raw, span, evaluate(raw, ctx), false)) {
    if (ref.text.trim() === "") continue;
    fs.consumers.push({
      kind,
      path: fs.y.path,
      job,
      ref,
      ...(fs.repo ? { repo: fs.repo } : {}),
      ...(matrix ? { matrix } : {}),
    });
  }
}

async function runSteps(fs: FileState, jobId: string, jobNode: unknown, ctx: Contexts, matrix: Record<string, ExprValue> | undefined): Promise<void> {
  const { y } = fs;
  const matrixStrings = matrix ? comboStrings(matrix) : undefined;
  const matrixId = matrix ? comboId(matrix) : undefined;
  const meta: MetaTags = new Map();
  const jobCtx: Contexts = { ...ctx, steps: {} };
  const container = mapGet(y, jobNode, "container");
  imageConsumer(fs, isMap(container) ? mapGet(y, container, "image") : container, "job-container", jobId, jobCtx, matrixStrings);
  for (const svc of mapEntries(y, mapGet(y, jobNode, "services"))) {
    imageConsumer(fs, isMap(svc.value) ? mapGet(y, svc.value, "image") : svc.value, "service-container", jobId, jobCtx, matrixStrings);
  }
  const defaultsDir = scalarString(y, mapGet(y, mapGet(y, mapGet(y, jobNode, "defaults"), "run"), "working-directory"));
  const steps = seqItems(y, mapGet(y, jobNode, "steps"));
  for (let i = 0; i < steps.length; i++) {
    if (fs.budget.steps-- <= 0) {
      warnOnce(fs, "steps", "too many steps in this file; the rest were not analysed");
      return;
    }
    const step = steps[i];
    if (!isMap(step)) continue;
    const stepCtx: Contexts = { ...jobCtx, env: evalEnv(y, mapGet(y, step, "env"), jobCtx) };
    const st: StepState = {
      job: jobId,
      stepIndex: i,
      ctx: stepCtx,
      node: step,
      span: nodeSpan(y, step),
      ...(matrixStrings ? { matrix: matrixStrings, matrixId: matrixId! } : {}),
    };
    const name = scalarString(y, mapGet(y, step, "name"));
    if (name !== null) st.stepName = name;
    const usesNode = mapGet(y, step, "uses");
    const uses = scalarString(y, usesNode);
    const withNode = mapGet(y, step, "with");
    if (uses !== null) {
      st.span = nodeSpan(y, usesNode);
      if (/^docker:\/\//i.test(uses.trim())) imageConsumer(fs, usesNode, "uses-docker", jobId, stepCtx, matrixStrings);
      const action = dockerAction(uses);
      if (action === "build-push-action") buildPushAction(fs, st, withNode, meta);
      else if (action === "bake-action") await bakeAction(fs, st, withNode, meta);
      else if (action === "metadata-action") metadataAction(fs, st, withNode, scalarString(y, mapGet(y, step, "id")), meta);
    } else {
      const runNode = mapGet(y, step, "run");
      const info = scalarInfo(y, runNode);
      if (info) {
        st.span = nodeSpan(y, runNode);
        const wd = scalarString(y, mapGet(y, step, "working-directory")) ?? defaultsDir ?? undefined;
        await runStep(fs, st, info, meta, wd && !wd.includes("${{") ? wd : undefined);
      }
    }
    // Later steps see this step's outputs (metadata-action writes them into stepCtx.steps).
    if (stepCtx.steps !== jobCtx.steps) jobCtx.steps = stepCtx.steps;
  }
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

export async function extractJobs(fs: FileState, base: Contexts): Promise<void> {
  const { y } = fs;
  const wfEnv = evalEnv(y, mapGet(y, y.root, "env"), base);
  for (const job of mapEntries(y, mapGet(y, y.root, "jobs"))) {
    if (!job.value || !isMap(job.value)) continue;
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
    const read = combos.length > 1 ? matrixKeysRead(y, job.value, mapGet(y, job.value, "strategy")) : "all";
    const done = new Map<string, Capture | null>();
    for (const raw of combos) {
      const ctx: Contexts = { ...base, env: wfEnv };
      const combo = raw ? evalMatrixStrings(raw, base) : undefined;
      const key = combo ? comboKey(combo, read) : null;
      const prev = key !== null ? done.get(key) : undefined;
      if (combo && prev && replay(fs, prev, combo)) continue;
      const before = mark(fs);
      if (combo) ctx.matrix = combo;
      const jobEnv = evalEnv(y, mapGet(y, job.value, "env"), ctx);
      await runSteps(fs, job.key, job.value, { ...ctx, env: jobEnv }, combo);
      if (fs.budget.steps <= 0) return;
      if (combo && key !== null && !done.has(key)) done.set(key, capture(fs, before, combo));
    }
  }
}
