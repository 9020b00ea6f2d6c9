/**
 * Extraction entry: workflow files in, the builds and image consumers they define out (RepoModel).
 * Never throws: every failure becomes an entry in `errors` or `warnings`.
 */
import { isMap } from "yaml";
import { joinPath } from "./bake";
import { CONFIG_PATH } from "./paths";
import type { InputFile, RepoModel } from "./types";
import { dockerfileConsumers, isDockerfilePath } from "./workflow/dockerfile";
import type { Contexts, ExprValue } from "./workflow/expr-bridge";
import { inertJobs, mayDefineBuilds } from "./workflow/inert";
import { extractJobs } from "./workflow/jobs";
import { onlyCalled } from "./workflow/calls";
import { lookupFile } from "./workflow/files";
import { auditUnseenBakeFiles } from "./workflow/unseen-bake";
import { isGitHubRepoName, newBudget, repoOwner, type FileState, type RepoState } from "./workflow/model";
import { deref, mapEntries, mapGet, nodeToJs, parseWorkflowYaml, scalarString, seqItems, type YamlDoc } from "./workflow/yaml-doc";

/** `.github/workflows/*.yml|yaml` (directly in that folder, as GitHub reads them). */
export function isWorkflowPath(path: string): boolean {
  return /^(?:\.\/)?\.github\/workflows\/[^/]+\.ya?ml$/i.test(path.includes("\\") ? path.replace(/\\/g, "/") : path);
}

function normalizePath(p: string): string {
  return joinPath(undefined, p.includes("\\") ? p.replace(/\\/g, "/") : p);
}

function onNode(y: YamlDoc): unknown {
  return mapGet(y, y.root, "on") ?? mapGet(y, y.root, "true");
}

/**
 * The branch every run of this workflow is on, when it runs only on pushes to one branch named
 * literally (`on: { push: { branches: [main] } }`): then `github.ref_name` is that branch. Any other
 * trigger, a glob, a second branch or a tag filter leaves it unknown.
 */
function onlyPushBranch(y: YamlDoc): string | null {
  const on = onNode(y);
  const triggers = mapEntries(y, on);
  if (triggers.length !== 1 || triggers[0].key !== "push") return null;
  const push = triggers[0].value;
  const keys = mapEntries(y, push).map((e) => e.key);
  if (keys.some((k) => k === "tags" || k === "tags-ignore" || k === "branches-ignore")) return null;
  const branches = seqItems(y, mapGet(y, push, "branches")).map((n) => scalarString(y, n));
  if (branches.length !== 1) return null;
  const b = branches[0];
  return b && !/[*?[\]!+\s]/.test(b) && !b.includes("${{") ? b : null;
}

/** Defaults of `on.workflow_call.inputs` and `on.workflow_dispatch.inputs` (call wins). */
function inputDefaults(y: YamlDoc): Record<string, ExprValue> {
  const out: Record<string, ExprValue> = {};
  for (const trigger of ["workflow_dispatch", "workflow_call"]) {
    for (const input of mapEntries(y, mapGet(y, mapGet(y, onNode(y), trigger), "inputs"))) {
      const d = mapGet(y, input.value, "default");
      if (!d) continue;
      const v = nodeToJs(y, d);
      if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[input.key] = v;
    }
  }
  return out;
}

function baseContexts(y: YamlDoc, repo: string | undefined): Contexts {
  const ctx: Contexts = {};
  const inputs = inputDefaults(y);
  if (Object.keys(inputs).length > 0) ctx.inputs = inputs;
  if (repo && isGitHubRepoName(repo)) ctx.github = { repository: repo, repository_owner: repoOwner(repo) };
  const branch = onlyPushBranch(y);
  if (branch !== null) ctx.github = { ...ctx.github, event_name: "push", ref_name: branch, ref: `refs/heads/${branch}` };
  return ctx;
}

