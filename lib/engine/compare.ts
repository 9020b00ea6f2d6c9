/**
 * Comparing two Values as image references, with the confidence DESIGN.md defines.
 *
 * - `high`: both resolved, same canonical reference (and neither is speculative).
 * - `medium`: same canonical text while holding identical unresolved `${{ }}` tokens, in the same file
 *   of the same repository (one run evaluates an expression once, so identical tokens are one value).
 * - `low`: could be equal: either value is speculative; or identical tokens across files; or the same
 *   registry and repository where one tag is wholly one unresolved token and the other a literal tag.
 *
 * Noise rule: a tag token that is unique per run (`github.sha`, `github.run_id`, `run_number`,
 * `run_attempt`, any `…sha` of the event) is never compared equal to a literal tag: a cache written to
 * `app:${{ github.sha }}` cannot land on `app:latest`. References in different repositories (or with an
 * unknown registry/repository) never match.
 */
import { normalizeImageRef, type ImageRef } from "./refs";
import type { Confidence, Value } from "./types";

const TOKEN_RE = /\$\{\{[\s\S]*?\}\}/g;
const WHOLE_TOKEN_RE = /^\$\{\{[\s\S]*?\}\}$/;
const RUN_UNIQUE_RE = /\b(github\.(sha|run_id|run_number|run_attempt)|github\.event\.[\w.]*sha|[\w.]*\.sha)\b/i;

const rank: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };

export function maxConfidence(a: Confidence | null, b: Confidence | null): Confidence | null {
  if (a === null) return b;
  if (b === null) return a;
  return rank[a] >= rank[b] ? a : b;
}

export function minConfidence(a: Confidence, b: Confidence): Confidence {
  return rank[a] <= rank[b] ? a : b;
}

export function confidenceRank(c: Confidence): number {
  return rank[c];
}

/** The normalized reference for display and fingerprints (the evaluated text when it does not parse). */
export function normalizedRef(v: Value): string {
  return normalizeImageRef(v.text)?.canonical ?? v.text.trim();
}

export function parseRef(v: Value): ImageRef | null {
  return normalizeImageRef(v.text);
}

function isWholeToken(s: string | undefined): boolean {
  return s !== undefined && WHOLE_TOKEN_RE.test(s) && s.match(TOKEN_RE)?.length === 1;
}

function hasToken(s: string): boolean {
  return s.includes("${{");
}

export interface CompareWhere {
  /** `repo:path` of each value's file; identical tokens are one value only inside one file */
  fileA: string;
  fileB: string;
}

/**
 * How confident we are that two values name the same registry tag, or null when they cannot.
 * `where` tells whether both values come from the same workflow file.
 */
export function compareRefs(a: Value, b: Value, where: CompareWhere): Confidence | null {
  const ra = normalizeImageRef(a.text);
  const rb = normalizeImageRef(b.text);
  if (!ra || !rb) return null;
  // An unknown registry means an unknown repository: never guess across repositories.
  if (ra.registry === "" || rb.registry === "") {
    if (ra.canonical !== rb.canonical) return null;
  } else if (ra.registry !== rb.registry || ra.repository !== rb.repository) {
    return null;
  }
  if ((ra.digest ?? "") !== (rb.digest ?? "")) return null;
  const speculative = a.speculative === true || b.speculative === true;

  if (ra.canonical === rb.canonical) {
    const tokens = hasToken(ra.canonical);
    if (!tokens && a.resolved && b.resolved) return speculative ? "low" : "high";
    if (where.fileA === where.fileB) return speculative ? "low" : "medium";
    return "low";
  }

  // Same repository, different tag text: only a whole-token tag against a literal tag may be equal.
  const ta = ra.tag ?? "";
  const tb = rb.tag ?? "";
  const tokenTag = isWholeToken(ta) && !hasToken(tb) ? ta : isWholeToken(tb) && !hasToken(ta) ? tb : null;
  if (tokenTag === null) return null;
  if (hasToken(ra.registry + ra.repository)) return null;
  if (RUN_UNIQUE_RE.test(tokenTag)) return null;
  return "low";
}
