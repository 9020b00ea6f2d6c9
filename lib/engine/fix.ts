/**
 * Suggested fixes: move a registry cache off an image tag to its own ref, by editing the characters
 * that were written (so comments, quoting and indentation stay), and show it as a unified diff.
 */
import { formatPatch, structuredPatch } from "diff";
import { compareRefs, normalizedRef } from "./compare";
import { displayPath, ownPath } from "./paths";
import type { Build, Fix, Value } from "./types";

const TOKEN_RE = /\$\{\{[\s\S]*?\}\}/g;

export interface TextEdit {
  offset: number;
  endOffset: number;
  text: string;
}

function fileKey(repo: string | undefined, path: string): string {
  return repo ? `${repo}:${path}` : path;
}

const CACHE_SUFFIX_RE = /cache$/i;

/**
 * A cache tag next to an image tag: `<tag>-cache`, `buildcache` for `latest`. A tag that already says cache (an image was pushed to `:cache` or
 * `:buildcache`) gets a different cache word instead of `cache-cache`: `cache` -> `buildcache`,
 * `main-cache` -> `main-buildcache`, `buildcache` -> `buildkit-cache`.
 */
export function cacheTagFor(tag: string): string {
  if (tag === "latest") return "buildcache";
  if (/buildcache$/i.test(tag)) return `${tag.slice(0, -"buildcache".length)}buildkit-cache`;
  if (CACHE_SUFFIX_RE.test(tag)) return `${tag.slice(0, -"cache".length)}buildcache`;
  return `${tag}-cache`;
}

/** Hide `${{ }}` tokens so their inner `:` and `/` are not mistaken for tag separators. */
function mask(s: string): string {
  return s.replace(TOKEN_RE, (m) => "x".repeat(m.length));
}

/** `$IMAGE`, `${IMAGE}` (shell) and `$(IMAGE)` (make): a ref that is one variable and nothing else. */
const WHOLE_VARIABLE_RE = /^\s*\$(?:[A-Za-z_]\w*|\{[A-Za-z_]\w*\}|\([A-Za-z_]\w*\))\s*$/;

/**
 * The tag an evaluated ref names: the tag text, null when it names none, undefined when its last path
 * component holds an unresolved expression (which may carry a tag).
 */
function evaluatedTag(evaluated: string): string | null | undefined {
  const text = evaluated.trim();
  const masked = mask(text);
  const from = masked.lastIndexOf("/") + 1;
  const colon = masked.indexOf(":", from);
  if (colon >= 0) return text.slice(colon + 1);
  return text.slice(from).includes("${{") ? undefined : null;
}

/**
 * The new raw text for a cache ref: its tag through cacheTagFor, `:buildcache` when it has none. A ref
 * that is wholly an expression or a shell/make variable gets a suffix after it, chosen from what it
 * evaluates to: `-cache` when that has a tag, `:buildcache` when it has none (or `tagless` says so: the
 * same unknown name is written with a tag appended elsewhere). When nothing tells, `-cache`: it is a valid
 * ref either way, where `:buildcache` after a tag is not. Returns null when no safe edit exists (digest).
 */
