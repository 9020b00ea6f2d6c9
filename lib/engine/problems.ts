/**
 * Problems: the findings that describe one broken ref in one place, as one thing to fix.
 *
 * A workflow that exports its cache to its own image tag gives a writer finding at the `cache-to`, a
 * registry finding where the workflow pushes (or pulls) the tag that now holds the cache, and perhaps
 * a consumer finding where a job runs it: three findings, one broken tag. Grouping is union-find:
 *
 * - findings of the ref family (writers, consumers, the registry rule) at the same repository + file
 *   on the same normalized ref are one problem;
 * - a registry finding with no writer or consumer of its exact ref in its file joins the first writer
 *   or consumer there of the same image repository (a matrix build whose one finding names `:cpu` also
 *   writes `:gpu`);
 * - a consumer (a cache-only ref run as an image) joins the writer of its ref elsewhere when exactly one
 *   repository writes it;
 * - the findings of one shared GitHub Actions cache scope in one repository are one problem;
 * - every other finding is a problem of its own.
 *
 * Pure: plain data in (the stored findings, what the registry holds at a ref), plain data out.
 */
import { normalizeImageRef } from "./refs";
import { rules } from "./rules/index";
import type { Severity } from "./types";

/** What grouping needs of a finding (as stored: `repo` is the repository's name). */
export interface ProblemFinding {
  id: number;
  ruleId: string;
  severity: string;
  confidence: string;
  /** the repository's name; null for a registry tag no repository uses */
  repo: string | null;
  path: string;
  line: number;
  ref: string;
  fingerprint: string;
  related?: ReadonlyArray<{ repo?: string; path: string; line: number; message: string }>;
}

/** What the registry holds at a tag, as the scan classified it. */
export interface RegistryState {
  kind: string;
  digest: string;
}

/** 0 confirmed, 1 likely, 2 possible, 3 warnings only, 4 notes only: the report sorts by it. */
export type ProblemRank = 0 | 1 | 2 | 3 | 4;

export const RANK_LABELS: Record<ProblemRank, string> = { 0: "confirmed", 1: "likely", 2: "possible", 3: "warning", 4: "note" };

export interface GroupedProblem {
  /** stable across scans: what "opened" and "fixed" are counted by */
  key: string;
  /** every finding of the problem, the primary first */
  findingIds: number[];
  primaryId: number;
  repo: string | null;
  path: string;
  ref: string;
  ruleId: string;
  title: string;
  severity: Severity;
  rank: ProblemRank;
  /** why it has that rank, in a few words */
  why: string;
}

const WRITERS = new Set(["cache-overwrites-image-tag", "cache-overwrites-other-image", "cache-ref-implicit-latest", "cache-overwritten-by-image"]);
const CONSUMER = "cache-ref-used-as-image";
const REGISTRY = "registry-tag-holds-cache";
const SHARED_SCOPE = "gha-cache-scope-shared";
const PULLED = /^pulled as an image \(([^)]+)\)/;
const IMAGE_KINDS = new Set(["image", "index"]);
const CACHE_KINDS = new Set(["cache", "cache-index"]);

type Role = "writer" | "consumer" | "registry" | "scope" | "other";

export function roleOf(ruleId: string): Role {
  if (WRITERS.has(ruleId)) return "writer";
  if (ruleId === CONSUMER) return "consumer";
  if (ruleId === REGISTRY) return "registry";
  if (ruleId === SHARED_SCOPE) return "scope";
  return "other";
}

const isFamily = (role: Role) => role === "writer" || role === "consumer" || role === "registry";

/** The ref as Docker names it (registry, `library/`, `:latest`), or the text itself when it is no image ref. */
export function problemRef(ref: string): string {
  return normalizeImageRef(ref)?.canonical ?? ref.trim();
}

function imageRepository(ref: string): string | null {
  const r = normalizeImageRef(ref);
  return r && r.registry ? `${r.registry}/${r.repository}` : null;
}

const SEVERITY_ORDER: Record<string, number> = { error: 0, warning: 1, note: 2 };
const CONFIDENCE_ORDER: Record<string, number> = { high: 0, medium: 1, low: 2 };
const ROLE_ORDER: Record<Role, number> = { writer: 0, consumer: 1, registry: 2, scope: 3, other: 4 };
const sev = (s: string) => SEVERITY_ORDER[s] ?? 3;
const conf = (c: string) => CONFIDENCE_ORDER[c] ?? 3;

