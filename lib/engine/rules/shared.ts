/** Helpers the rules share: which specs are registry caches, which builds push, how to name things. */
import { compareRefs, normalizedRef } from "../compare";
import type { Build, CacheSpec, Confidence, Consumer, Finding, Value } from "../types";

/** Key of a file in RuleContext.files. */
export function fileKey(repo: string | undefined, path: string): string {
  return repo ? `${repo}:${path}` : path;
}

/** A cache spec that writes/reads a registry ref (`type=registry`, or a bare ref). */
export function registryRef(spec: CacheSpec): Value | undefined {
  return spec.type === "registry" && spec.ref ? spec.ref : undefined;
}

/** True unless the build is known not to push (push: false and no pushing output). */
export function pushesImage(build: Build): boolean {
  if (build.push === true || build.push === null) return true;
  return build.outputs.some((o) => /type=(registry|image)\b/.test(o) && /push=true/.test(o)) ||
    build.outputs.some((o) => /type=registry\b/.test(o));
}

/** Builds that run from the same step (or bake target) across matrix combinations share this key. */
export function stepKey(build: Build): string {
  // A template string, not [...].join: rules call this in their inner loops.
  return `${build.repo ?? ""}#${build.path}#${build.job}#${build.stepIndex ?? ""}#${build.bakeTarget ?? ""}`;
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

export function baseFinding(
  rule: { id: string; severity: Finding["severity"] },
  repo: string | undefined,
  at: Value | CacheSpec,
  ref: string,
  confidence: Confidence,
  message: string,
): Finding {
  const f: Finding = {
    ruleId: rule.id,
    severity: rule.severity,
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

export { normalizedRef };
