/** A value of the GitHub Actions expression language (JSON-shaped). */
export type ExprValue = string | number | boolean | null | ExprValue[] | { [k: string]: ExprValue };

/**
 * One possible evaluated text. `resolved` is false while an opaque `${{ … }}` token remains;
 * `speculative` marks a value that exists only on some runs (a branch of `cond && a || b`,
 * a metadata-action tag that depends on the event).
 */
export interface Alternative {
  text: string;
  resolved: boolean;
  speculative: boolean;
}

/** What is known before the run. Anything absent is unknown, never empty. */
export interface Contexts {
  /** merged workflow > job > step env (already evaluated text; may hold tokens) */
  env?: Record<string, string>;
  /** one matrix combination; when given, a key it lacks is null as on GitHub */
  matrix?: Record<string, ExprValue>;
  /** workflow_call / workflow_dispatch defaults */
  inputs?: Record<string, ExprValue>;
  /** e.g. { repository: "acme/app", repository_owner: "acme" } */
  github?: Record<string, ExprValue>;
  /** known step outputs (metadata-action); each alternative is one possible value */
  steps?: Record<string, { outputs: Record<string, Alternative[]> }>;
  vars?: Record<string, ExprValue>;
}

/** One possible result of an expression. */
export type ExprOutcome =
  | { known: true; value: ExprValue; text: string; speculative: boolean }
  | { known: false; text: string; speculative: boolean };

/** Opaque tokens start with this; a text holding it is unresolved. */
export const TOKEN_OPEN = "${{";
