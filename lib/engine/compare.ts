/**
 * Comparing two Values as image references, with the confidence DESIGN.md defines.
 *
 * - `high`: both resolved, same canonical reference (and neither is speculative).
 * - `medium`: same canonical text while holding identical unresolved `${{ }}` tokens, in the same file
 *   of the same repository (one run evaluates an expression once, so identical tokens are one value).
 * - `low`: could be equal: either value is speculative; or identical tokens across files; or the same
 *   registry and repository where one tag is wholly one unresolved token and the other a literal tag.
 *
 * Noise rule for a whole-token tag against a literal tag, which is only ever `low`:
 * - the token must be a value the workflow's author chooses (`inputs.*`, `vars.*`, `env.*`, `matrix.*`,
 *   `steps.*`, `needs.*`); run-derived `github.*` values (`sha`, `ref_name`, `run_id`, …) are not compared
 *   with literals: a cache written to `app:${{ github.sha }}` does not land on `app:latest`;
 * - a literal that names a cache (`buildcache`, `cache`, `*-cache`, `cache-*`) never equals a token used
 *   as an image tag, and vice versa: nobody computes an image tag that happens to be `buildcache`.
 * References in different repositories (or with an unknown registry/repository) never match.
 */
import { normalizeImageRef, type ImageRef } from "./refs";
import type { Confidence, Value } from "./types";

const TOKEN_RE = /\$\{\{[\s\S]*?\}\}/g;
const WHOLE_TOKEN_RE = /^\$\{\{[\s\S]*?\}\}$/;
const AUTHOR_CHOSEN_RE = /^\$\{\{\s*(inputs|vars|env|matrix|steps|needs)\.[^}]*\}\}$/i;
const RUN_DERIVED_RE = /\b(github\.|[\w.]*\.sha\b)/i;
const CACHE_NAME_RE = /(^|[-_.])(build)?cache([-_.]|$)/i;

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
  return parse(v.text)?.canonical ?? v.text.trim();
}

/** Org scans compare the same few hundred refs millions of times: parse each text once. */
const parsed = new Map<string, ImageRef | null>();
function parse(text: string): ImageRef | null {
  let r = parsed.get(text);
  if (r === undefined) {
    if (parsed.size > 50_000) parsed.clear();
    r = normalizeImageRef(text);
    parsed.set(text, r);
  }
  return r;
}

export function parseRef(v: Value): ImageRef | null {
  return parse(v.text);
}

/**
 * The bucket a ref can only ever match within: its registry and repository, or the whole canonical
 * text when the name is one unknown token. compareRefs never matches across buckets.
 */
export function refBucket(v: Value): string | null {
  // Asked for every value a rule indexes or looks up: keep the string instead of rebuilding it each time.
  let b = buckets.get(v.text);
  if (b === undefined) {
    const r = parse(v.text);
    b = !r ? null : r.registry === "" ? `?${r.canonical}` : `${r.registry}/${r.repository}`;
    if (buckets.size > 50_000) buckets.clear();
    buckets.set(v.text, b);
  }
  return b;
}

const buckets = new Map<string, string | null>();

/** Values grouped by bucket, so rules look at candidates instead of every pair. */
export class RefIndex<T> {
  private readonly buckets = new Map<string, T[]>();
  add(v: Value, item: T): void {
    const k = refBucket(v);
    if (k === null) return;
    const list = this.buckets.get(k);
    if (list) list.push(item);
    else this.buckets.set(k, [item]);
  }
  candidates(v: Value): T[] {
    const k = refBucket(v);
    return k === null ? [] : (this.buckets.get(k) ?? []);
  }
}

function isWholeToken(s: string | undefined): boolean {
  return s !== undefined && WHOLE_TOKEN_RE.test(s) && s.match(TOKEN_RE)?.length === 1;
}

function hasToken(s: string): boolean {
  return s.includes("${{");
}

function bareIsLatest(bare: ImageRef, tagged: ImageRef): boolean {
  return bare.registry === "" && tagged.registry === "" && bare.tag === undefined && bare.digest === undefined &&
    tagged.tag === "latest" && tagged.digest === undefined && tagged.repository === bare.repository;
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
  const ra = parse(a.text);
  const rb = parse(b.text);
  if (!ra || !rb) return null;
  const speculative = a.speculative === true || b.speculative === true;
  // An unknown registry means an unknown repository: never guess across repositories.
  if (ra.registry === "" || rb.registry === "") {
    if (ra.canonical !== rb.canonical) {
      // `${{ T }}` beside `${{ T }}:latest`: appending a tag shows T names no tag, so bare T is T:latest.
      if (!bareIsLatest(ra, rb) && !bareIsLatest(rb, ra)) return null;
      return where.fileA === where.fileB && !speculative ? "medium" : "low";
    }
  } else if (ra.registry !== rb.registry || ra.repository !== rb.repository) {
    return null;
  }
  if ((ra.digest ?? "") !== (rb.digest ?? "")) return null;

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
  if (!AUTHOR_CHOSEN_RE.test(tokenTag) || RUN_DERIVED_RE.test(tokenTag)) return null;
  const literal = tokenTag === ta ? tb : ta;
  if (CACHE_NAME_RE.test(literal)) return null;
  return "low";
}
