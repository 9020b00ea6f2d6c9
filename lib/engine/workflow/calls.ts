/**
 * Following a run into the files it calls: composite actions (`uses: ./path`, `uses: ORG/repo/path@ref`
 * of the same organization) expanded in place with their inputs bound, and reusable workflows
 * (`jobs.<id>.uses:`) analysed once per caller with that caller's `with:`.
 */
import { joinPath } from "../bake";
import { foreignPath, parseForeignPath } from "../paths";
import type { CallSite, Span } from "../types";
import { evaluate, type Alternative, type Contexts, type ExprValue } from "./expr-bridge";
import { lookupFile } from "./files";
import { comboStrings } from "./matrix";
import { extractJobs, imageConsumer, runStepList, type StepScope } from "./jobs";
import { repoOwner, type FileState, type StepState } from "./model";
import { nodeSpan } from "./values";
import { mapEntries, mapGet, nodeToJs, parseWorkflowYaml, scalarInfo, scalarString, seqItems, type YamlDoc } from "./yaml-doc";

/** Composite actions calling composite actions: deeper than this is a loop or a mistake. */
export const MAX_CALL_DEPTH = 8;

const REMOTE_RE = /^([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9._-]+)((?:\/[^@\s]+)?)@([^\s@]+)$/;
const GIT_REF_RE = /^(?!.*\.\.)(?!\/)[A-Za-z0-9._\/-]+$/;

/**
 * The folder (engine path) a `uses:` names, when cacheguard can read it: `./path` in the repository, or
 * a path in another repository of the same owner at a ref. Public actions of other owners are never read.
 */
export function calledLocation(uses: string, repo: string | undefined): string | null {
  const u = uses.trim();
  if (u.startsWith("./")) return joinPath(undefined, u);
  if (!repo) return null;
  const owner = repoOwner(repo);
  // REMOTE_RE's owner is what comes before the first `/`: most steps use other owners' actions, skip them here.
  const slash = u.indexOf("/");
  if (slash < 0 || u.slice(0, slash).toLowerCase() !== owner.toLowerCase()) return null;
  const m = REMOTE_RE.exec(u);
  if (!m) return null;
  if (m[1].toLowerCase() !== owner.toLowerCase() || !GIT_REF_RE.test(m[4])) return null;
  return foreignPath(`${owner}/${m[2]}`, m[4], joinPath(undefined, m[3]));
}

function parsedDoc(fs: FileState, path: string): YamlDoc | null {
  const memo = fs.rs.docs.get(path) as YamlDoc | null | undefined;
  if (memo !== undefined) return memo;
  const file = fs.rs.files.get(path);
  if (!file) return null;
  const parsed = parseWorkflowYaml(path, file.text);
  const y = parsed.ok ? parsed.yaml : null;
  if (!parsed.ok) fs.rs.errors.push(...parsed.errors);
  fs.rs.docs.set(path, y);
  return y;
}

export function callSite(fs: FileState, kind: CallSite["kind"], job: string, at: Span, target: string, st?: StepState): CallSite {
  const site: CallSite = { kind, path: fs.y.path, line: at.line, column: at.column, job, target };
  if (st) {
    site.stepIndex = st.stepIndex;
    if (st.stepName) site.stepName = st.stepName;
    if (st.stepId) site.stepId = st.stepId;
  }
  return site;
}

export function tooDeep(fs: FileState, at: Span, what: string): boolean {
  if (fs.via.length < MAX_CALL_DEPTH) return false;
  fs.warnings.push({ path: fs.y.path, line: at.line, column: at.column, message: `${what} is nested more than ${MAX_CALL_DEPTH} calls deep; not followed` });
  return true;
}

/** One text for a `with:` value, or a token that stands for this call's value alone. */
function inputText(alts: Alternative[], site: CallSite, key: string): string {
  if (alts.length === 1 && !alts[0].speculative) return alts[0].text;
  return `\${{ with(${site.path}:${site.line}).${key.toLowerCase()} }}`;
}

/**
 * `inputs` for a call: the caller's `with:` values evaluated where it stands, then the callee's
 * defaults (evaluated in the callee's context), then "" as GitHub gives for an input nobody set.
 */
function bindInputs(fs: FileState, callee: YamlDoc, inputsNode: unknown, withNode: unknown, callerCtx: Contexts, calleeCtx: Contexts, site: CallSite): Record<string, ExprValue> {
  const given = new Map<string, string>();
  for (const e of mapEntries(fs.y, withNode)) {
    const info = scalarInfo(fs.y, e.value);
    if (info) given.set(e.key.toLowerCase(), inputText(evaluate(info.value, callerCtx), site, e.key));
  }
  const out: Record<string, ExprValue> = {};
  for (const input of mapEntries(callee, inputsNode)) {
    const k = input.key.toLowerCase();
    const mine = given.get(k);
    if (mine !== undefined) {
      out[input.key] = mine;
      continue;
    }
    const d = mapGet(callee, input.value, "default");
    const v = d ? nodeToJs(callee, d) : "";
    if (typeof v === "string" && v.includes("${{")) {
      const alts = evaluate(v, calleeCtx);
      out[input.key] = alts.length === 1 && !alts[0].speculative ? alts[0].text : v;
    } else if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[input.key] = v;
  }
  // Inputs the callee does not declare still reach `inputs.*` in composite actions.
  for (const [k, v] of given) if (!Object.keys(out).some((o) => o.toLowerCase() === k)) out[k] = v;
  return out;
}

