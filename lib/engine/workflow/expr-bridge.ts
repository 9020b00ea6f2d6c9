/**
 * The one place workflow extraction reaches into the expression engine (lib/engine/expr), so the
 * workflow code depends on two functions only.
 */
import { computeMetadataOutputs, evaluateTemplate, type Alternative, type Contexts } from "../expr";

export type { Alternative, Contexts, ExprValue } from "../expr";

/**
 * A copy of `ctx` with some contexts replaced. Every copy has the same six keys in one order (an absent
 * context is undefined, which no lookup tells apart from a missing key): spreading differently shaped
 * contexts, once per step and matrix combination, was a measurable part of extraction.
 */
export function contextsWith(ctx: Contexts, patch: Pick<Contexts, "env" | "matrix" | "steps">): Contexts {
  return {
    env: "env" in patch ? patch.env : ctx.env,
    matrix: "matrix" in patch ? patch.matrix : ctx.matrix,
    inputs: ctx.inputs,
    github: ctx.github,
    steps: "steps" in patch ? patch.steps : ctx.steps,
    vars: ctx.vars,
  };
}

/** Alternatives past this many are dropped by the expression engine (it caps them itself). */
const MAX_ALTERNATIVES = 16;

/** Evaluate every `${{ }}` in a template; unknown expressions become normalized opaque tokens. */
export function evaluate(template: string, ctx: Contexts): Alternative[] {
  if (!template.includes("${{")) return [{ text: template, resolved: true, speculative: false }];
  try {
    // evaluateTemplate already marks text still holding tokens (e.g. substituted from env) unresolved.
    return evaluateTemplate(template, ctx, { maxAlternatives: MAX_ALTERNATIVES });
  } catch {
    return [{ text: template, resolved: false, speculative: false }];
  }
}

/** docker/metadata-action outputs (one Alternative per tag) for one step. */
export function metadataOutputs(
  inputs: { images: Alternative[]; tags?: string; flavor?: string },
  ctx: Contexts,
): { tags: Alternative[]; version: Alternative[] } {
  try {
    return computeMetadataOutputs(inputs, ctx);
  } catch {
    return { tags: [], version: [] };
  }
}
