/**
 * The deterministic plan of a synthetic org: which archetype each repo has, which repos are
 * archived, forks or empty, and which collisions exist. Pure: seed in, plan out.
 */
import { COLLISION_ARCHETYPES, type Archetype, type CollisionArchetype, DOCKER_ARCHETYPES } from "./generate-org-workflows";

/** mulberry32: small, fast, good enough for fixtures; the same seed gives the same stream everywhere. */
export function createRng(seed: number | string): { next: () => number; pick: (n: number) => number } {
  let a = typeof seed === "number" ? seed >>> 0 : fnv1a(seed);
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: (n: number) => Math.floor(next() * n) };
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export interface RepoPlan {
  name: string;
  archetype: Archetype;
  archived: boolean;
  fork: boolean;
  empty: boolean;
  private: boolean;
  /** cache-overwrites-other-image: the repo whose image this one's cache export overwrites */
  target?: string;
}

/** Share of repos per clean archetype; each collision kind gets COLLISION_SHARE. The rest are `node`. */
const WEIGHTS: Array<[Archetype, number]> = [
  ["python", 0.2], ["go", 0.08], ["docs", 0.05], ["bare", 0.07],
  ["bpa-registry", 0.06], ["metadata", 0.05], ["matrix", 0.02], ["gha", 0.03], ["run-buildx", 0.02], ["bake", 0.02],
];
export const COLLISION_SHARE = 0.02;
const ARCHIVED_SHARE = 0.03;
const FORK_SHARE = 0.02;
const EMPTY_SHARE = 0.01;

/** Repos of each collision kind in an org of `repos` repos (a few percent; at least one from 25 repos). */
export function collisionCount(repos: number): number {
  return Math.max(repos >= 25 ? 1 : 0, Math.round(repos * COLLISION_SHARE));
}

const PREFIXES = ["api", "web", "billing", "auth", "search", "payments", "ledger", "catalog", "inventory", "notify",
  "gateway", "analytics", "reports", "identity", "orders", "checkout", "shipping", "pricing", "media", "ingest",
  "stream", "scheduler", "config", "audit", "feature", "profile", "session", "mailer", "export", "geo"];
const SUFFIXES = ["service", "ui", "worker", "lib", "sdk", "cli", "infra", "tools", "jobs", "proxy", "bot", "docs", "app", "core"];

function shuffle<T>(items: T[], pick: (n: number) => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = pick(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

export function planOrg(repos: number, seed: number | string): RepoPlan[] {
  const rng = createRng(seed);
  const kinds: Archetype[] = [];
  for (const c of COLLISION_ARCHETYPES) for (let i = 0; i < collisionCount(repos); i++) kinds.push(c);
  for (const [a, w] of WEIGHTS) for (let i = 0; i < Math.floor(repos * w) && kinds.length < repos; i++) kinds.push(a);
  while (kinds.length < repos) kinds.push("node");
  kinds.length = repos;
  shuffle(kinds, rng.pick);

  const used = new Map<string, number>();
  const plans: RepoPlan[] = kinds.map((archetype) => {
    const base = `${PREFIXES[rng.pick(PREFIXES.length)]}-${SUFFIXES[rng.pick(SUFFIXES.length)]}`;
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return { name: n === 1 ? base : `${base}-${n}`, archetype, archived: false, fork: false, empty: false, private: rng.next() < 0.2 };
  });

  // Archived, fork and empty repos come from the language-only repos, so the scan's skips never hide
  // a planned collision and every package belongs to a repo the scan reads.
  const plain = shuffle(plans.filter((p) => !DOCKER_ARCHETYPES.has(p.archetype)), rng.pick);
  let k = 0;
  for (let i = 0; i < Math.round(repos * ARCHIVED_SHARE) && k < plain.length; i++) plain[k++].archived = true;
  for (let i = 0; i < Math.round(repos * FORK_SHARE) && k < plain.length; i++) plain[k++].fork = true;
  for (let i = 0; i < Math.round(repos * EMPTY_SHARE) && k < plain.length; i++) plain[k++].empty = true;

  const targets = plans.filter((p) => p.archetype === "bpa-registry");
  for (const p of plans.filter((x) => x.archetype === "cache-overwrites-other-image")) {
    if (targets.length > 0) p.target = targets[rng.pick(targets.length)].name;
    else p.archetype = "cache-overwrites-image-tag"; // a tiny org has nobody else's image to overwrite
  }
  return plans;
}

/** Repos the default scan reads (not archived, not forks, not empty). */
export function isScanned(p: RepoPlan): boolean {
  return !p.archived && !p.fork && !p.empty;
}

/** The repos on which each workflow rule should report, from the plan alone. */
export function expectedFindings(plans: RepoPlan[]): Record<CollisionArchetype, string[]> {
  const out = Object.fromEntries(COLLISION_ARCHETYPES.map((c) => [c, [] as string[]])) as Record<CollisionArchetype, string[]>;
  for (const p of plans) {
    if (isScanned(p) && (COLLISION_ARCHETYPES as readonly string[]).includes(p.archetype)) out[p.archetype as CollisionArchetype].push(p.name);
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}