/** Order inside a problem: the writer (the fix is there) first, then consumers, then registry evidence. */
export function compareForPrimary(a: ProblemFinding, b: ProblemFinding): number {
  return ROLE_ORDER[roleOf(a.ruleId)] - ROLE_ORDER[roleOf(b.ruleId)] || sev(a.severity) - sev(b.severity) || conf(a.confidence) - conf(b.confidence) ||
    problemRef(a.ref).localeCompare(problemRef(b.ref)) || (a.repo ?? "").localeCompare(b.repo ?? "") || a.path.localeCompare(b.path) || a.line - b.line || a.id - b.id;
}

/** The finding a problem shows its code view and fix of: the first in primary order. */
export function primaryOf<T extends ProblemFinding>(findings: readonly T[]): T | undefined {
  return [...findings].sort(compareForPrimary)[0];
}

/** Consumers a problem's findings name: the consumer findings, and the pulls writer findings list. */
export function consumersOf(findings: readonly ProblemFinding[]): Array<{ repo: string | null; path: string; line: number; kind: string }> {
  const out = new Map<string, { repo: string | null; path: string; line: number; kind: string }>();
  for (const f of findings) {
    if (roleOf(f.ruleId) === "consumer") out.set(`${f.repo}\0${f.path}\0${f.line}`, { repo: f.repo, path: f.path, line: f.line, kind: "pulled as an image" });
    for (const r of f.related ?? []) {
      const m = PULLED.exec(r.message);
      if (m) out.set(`${r.repo ?? f.repo}\0${r.path}\0${r.line}`, { repo: r.repo ?? f.repo, path: r.path, line: r.line, kind: m[1] });
    }
  }
  return [...out.values()].sort((a, b) => (a.repo ?? "").localeCompare(b.repo ?? "") || a.path.localeCompare(b.path) || a.line - b.line);
}

