/**
 * The one place workflow extraction reaches into the expression engine (lib/engine/expr), so the
 * workflow code depends on two functions only.
 */
import { computeMetadataOutputs, evaluateTemplate, type Alternative, type Contexts } from "../expr";

export type { Alternative, Contexts, ExprValue } from "../expr";

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
