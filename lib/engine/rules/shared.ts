/** Helpers the rules share: which specs are registry caches, which builds push, how to name things. */
import { compareRefs, normalizedRef } from "../compare";
import type { Build, CacheSpec, Confidence, Consumer, Finding, Severity, Value } from "../types";

/** Key of a file in RuleContext.files. */
export function fileKey(repo: string | undefined, path: string): string {
  return repo ? `${repo}:${path}` : path;
}

/** A cache spec that writes/reads a registry ref (`type=registry`, or a bare ref). */
export function registryRef(spec: CacheSpec): Value | undefined {
  return spec.type === "registry" && spec.ref ? spec.ref : undefined;
}

function outputPushes(build: Build): boolean {
  return build.outputs.some((o) => /type=(registry|image)\b/.test(o) && /push=true/.test(o)) ||
    build.outputs.some((o) => /type=registry\b/.test(o));
}

/** True unless the build is known not to push (push: false and no pushing output). */
export function pushesImage(build: Build): boolean {
  return build.push === true || build.push === null || outputPushes(build);
}

/** True when the build pushes in every run: `push:` known true, or an output that pushes. */
export function surelyPushes(build: Build): boolean {
  return build.push === true || outputPushes(build);
}

/** Builds that run from the same step (or bake target) across matrix combinations share this key. */
export function stepKey(build: Build): string {
  // A template string, not [...].join: rules call this in their inner loops.
  return `${build.repo ?? ""}#${build.path}#${build.job}#${build.stepIndex ?? ""}#${build.bakeTarget ?? ""}`;
}

/**
 * The job a build runs in, as a path through reusable-workflow calls (caller jobs first, then the build's
 * own job). Composite actions, scripts and Makefiles run inside their caller's job, so they add nothing.
 */
function jobPath(build: Build): string[] {
  // Rules compare every pair of candidate builds: each build's path is made once (builds are not changed).
  let path = jobPaths.get(build);
  if (!path) {
    const calls = (build.via ?? []).filter((c) => c.kind === "reusable-workflow").map((c) => c.job);
    path = [...calls, build.job];
    jobPaths.set(build, path);
  }
  return path;
}

const jobPaths = new WeakMap<Build, string[]>();

/** True when both builds run in the same job of one workflow (reached through the same reusable-workflow calls). */
export function sameJob(a: Build, b: Build): boolean {
  return a.workflow === b.workflow && jobPath(a).join("\u0000") === jobPath(b).join("\u0000");
}

function sameStep(a: Build, b: Build): boolean {
  const via = (x: Build) => (x.via ?? []).map((c) => `${c.path}:${c.line}:${c.column}`).join(">");
  return a.path === b.path && a.stepIndex === b.stepIndex && via(a) === via(b);
}

function matrixText(m: Record<string, string> | undefined): string {
  if (!m) return "";
  // One combination's builds share its matrix object: its text is made once.
  let t = matrixTexts.get(m);
  if (t === undefined) {
    t = JSON.stringify(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    matrixTexts.set(m, t);
  }
  return t;
}

const matrixTexts = new WeakMap<Record<string, string>, string>();

/**
 * True when `a` is known to finish before `b` starts in every run: the same repository and workflow run,
 * and either the same job (and matrix combination) with `a` earlier in it, or `b`'s job waits for `a`'s
 * (`needs:`). Matrix combinations of one job, and jobs that do not wait for each other, run in parallel:
 * they are not ordered. Unknown order is never taken as ordered.
 */
export function runsBefore(a: Build, b: Build): boolean {
  if ((a.repo ?? "") !== (b.repo ?? "") || !a.workflow || a.workflow !== b.workflow) return false;
  const pa = jobPath(a);
  const pb = jobPath(b);
  // The first level where the two job paths part: two jobs of one workflow file (or one called workflow).
  let i = 0;
  while (i < pa.length && i < pb.length && pa[i] === pb[i]) i++;
  if (i === pa.length && i === pb.length) {
    // One bake step builds its targets side by side, whatever order they are listed in.
    if (a.bakeTarget !== undefined && b.bakeTarget !== undefined && sameStep(a, b)) return false;
    return matrixText(a.matrix) === matrixText(b.matrix) && typeof a.seq === "number" && typeof b.seq === "number" && a.seq < b.seq;
  }
  if (i === pa.length || i === pb.length) return false;
  // Models stored before run order was recorded carry no `needs`: then nothing is known to wait.
  return Array.isArray(b.needs) && b.needs.includes(pa[i]);
}

export function describeBuild(build: Build): string {
  const where = build.bakeTarget ? `bake target "${build.bakeTarget}" in ` : "";
  const step = build.stepName ? `step "${build.stepName}"` : build.stepIndex !== undefined ? `step ${build.stepIndex + 1}` : "a step";
  const repo = build.repo ? `${build.repo}: ` : "";
  return `${where}${step} of job "${build.job}" (${repo}${build.path})`;
}

export function describeConsumer(c: Consumer): string {
  const how: Record<Consumer["kind"], string> = {
    "docker-run": "docker run",
    "docker-pull": "docker pull",
    "docker-create": "docker create",
    "job-container": "job container",
    "service-container": "service container",
    "uses-docker": "uses: docker://",
    "dockerfile-from": "Dockerfile FROM",
    "imagetools-source": "docker buildx imagetools create source",
    crane: "crane source",
    skopeo: "skopeo source",
    regctl: "regctl image copy source",
    "acr-import": "az acr import --source",
  };
  const repo = c.repo ? `${c.repo}: ` : "";
  const job = c.job ? ` in job "${c.job}"` : "";
  return `${how[c.kind]}${job} at ${repo}${c.ref.span.path}:${c.ref.span.line}:${c.ref.span.column}`;
}

export function compareValues(a: Value, repoA: string | undefined, b: Value, repoB: string | undefined): Confidence | null {
  return compareRefs(a, b, { fileA: fileKey(repoA, a.span.path), fileB: fileKey(repoB, b.span.path) });
}

export function related(repo: string | undefined, v: Value, message: string): NonNullable<Finding["related"]>[number] {
  const r: NonNullable<Finding["related"]>[number] = { path: v.span.path, line: v.span.line, column: v.span.column, message };
  if (repo) r.repo = repo;
  return r;
}

/**
 * A finding of `rule` at `at`. `severity` defaults to the rule's; a rule whose object says "warning,
 * error when …" passes the raised one (the rule object keeps the severity most findings have).
 */
export function baseFinding(
  rule: { id: string; severity: Severity },
  repo: string | undefined,
  at: Value | CacheSpec,
  ref: string,
  confidence: Confidence,
  message: string,
  severity: Severity = rule.severity,
): Finding {
  const f: Finding = {
    ruleId: rule.id,
    severity,
    confidence,
    path: at.span.path,
    line: at.span.line,
    column: at.span.column,
    ref,
    message,
  };
  if (repo) f.repo = repo;
  return f;
}

/**
 * Which build (and so which matrix combination) a finding came from, so analyze() can merge the
 * copies matrix combinations produce without the rules having to know about it.
 */
export const findingBuild = new WeakMap<Finding, Build>();

/** The consumer a finding stands at (a pull of a cache-only ref), for its location key. */
export const findingConsumer = new WeakMap<Finding, Consumer>();

export { normalizedRef };
