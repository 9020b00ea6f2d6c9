/**
 * A finding's location key: where it stands, in words that do not move when lines do. It is part of
 * the fingerprint, so three `docker run` lines of one cache ref, or two builds sharing one gha scope,
 * stay three and two findings, while the same finding keeps its identity across edits above it.
 *
 * - A finding about a build: the calling chain (each call's kind, file, job and step id or target),
 *   the workflow, the job, the step (`id=<step id>`, else `n=<its place among the job's build steps>`,
 *   so inserting a `run: echo` step changes nothing), the build's place among the builds of that step
 *   (a script with two `docker buildx build` lines) and the bake target.
 * - A finding about a consumer: its kind, workflow, calling chain and job.
 * - Anything still shared by two findings of one rule, file and ref gets `#2`, `#3` … in source order.
 */
import type { Build, CallSite, Consumer, Finding } from "./types";

function viaKey(via: CallSite[] | undefined): string {
  if (!via) return "";
  let s = "";
  for (const c of via) s += `${c.kind}:${c.path}:${c.job}:${c.stepId !== undefined ? `id=${c.stepId}` : c.target}>`;
  return s;
}

/** The builds of one job run in one file: steps ordered by index, commands of one step by `seq`. */
function groupKey(b: Build): string {
  return `${b.repo ?? ""}\u0000${b.workflow}\u0000${viaKey(b.via)}\u0000${b.job}\u0000${b.path}`;
}

interface StepPlaces {
  /** distinct step indexes of the group's builds, ascending */
  steps: number[];
  /** per step index, the distinct `seq` values of its builds, ascending */
  seqs: Map<number, number[]>;
}

function insertSorted(list: number[], n: number): void {
  if (list.includes(n)) return;
  list.push(n);
  list.sort((a, b) => a - b);
}

/** Places of every build, computed once per rule run and only when a finding needs one. */
export class BuildPlaces {
  private groups: Map<string, StepPlaces> | null = null;
  constructor(private readonly builds: Build[]) {}

  private index(): Map<string, StepPlaces> {
    if (this.groups) return this.groups;
    const groups = new Map<string, StepPlaces>();
    for (const b of this.builds) {
      const k = groupKey(b);
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { steps: [], seqs: new Map() }));
      const step = b.stepIndex ?? -1;
      insertSorted(g.steps, step);
      let seqs = g.seqs.get(step);
      if (!seqs) g.seqs.set(step, (seqs = []));
      insertSorted(seqs, b.seq);
    }
    return (this.groups = groups);
  }

  keyOf(b: Build): string {
    const g = this.index().get(groupKey(b));
    const step = b.stepIndex ?? -1;
    const stepPart = b.stepId !== undefined ? `id=${b.stepId}` : `n=${g ? g.steps.indexOf(step) : 0}`;
    const seqs = g?.seqs.get(step);
    const sub = seqs && seqs.length > 1 ? `~${seqs.indexOf(b.seq)}` : "";
    const target = b.bakeTarget !== undefined ? `#${b.bakeTarget}` : "";
    return `build:${viaKey(b.via)}${b.workflow}:${b.job}:${stepPart}${sub}${target}`;
  }
}

export function consumerKey(c: Consumer): string {
  return `${c.kind}:${viaKey(c.via)}${c.workflow ?? c.path}:${c.job ?? ""}`;
}

/** What two findings must share to be one: everything the fingerprint hashes. */
export function identityText(f: Pick<Finding, "ruleId" | "repo" | "path" | "ref" | "key">): string {
  return `${f.ruleId}\u0000${f.repo ?? ""}\u0000${f.path}\u0000${f.ref}\u0000${f.key ?? ""}`;
}

/**
 * Number the findings that would still share an identity (same rule, file, ref and key: two pulls of
 * one ref in one job), in the order given (analyze() sorts by position first). The first keeps its key.
 */
export function numberCollisions(findings: Finding[]): void {
  const seen = new Map<string, number>();
  for (const f of findings) {
    const id = identityText(f);
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    if (n > 1) f.key = `${f.key ?? ""}#${n}`;
  }
}
