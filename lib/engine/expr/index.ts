/** GitHub Actions `${{ }}` evaluation with opaque tokens for what is only known at run time. */
import { branchText, truthOf } from "./branch";
import { evaluateToBranches, scanTemplate } from "./template";
import type { Contexts, ExprOutcome } from "./types";

export type { Alternative, Contexts, ExprOutcome, ExprValue } from "./types";
export { evaluateTemplate, hasExpression, normalizeExpression } from "./template";
export { computeMetadataOutputs, type MetadataInputs } from "./metadata-action";
export { splitTokens } from "./branch";

/** Accepts `expr` or `${{ expr }}` (as written in `if:`). */
function unwrap(expr: string): string {
  const pieces = scanTemplate(expr.trim());
  const only = pieces[0];
  return pieces.length === 1 && only !== undefined && "expr" in only ? only.expr : expr;
}

/**
 * Evaluates one expression. Each outcome is a possible result: known (with its value), or unknown
 * (its `text` is an opaque token or a partial text holding tokens). Unparseable input gives one
 * unknown outcome whose text is the input as written.
 */
export function evaluateExpression(expr: string, ctx: Contexts): ExprOutcome[] {
  const inner = unwrap(expr);
  const branches = evaluateToBranches(inner, ctx);
  if (branches === null) return [{ known: false, text: expr, speculative: false }];
  return branches.map((b) =>
    b.v.t === "k"
      ? { known: true, value: b.v.value, text: branchText(b), speculative: b.spec }
      : { known: false, text: branchText(b), speculative: b.spec },
  );
}

/**
 * Truthiness of a condition (`if:`, `push: ${{ … }}`): true or false when every possible outcome
 * agrees, null when it depends on the run.
 */
export function evaluateCondition(expr: string, ctx: Contexts): boolean | null {
  const branches = evaluateToBranches(unwrap(expr), ctx);
  if (branches === null || branches.length === 0) return null;
  const first = truthOf(branches[0].v);
  if (first === undefined) return null;
  return branches.every((b) => truthOf(b.v) === first) ? first : null;
}