async function extractFile(file: InputFile, rs: RepoState, calledOnly: boolean): Promise<void> {
  const parsed = parseWorkflowYaml(file.path, file.text);
  rs.warnings.push(...parsed.warnings);
  if (!parsed.ok) {
    rs.errors.push(...parsed.errors);
    return;
  }
  const y = parsed.yaml;
  rs.docs.set(file.path, y);
  const fs: FileState = {
    y,
    files: rs.files,
    builds: rs.builds,
    consumers: rs.consumers,
    errors: rs.errors,
    warnings: rs.warnings,
    budget: newBudget(),
    rs,
    workflow: file.path,
    via: [],
    jobPrefix: "",
    outerNeeds: [],
    ...(rs.repo ? { repo: rs.repo } : {}),
  };
  const name = scalarString(y, mapGet(y, y.root, "name"));
  if (name !== null) fs.workflowName = name;
  const events = workflowEvents(y);
  if (events.length > 0) fs.events = events;
  if (!isMap(deref(y, mapGet(y, y.root, "jobs")))) {
    rs.warnings.push({ path: file.path, message: "workflow has no `jobs:` mapping", line: 1, column: 1 });
    return;
  }
  // A workflow only other workflows call is analysed once per caller, with the caller's inputs.
  if (calledOnly && onlyCalled(y)) return;
  if (!mayDefineBuilds(file.text, rs.repo)) {
    inertJobs(fs);
    return;
  }
  await extractJobs(fs, baseContexts(y, rs.repo));
}

/** The events of a workflow's `on:` (a name, a list of names, or a mapping keyed by them). */
export function workflowEvents(y: YamlDoc): string[] {
  const on = mapGet(y, y.root, "on") ?? mapGet(y, y.root, "true");
  const one = scalarString(y, on);
  if (one !== null) return [one];
  const seq = seqItems(y, on);
  if (seq.length > 0) return seq.map((n) => scalarString(y, n)).filter((x): x is string => x !== null);
  return mapEntries(y, on).map((e) => e.key);
}

/** Local reusable workflows some workflow of the repository calls (`jobs.<id>.uses: ./.github/workflows/x.yml`). */
function calledWorkflows(files: InputFile[]): Set<string> {
  const out = new Set<string>();
  for (const f of files) {
    if (!isWorkflowPath(f.path) || !/uses:\s*["']?\.\/\.github\/workflows\//.test(f.text)) continue;
    for (const m of f.text.matchAll(/uses:\s*["']?\.\/(\.github\/workflows\/[^\s"'#]+)/g)) out.add(normalizePath(m[1]));
  }
  return out;
}

export interface ExtractOptions {
  repo?: string;
  /**
   * Engine paths already looked for and not found (value: why, "" for "does not exist"). A lookup of any
   * other file that was not given is recorded in `wanted`. Without it, every file not given is missing:
   * the files given are the whole checkout.
   */
  missing?: Map<string, string>;
}

export async function extractRepo(files: InputFile[], opts: ExtractOptions = {}): Promise<RepoModel> {
  const repo = opts.repo ?? files.find((f) => f.repo)?.repo;
  const model: RepoModel = { builds: [], consumers: [], errors: [], warnings: [], wanted: [], ...(repo ? { repo } : {}) };
  const byPath = new Map<string, InputFile>();
  for (const f of files) byPath.set(normalizePath(f.path), f);
  const rs: RepoState = {
    files: byPath,
    missing: opts.missing ?? new MissingEverything(byPath),
    wanted: new Map(),
    docs: new Map(),
    builds: model.builds,
    consumers: model.consumers,
    errors: model.errors,
    warnings: model.warnings,
    said: new Set(),
    bakeRead: new Set(),
    ...(repo ? { repo } : {}),
  };
  // the repository's ignores (read by discovery like any other file the analysis needs)
  lookupFile(rs, CONFIG_PATH, { optional: true });
  const called = calledWorkflows(files);
  for (const f of files) {
    if (isDockerfilePath(f.path) && typeof f.text === "string") {
      try {
        model.consumers.push(...dockerfileConsumers(normalizePath(f.path), f.text, repo));
      } catch (err) {
        model.errors.push({ path: f.path, message: `could not read this Dockerfile: ${err instanceof Error ? err.message : String(err)}` });
      }
      continue;
    }
    if (!isWorkflowPath(f.path)) continue;
    try {
      if (typeof f.text !== "string") {
        model.errors.push({ path: f.path, message: "file has no text" });
        continue;
      }
      const path = normalizePath(f.path);
      await extractFile({ ...f, path }, rs, called.has(path));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      model.errors.push({ path: f.path, message: `could not analyse this workflow: ${message}` });
    }
  }
  await auditUnseenBakeFiles(rs);
  model.wanted = [...rs.wanted.values()];
  return model;
}

/** "Every file not given is missing": a Map view that answers for any path (reason: does not exist). */
class MissingEverything extends Map<string, string> {
  constructor(private readonly given: Map<string, InputFile>) {
    super();
  }
  override has(key: string): boolean {
    return !this.given.has(key);
  }
  override get(key: string): string | undefined {
    return this.given.has(key) ? undefined : "";
  }
}