export function separateCacheRaw(raw: string, evaluated: string, tagless = false): string | null {
  let quote = "";
  let body = raw;
  const q = raw[0];
  if ((q === '"' || q === "'") && raw.length >= 2 && raw.endsWith(q)) {
    quote = q;
    body = raw.slice(1, -1);
  }
  const masked = mask(body);
  if (masked.includes("@")) return null;
  let next: string;
  if ((/^\s*x+\s*$/.test(masked) && /^\s*\$\{\{/.test(body)) || WHOLE_VARIABLE_RE.test(body)) {
    // Wholly an expression or a variable: the evaluated text says whether a tag is there.
    const tag = tagless ? null : evaluatedTag(evaluated);
    if (tag === null) next = `${body}:buildcache`;
    else next = tag !== undefined && CACHE_SUFFIX_RE.test(tag) ? `${body}-buildkit` : `${body}-cache`;
  } else {
    const colon = masked.indexOf(":", masked.lastIndexOf("/") + 1);
    if (colon < 0) next = `${body}:buildcache`;
    else next = `${body.slice(0, colon + 1)}${cacheTagFor(body.slice(colon + 1))}`;
  }
  return `${quote}${next}${quote}`;
}

/** Apply non-overlapping edits (duplicates, from matrix copies of one step, collapse). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const unique = new Map<string, TextEdit>();
  for (const e of edits) unique.set(`${e.offset}:${e.endOffset}`, e);
  const sorted = [...unique.values()].sort((a, b) => b.offset - a.offset);
  let out = text;
  let lastStart = Number.POSITIVE_INFINITY;
  for (const e of sorted) {
    if (e.endOffset > lastStart) continue; // overlapping edit: keep the later one only
    out = out.slice(0, e.offset) + e.text + out.slice(e.endOffset);
    lastStart = e.offset;
  }
  return out;
}

const CONTEXT = 3;

/**
 * The lines both texts start with that no hunk can show (all but the last CONTEXT before the first
 * difference), as a character count and a line count. Lines end at `\n` (jsdiff's line tokens end there too).
 */
function leadingLinesOutsideHunks(before: string, after: string): { chars: number; lines: number } {
  const ends: number[] = [];
  const n = Math.min(before.length, after.length);
  for (let i = 0; i < n && before.charCodeAt(i) === after.charCodeAt(i); i++) if (before.charCodeAt(i) === 10) ends.push(i + 1);
  const lines = Math.max(0, ends.length - CONTEXT);
  return { chars: lines > 0 ? ends[lines - 1] : 0, lines };
}

/**
 * A unified diff `--- a/<path>` / `+++ b/<path>` with 3 lines of context, as `git apply` reads it.
 * jsdiff matches the shared leading lines before anything else and never looks back at them, so the texts
 * are diffed from the first line a hunk can hold and the hunks moved down by the lines left out: the same
 * patch, without splitting and comparing a whole workflow for every fix (fix.test.ts checks it).
 */
export function unifiedDiff(enginePath: string, before: string, after: string): string {
  // a file of another repository is patched there, under its own path
  const path = ownPath(enginePath);
  const skip = leadingLinesOutsideHunks(before, after);
  const patch = structuredPatch(`a/${path}`, `b/${path}`, before.slice(skip.chars), after.slice(skip.chars), undefined, undefined, { context: CONTEXT });
  for (const h of patch.hunks) {
    h.oldStart += skip.lines;
    h.newStart += skip.lines;
  }
  const text = formatPatch(patch);
  // The patch starts with a `====` banner line that git does not need.
  const start = text.indexOf("--- ");
  return start > 0 ? text.slice(start) : text;
}

/**
 * The fix for a cache export that collides with an image tag: rewrite the cache ref in this build's
 * cache-to and in every registry cache-from of the same file that reads the same ref.
 */
export function separateCacheFix(
  cacheRef: Value,
  repo: string | undefined,
  allBuilds: Build[],
  files: Map<string, string>,
): Fix | undefined {
  // Matrix copies of one step ask for the same fix (same characters, same builds): diff once per run
  // of the rules. The memo hangs off this run's build list, so it goes when the run does.
  let memo = fixMemo.get(allBuilds);
  if (!memo || memo.files !== files) fixMemo.set(allBuilds, (memo = { files, fixes: new Map() }));
  const key = `${repo ?? ""}\u0000${cacheRef.span.path}\u0000${cacheRef.span.offset}\u0000${cacheRef.span.endOffset}\u0000${cacheRef.text}`;
  if (!memo.fixes.has(key)) memo.fixes.set(key, computeSeparateCacheFix(cacheRef, repo, allBuilds, files));
  const fix = memo.fixes.get(key);
  return fix ? { ...fix } : undefined;
}

const fixMemo = new WeakMap<Build[], { files: Map<string, string>; fixes: Map<string, Fix | undefined> }>();

function computeSeparateCacheFix(
  cacheRef: Value,
  repo: string | undefined,
  allBuilds: Build[],
  files: Map<string, string>,
): Fix | undefined {
  const path = cacheRef.span.path;
  const text = files.get(fileKey(repo, path));
  if (text === undefined) return undefined;
  const written = text.slice(cacheRef.span.offset, cacheRef.span.endOffset);
  // `${{ X }}` beside a tag `${{ X }}:v1` in the same file: X is a name without a tag.
  const tagless = (v: Value) =>
    allBuilds.some((b) => b.tags.some((t) => t.span.path === path && t.text.trim().startsWith(`${v.text.trim()}:`)));
  const replacement = separateCacheRaw(written, cacheRef.text, tagless(cacheRef));
  if (replacement === null || replacement === written) return undefined;

  const edits: TextEdit[] = [{ offset: cacheRef.span.offset, endOffset: cacheRef.span.endOffset, text: replacement }];
  const where = { fileA: fileKey(repo, path), fileB: fileKey(repo, path) };
  for (const b of allBuilds) {
    if ((b.repo ?? undefined) !== (repo ?? undefined)) continue;
    for (const spec of b.cacheFrom) {
      const ref = spec.type === "registry" ? spec.ref : undefined;
      if (!ref || ref.span.path !== path) continue;
      const c = compareRefs(cacheRef, ref, where);
      if (c !== "high" && c !== "medium") continue;
      const raw = text.slice(ref.span.offset, ref.span.endOffset);
      const r = separateCacheRaw(raw, ref.text, tagless(ref));
      if (r !== null && r !== raw) edits.push({ offset: ref.span.offset, endOffset: ref.span.endOffset, text: r });
    }
  }
  const after = applyEdits(text, edits);
  // A ref written with expressions or variables is described as the diff writes it: its evaluated text
  // (`${{ inputs.image }}:latest`) would take a different edit than the written one (`…:${{ inputs.tag }}`).
  const literal = written === cacheRef.text;
  const newRef = literal
    ? normalizedRef({ ...cacheRef, text: separateCacheRaw(cacheRef.text, cacheRef.text, tagless(cacheRef)) ?? cacheRef.text })
    : `\`${replacement.replace(/^["']|["']$/g, "")}\``;
  const others = new Set(edits.map((e) => e.offset)).size - 1;
  const description =
    `Write the cache to its own ref ${newRef} instead of ${normalizedRef(cacheRef)}` +
    (others > 0 ? ` (the cache-to and ${others} matching cache-from in ${displayPath(path)})` : ` (the cache-to in ${displayPath(path)})`);
  return { description, diff: unifiedDiff(path, text, after) };
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "build";
}

/**
 * A distinct `scope=` for one build's gha cache: the job (and step, bake target) name, plus every
 * matrix key as an expression so each combination gets its own scope. Edits the build's gha cache-to
 * and the gha cache-from of the same build that read the same scope.
 */
export function ghaScopeFix(build: Build, scope: string, files: Map<string, string>, taken: Set<string>): Fix | undefined {
  const specs = [...build.cacheTo, ...build.cacheFrom].filter((s) => s.type === "gha" && (s.attrs.scope ?? "buildkit") === scope);
  if (specs.length === 0) return undefined;
  const path = specs[0].span.path;
  const text = files.get(fileKey(build.repo, path));
  if (text === undefined || specs.some((s) => s.span.path !== path)) return undefined;
  // Name the scope after what is built (bake target, context folder, step name), falling back to the job.
  const context = build.context && !/^\.\/?$/.test(build.context) && !build.context.includes("${{") ? build.context.split("/").filter(Boolean).at(-1) : undefined;
  let base = slug(build.bakeTarget ?? context ?? build.stepName ?? build.job);
  for (let i = 2; taken.has(base); i++) base = `${slug(build.job)}-${i}`;
  taken.add(base);
  const matrixPart = Object.keys(build.matrix ?? {}).map((k) => `-\${{ matrix.${k} }}`).join("");
  const newScope = `${base}${matrixPart}`;
  const edits: TextEdit[] = [];
  for (const s of specs) {
    const written = text.slice(s.span.offset, s.span.endOffset);
    if (written !== s.raw) return undefined; // quoted or folded: no safe edit
    const m = /(^|,)\s*scope=([^,]*)/.exec(written);
    const next = m
      ? written.slice(0, m.index) + `${m[1]}scope=${newScope}` + written.slice(m.index + m[0].length)
      : `${written},scope=${newScope}`;
    edits.push({ offset: s.span.offset, endOffset: s.span.endOffset, text: next });
  }
  return {
    description: `Give this build its own gha cache scope "${newScope}" (in its cache-to and cache-from)`,
    diff: unifiedDiff(path, text, applyEdits(text, edits)),
  };
}