/** The action file of a folder: action.yml, else action.yaml; undefined while discovery reads them. */
function actionFile(fs: FileState, dir: string, uses: string, at: Span): string | null | undefined {
  const yml = joinPath(dir, "action.yml");
  const yaml = joinPath(dir, "action.yaml");
  const a = lookupFile(fs.rs, yml, { optional: true });
  if (a.file) return yml;
  const b = lookupFile(fs.rs, yaml, { optional: true });
  if (b.file) return yaml;
  if (a.missing && b.missing) {
    const why = a.reason ? `could not be read (${a.reason})` : "has no action.yml or action.yaml";
    fs.warnings.push({ path: fs.y.path, line: at.line, column: at.column, message: `action ${uses} ${why}; what it runs was not analysed` });
    return null;
  }
  return undefined;
}

/** A step `uses:` an action of this repository or organization: expand its steps in place. */
export async function compositeStep(fs: FileState, st: StepState, uses: string, withNode: unknown, stepId: string | null, scope: StepScope): Promise<void> {
  const dir = calledLocation(uses, fs.repo);
  if (dir === null || dir === "" || tooDeep(fs, st.span, `action ${uses}`)) return;
  const path = actionFile(fs, dir, uses, st.span);
  if (!path) return;
  const y = parsedDoc(fs, path);
  if (!y) return;
  const runs = mapGet(y, y.root, "runs");
  const using = (scalarString(y, mapGet(y, runs, "using")) ?? "").toLowerCase();
  const site = callSite(fs, "composite-action", st.job, st.span, uses, st);
  const child: FileState = { ...fs, y, via: [...fs.via, site] };
  if (using === "docker") {
    // `runs.image: docker://…` is pulled and run as an image on every use of the action.
    const image = mapGet(y, runs, "image");
    if (/^\s*docker:\/\//i.test(scalarString(y, image) ?? "")) imageConsumer(child, image, "uses-docker", scope, st);
    return;
  }
  if (using !== "composite") return;
  const foreign = parseForeignPath(dir);
  const github = { ...(st.ctx.github ?? {}), action_path: dir, ...(foreign ? { action_repository: foreign.repo, action_ref: foreign.ref } : {}) };
  const inner: Contexts = { github, ...(st.ctx.env ? { env: st.ctx.env } : {}), steps: {} };
  inner.inputs = bindInputs(fs, y, mapGet(y, y.root, "inputs"), withNode, st.ctx, inner, site);
  const steps = await runStepList(child, seqItems(y, mapGet(y, runs, "steps")), { ...scope, ctx: inner, meta: new Map(), defaultsDir: undefined });
  if (!stepId) return;
  // The action's `outputs.<name>.value` become `steps.<id>.outputs.<name>` for the caller.
  const outputs: Record<string, Alternative[]> = {};
  const after: Contexts = { ...inner, steps: steps ?? {} };
  for (const o of mapEntries(y, mapGet(y, y.root, "outputs"))) {
    const v = scalarString(y, mapGet(y, o.value, "value"));
    if (v !== null) outputs[o.key] = evaluate(v, after);
  }
  st.ctx.steps = { ...(st.ctx.steps ?? {}), [stepId]: { outputs } };
}

/** True when the workflow runs only when another workflow calls it. */
export function onlyCalled(y: YamlDoc): boolean {
  const on = mapGet(y, y.root, "on") ?? mapGet(y, y.root, "true");
  const one = scalarString(y, on);
  if (one !== null) return one === "workflow_call";
  const seq = seqItems(y, on);
  if (seq.length > 0) return seq.every((n) => scalarString(y, n) === "workflow_call");
  const keys = mapEntries(y, on).map((e) => e.key);
  return keys.length > 0 && keys.every((k) => k === "workflow_call");
}

/** A job calls a reusable workflow: analyse the callee's jobs with this caller's `with:`. */
export async function reusableJob(
  fs: FileState, jobId: string, jobNode: unknown, uses: string, ctx: Contexts, matrix: Record<string, ExprValue> | undefined, needs: string[],
): Promise<void> {
  const usesNode = mapGet(fs.y, jobNode, "uses");
  const at = nodeSpan(fs.y, usesNode);
  const path = calledLocation(uses, fs.repo);
  if (path === null || !/\.ya?ml$/i.test(path) || tooDeep(fs, at, `reusable workflow ${uses}`)) return;
  const found = lookupFile(fs.rs, path, { what: "reusable workflow", from: fs.y.path, at });
  if (!found.file) return;
  const y = parsedDoc(fs, path);
  if (!y) return;
  const site = callSite(fs, "reusable-workflow", jobId, at, uses);
  const child: FileState = { ...fs, y, via: [...fs.via, site], jobPrefix: `${jobId}/`, outerNeeds: needs };
  if (matrix) child.outerMatrix = { ...(fs.outerMatrix ?? {}), ...comboStrings(matrix) };
  const name = scalarString(y, mapGet(y, y.root, "name"));
  if (name !== null) child.workflowName = name;
  else delete child.workflowName;
  // The callee sees the caller's github context (event, ref); env does not cross the call.
  const base: Contexts = { ...(ctx.github ? { github: ctx.github } : {}) };
  const call = mapGet(y, mapGet(y, y.root, "on") ?? mapGet(y, y.root, "true"), "workflow_call");
  base.inputs = bindInputs(fs, y, mapGet(y, call, "inputs"), mapGet(fs.y, jobNode, "with"), ctx, base, site);
  await extractJobs(child, base);
}
