/**
 * docker buildx bake definitions (HCL, JSON, compose) resolved into the builds a `docker/bake-action`
 * step runs: for each target its image tags, cache exports and imports, outputs and whether it pushes.
 * Pure: files come in through `readFile`; nothing throws, problems come back as ParseErrors.
 */
import { parseCacheSpecs } from "../cache-spec";
import { spanAt } from "../span";
import type { CacheSpec, ParseError, Span, Value } from "../types";
import { hasToken } from "./hcl-eval";
import { isParseError, loadBakeFile } from "./load";
import type { BakeDoc, Item } from "./model";
import { Definitions, type ResolvedTarget } from "./resolve";
import { collectGlobals } from "./scope";
import { parseSets } from "./set";

export interface BakeRequest {
  /** bake files as the step names them (relative to `workdir`); empty: buildx's default lookup */
  files: string[];
  /** targets, groups or patterns; empty: `default` */
  targets: string[];
  /** `--set` entries (`target.key=value`, `target.key+=value`) */
  set: string[];
  /** the environment bake runs with: overrides variable defaults, interpolates compose files */
  vars: Record<string, string>;
  /** bake-action `push:`; null when it depends on run-time values */
  push?: boolean | null;
  load?: boolean;
  /** directory the files are relative to (bake-action `workdir`) */
  workdir?: string;
  /** where each `set` entry is written in the workflow (parallel to `set`) */
  setSpans?: Span[];
}

export interface BakeBuild {
  target: string;
  /** the file the target's values come from (its last definer) */
  file: string;
  tags: Value[];
  cacheTo: CacheSpec[];
  cacheFrom: CacheSpec[];
  outputs: string[];
  push: boolean | null;
}

/** buildx's lookup order when no file is named (docs: bake "File format"); later files override earlier. */
export const DEFAULT_BAKE_FILES: string[] = [
  "compose.yaml",
  "compose.yml",
  "docker-compose.yml",
  "docker-compose.yaml",
  "docker-bake.json",
  "docker-bake.hcl",
  "docker-bake.override.json",
  "docker-bake.override.hcl",
];

/** A path with an empty, `.` or `..` segment (a leading or trailing `/`, `//`, `./`, `../`). */
const NOT_NORMAL_RE = /(?:^|\/)\.{0,2}(?:\/|$)/;

/**
 * POSIX join that keeps paths repo-relative (`./a/../b` -> `b`). A path of another repository's file
 * (`//org/repo@ref/…`, see paths.ts) keeps its prefix, and `..` never climbs out of that repository.
 */
export function joinPath(dir: string | undefined, file: string): string {
  // Most paths are already normal (no empty, `.` or `..` segment, so no leading `//` either): nothing to do.
  if (dir === undefined && !NOT_NORMAL_RE.test(file)) return file;
  const whole = file.startsWith("//") ? file : `${dir ?? ""}/${file}`;
  const prefix = /^\/\/[^/@\s]+\/[^/@\s]+@[^/\s]+\//.exec(whole)?.[0] ?? "";
  const parts: string[] = [];
  for (const seg of whole.slice(prefix.length).split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  return prefix + parts.join("/");
}

function toValue(i: Item): Value {
  const v: Value = { raw: i.raw, text: i.text, resolved: !hasToken(i.text), span: i.span };
  if (i.spec) v.speculative = true;
  return v;
}

function unbalanced(raw: string): boolean {
  return (raw.match(/\$\{/g) ?? []).length > (raw.match(/\}/g) ?? []).length;
}

function toSpecs(items: Item[] | undefined): CacheSpec[] {
  const out: CacheSpec[] = [];
  for (const i of items ?? []) {
    const where = i.where ?? { path: i.span.path, text: "", offset: 0, end: 0 };
    const evaluate = () => [{ text: i.text, resolved: !hasToken(i.text), speculative: i.spec }];
    const specs = parseCacheSpecs(i.raw, { ...where, fallback: i.span }, { evaluate });
    for (const s of specs) {
      if (!s.ref) continue;
      if (i.spec) s.ref.speculative = true;
      if (i.refRaw !== undefined) s.ref.raw = i.refRaw;
      else if (unbalanced(s.ref.raw)) {
        // the CSV split cut through an HCL interpolation (`${f("a", "b")}`): the whole spec is the raw ref
        s.ref.raw = s.raw;
        s.ref.span = s.span;
      }
    }
    out.push(...specs);
  }
  return out;
}

function csvFields(spec: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of spec.split(",")) {
    const eq = f.indexOf("=");
    if (eq > 0) out[f.slice(0, eq).trim().toLowerCase()] = f.slice(eq + 1).trim().replace(/^"|"$/g, "");
  }
  return out;
}

