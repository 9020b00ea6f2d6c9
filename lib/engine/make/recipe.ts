/**
 * The recipe lines `make TARGET` runs, in order: prerequisites first, each target once. Every target is
 * taken as out of date (a CI checkout is fresh), so every recipe on the way runs.
 */
import { words } from "./lines";
import type { MakeRule, Makefile } from "./model";
import type { MakeVars } from "./variables";

export interface RecipeLine {
  /** the target whose recipe this line belongs to */
  target: string;
  /** [start, end) in the Makefile text: tokenize `text.slice(start, end)` in make mode */
  start: number;
  end: number;
  /** the goal and the targets that led to this one, ending with it: its MakeScope.chain */
  chain: string[];
}

export interface RecipeOptions {
  /** expands target and prerequisite names that hold references, and `.DEFAULT_GOAL` */
  vars?: MakeVars;
  /** how deep prerequisites are followed (default 16) */
  maxDepth?: number;
  /** stop after this many lines (default 2000) */
  maxLines?: number;
}

/** Names as make reads them: references expanded when we can; names that stay unknown are dropped. */
function names(list: string[], vars: MakeVars | undefined): string[] {
  return list.flatMap((t) => {
    if (!t.includes("$")) return [t];
    const v = vars?.expand(t);
    return v === undefined || v.includes("${{") ? [] : words(v);
  });
}

function index(mk: Makefile, vars: MakeVars | undefined): Map<string, MakeRule[]> {
  const byTarget = new Map<string, MakeRule[]>();
  for (const r of mk.rules) {
    // Pattern rules (`%.o: %.c`) are not matched against goals.
    for (const t of names(r.targets, vars)) if (!t.includes("%")) byTarget.set(t, [...(byTarget.get(t) ?? []), r]);
  }
  return byTarget;
}

/** `.DEFAULT_GOAL` when set, else the first target of the first rule that is neither special nor a pattern. */
export function defaultGoal(mk: Makefile, vars?: MakeVars): string | undefined {
  const set = vars?.lookup(".DEFAULT_GOAL")?.trim();
  if (set && !set.includes("${{")) return set;
  for (const r of mk.rules) {
    for (const t of names(r.targets, vars)) if (!(t.startsWith(".") && !t.includes("/")) && !t.includes("%")) return t;
  }
  return undefined;
}

/**
 * The recipes a target's rules give. Make keeps the last recipe of a single-colon target; when the rules
 * with recipes sit in conditionals we cannot tell which one is last, so all of them are kept.
 */
function recipesOf(rules: MakeRule[]): MakeRule[] {
  const withRecipe = rules.filter((r) => r.recipe.length > 0);
  if (withRecipe.some((r) => r.doubleColon) || withRecipe.some((r) => r.conditional)) return withRecipe;
  return withRecipe.slice(-1);
}

export function recipeFor(mk: Makefile, target: string | undefined, opts: RecipeOptions = {}): RecipeLine[] {
  const goal = target ?? defaultGoal(mk, opts.vars);
  if (goal === undefined) return [];
  const maxDepth = opts.maxDepth ?? 16;
  const maxLines = opts.maxLines ?? 2000;
  const rules = index(mk, opts.vars);
  const seen = new Set<string>();
  const out: RecipeLine[] = [];
  const visit = (t: string, via: string[]) => {
    if (seen.has(t) || via.length >= maxDepth || out.length >= maxLines) return;
    seen.add(t);
    const mine = rules.get(t);
    // A name without a rule is a file in the repository (or made by a pattern rule we do not match).
    if (!mine) return;
    const chain = [...via, t];
    for (const r of mine) for (const p of names([...r.prereqs, ...r.orderOnly], opts.vars)) visit(p, chain);
    for (const r of recipesOf(mine)) {
      for (const line of r.recipe) {
        if (out.length >= maxLines) return;
        out.push({ target: t, start: line.start, end: line.end, chain });
      }
    }
  };
  visit(goal, []);
  return out;
}