class UnionFind {
  private readonly parent: number[];
  constructor(n: number) {
    this.parent = Array.from({ length: n }, (_, i) => i);
  }
  find(i: number): number {
    while (this.parent[i] !== i) {
      this.parent[i] = this.parent[this.parent[i]];
      i = this.parent[i];
    }
    return i;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    // the smaller index stays the root, so components do not depend on the order of unions
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

const TITLES = new Map(rules.map((r) => [r.id, r.title]));

/** Group findings into problems, each with its rank and why. `registry` says what a (normalized) ref holds. */
export function groupProblems(input: readonly ProblemFinding[], registry: (ref: string) => RegistryState | undefined = () => undefined): GroupedProblem[] {
  // a stable order first: the same findings group the same way whatever order they come in
  const fs = [...input].sort((a, b) => compareForPrimary(a, b));
  const uf = new UnionFind(fs.length);
  const place = (f: ProblemFinding) => `${f.repo ?? ""}\0${f.path}`;
  // image refs as Docker names them; other refs (a gha cache scope) as they are
  const refs = fs.map((f) => (isFamily(roleOf(f.ruleId)) ? problemRef(f.ref) : f.ref.trim()));

  const byPlaceRef = new Map<string, number[]>();
  const actorsByPlace = new Map<string, number[]>();
  const writersByRef = new Map<string, number[]>();
  const scopes = new Map<string, number[]>();
  fs.forEach((f, i) => {
    const role = roleOf(f.ruleId);
    if (role === "writer" || role === "consumer" || role === "registry") push(byPlaceRef, `${place(f)}\0${refs[i]}`, i);
    if (role === "writer" || role === "consumer") push(actorsByPlace, place(f), i);
    if (role === "writer") push(writersByRef, refs[i], i);
    if (role === "scope") push(scopes, `${f.repo ?? ""}\0${refs[i]}`, i);
  });
  for (const list of [...byPlaceRef.values(), ...scopes.values()]) for (const i of list.slice(1)) uf.union(list[0], i);

  fs.forEach((f, i) => {
    const role = roleOf(f.ruleId);
    if (role === "registry") {
      const same = byPlaceRef.get(`${place(f)}\0${refs[i]}`) ?? [];
      if (same.some((j) => roleOf(fs[j].ruleId) !== "registry")) return;
      const repository = imageRepository(refs[i]);
      if (!repository) return;
      // the first writer or consumer of the same image repository in this file, never several: two
      // tags both overwritten in one file stay two problems
      const actor = (actorsByPlace.get(place(f)) ?? []).find((j) => imageRepository(refs[j]) === repository);
      if (actor !== undefined) uf.union(i, actor);
    } else if (role === "consumer") {
      const writers = writersByRef.get(refs[i]) ?? [];
      if (writers.length > 0 && new Set(writers.map((j) => fs[j].repo)).size === 1) uf.union(i, writers[0]);
    }
  });

  const components = new Map<number, number[]>();
  fs.forEach((_, i) => push(components, uf.find(i), i));
  const out: GroupedProblem[] = [];
  for (const members of components.values()) {
    const group = members.map((i) => fs[i]).sort(compareForPrimary);
    const primary = group[0];
    const role = roleOf(primary.ruleId);
    const family = isFamily(role);
    const ref = family ? problemRef(primary.ref) : primary.ref.trim();
    const key = family ? `ref:${primary.repo ?? ""}|${primary.path}|${ref}` : role === "scope" ? `scope:${primary.repo ?? ""}|${ref}` : `${primary.ruleId}|${primary.fingerprint}`;
    const severity = group.reduce<Severity>((s, f) => (sev(f.severity) < sev(s) ? (f.severity as Severity) : s), "note");
    const { rank, why } = rankOf(group, severity, registry);
    out.push({
      key, findingIds: group.map((f) => f.id), primaryId: primary.id, repo: primary.repo, path: primary.path, ref,
      ruleId: primary.ruleId, title: TITLES.get(primary.ruleId) ?? primary.ruleId, severity, rank, why,
    });
  }
  out.sort((a, b) => a.rank - b.rank || sev(a.severity) - sev(b.severity) || (a.repo ?? "").localeCompare(b.repo ?? "") || a.ref.localeCompare(b.ref) || a.key.localeCompare(b.key));
  // keys are unique per org; two problems that would share one (never seen, but cheap to rule out) are numbered
  const seen = new Map<string, number>();
  for (const p of out) {
    const n = (seen.get(p.key) ?? 0) + 1;
    seen.set(p.key, n);
    if (n > 1) p.key = `${p.key}#${n}`;
  }
  return out;
}

const short = (digest: string) => `${digest.slice(0, 19)}…`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Rank by evidence: what the registry and the consumers show, then how sure the workflow analysis is. */
export function rankOf(group: readonly ProblemFinding[], severity: Severity, registry: (ref: string) => RegistryState | undefined): { rank: ProblemRank; why: string } {
  if (severity === "warning" || severity === "note") {
    const cached = group.find((f) => roleOf(f.ruleId) === "registry");
    const state = cached ? registry(problemRef(cached.ref)) : undefined;
    const held = state && CACHE_KINDS.has(state.kind) ? `: the registry holds a cache there (${state.kind}, ${short(state.digest)}) but no workflow uses the tag` : "";
    return severity === "warning" ? { rank: 3, why: `warnings only${held}` } : { rank: 4, why: "notes only" };
  }
  const errors = group.filter((f) => f.severity === "error");
  const sure = errors.some((f) => f.confidence === "high" || f.confidence === "medium");
  const consumers = consumersOf(group);
  const held = group.filter((f) => roleOf(f.ruleId) === "registry" && f.severity === "error")
    .map((f) => ({ ref: problemRef(f.ref), state: registry(problemRef(f.ref)) }));
  const confirmed: string[] = [];
  if (held.length > 0) {
    const shown = held.map((h) => (h.state ? `${h.ref} (${h.state.kind}, ${short(h.state.digest)})` : h.ref));
    confirmed.push(`the registry holds a cache at ${shown.join(", ")}`);
  }
  if (consumers.length > 0 && sure) confirmed.push(`${plural(consumers.length, "place")} ${consumers.length === 1 ? "pulls" : "pull"} it as an image`);
  if (confirmed.length > 0) return { rank: 0, why: `confirmed: ${confirmed.join("; ")}` };
  const ref = problemRef(group[0].ref);
  const state = registry(ref);
  if (state && IMAGE_KINDS.has(state.kind)) return { rank: 2, why: `possible: the registry shows an image at ${ref} (${state.kind}, ${short(state.digest)}) and nothing pulls it` };
  if (!sure) {
    const pulls = consumers.length > 0 ? `; ${plural(consumers.length, "place")} ${consumers.length === 1 ? "pulls" : "pull"} the ref` : " and nothing pulls it";
    return { rank: 2, why: `possible: low confidence (the refs may differ at run time)${pulls}` };
  }
  return { rank: 1, why: "likely: an error the analysis is sure of, with no registry or consumer evidence yet" };
}