/** Does the target push? `--push` (bake-action `push: true`), a `push` override, or a registry output. */
function pushOf(t: ResolvedTarget, reqPush: boolean | null | undefined): boolean | null {
  if (reqPush === true) return true;
  let unknown = reqPush === null;
  for (const p of t.attrs.push ?? []) {
    if (p.text === "true") return true;
    if (hasToken(p.text)) unknown = true;
  }
  for (const o of t.attrs.output ?? []) {
    const f = csvFields(o.text);
    const type = f.type ?? (o.text.includes("=") ? "" : "local");
    const push = f.push ?? "";
    // only the image exporter pushes (type=registry is type=image,push=true)
    if (type === "registry" || (type === "image" && push === "true")) return true;
    if (hasToken(type) || hasToken(push)) unknown = true;
  }
  return unknown ? null : false;
}

export async function resolveBake(
  req: BakeRequest,
  readFile: (path: string) => string | undefined,
): Promise<{ builds: BakeBuild[]; errors: ParseError[] }> {
  const errors: ParseError[] = [];
  const docs: BakeDoc[] = [];
  const safeRead = (p: string): string | undefined => {
    try {
      return readFile(p);
    } catch {
      return undefined;
    }
  };
  const named = req.files.filter((f) => f.trim() !== "");
  const candidates = named.length > 0 ? named : DEFAULT_BAKE_FILES;
  for (const name of candidates) {
    // `cwd://` names a file relative to the working directory rather than the bake context
    const path = joinPath(req.workdir, name.trim().replace(/^cwd:\/\//, ""));
    const text = safeRead(path);
    if (text === undefined) {
      // a remote definition or one a previous step generates cannot be read from the repository
      const unreadable = named.length === 0 || /^[a-z]+:\/\//i.test(name) || name.includes("${{");
      if (!unreadable) errors.push({ path, message: `bake file not found: ${path}` });
      continue;
    }
    let doc: BakeDoc | ParseError;
    try {
      doc = await loadBakeFile({ path, text }, req.vars);
    } catch (err) {
      doc = { path, message: err instanceof Error ? err.message : String(err) };
    }
    if (isParseError(doc)) errors.push(doc);
    else docs.push(doc);
  }
  if (docs.length === 0) return { builds: [], errors };
  const lastFile = docs[docs.length - 1].file.path;
  try {
    return { builds: buildAll(req, docs, safeRead, errors), errors };
  } catch (err) {
    // a definition shape nobody anticipated must not take the whole audit down
    errors.push({ path: lastFile, message: `bake resolution failed: ${err instanceof Error ? err.message : String(err)}` });
    return { builds: [], errors };
  }
}

function buildAll(
  req: BakeRequest,
  docs: BakeDoc[],
  readFile: (path: string) => string | undefined,
  errors: ParseError[],
): BakeBuild[] {
  const defs = new Definitions(docs, collectGlobals(docs, req.vars));
  const lastFile = docs[docs.length - 1].file.path;
  const requested = req.targets.filter((t) => t.trim() !== "");
  const instances = defs.expand(requested.length > 0 ? requested : ["default"], errors, lastFile);
  const builds: BakeBuild[] = [];
  const noSpan = spanAt(lastFile, "", 0, 0);
  // without the caller's spans, a `--set` value points at the first requested target's header
  const sets = parseSets(req.set, req.setSpans, readFile, (instances[0] && defs.headerOf(instances[0].base)) ?? noSpan);
  for (const inst of instances) {
    const t = defs.resolve(inst, sets);
    const fallback = defs.headerOf(inst.base) ?? noSpan;
    if (req.load && !(t.attrs.output ?? []).length) {
      t.attrs.output = [{ text: "type=docker", raw: "type=docker", spec: false, span: fallback }];
    }
    builds.push({
      target: t.name,
      file: t.file,
      tags: (t.attrs.tags ?? []).map(toValue),
      cacheTo: toSpecs(t.attrs["cache-to"]),
      cacheFrom: toSpecs(t.attrs["cache-from"]),
      outputs: (t.attrs.output ?? []).map((o) => o.text),
      push: pushOf(t, req.push),
    });
  }
  errors.push(...defs.warnings);
  return builds;
}
