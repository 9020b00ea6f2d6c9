/** Pieces shared by every kind of build: output specs and cache specs from evaluated inputs. */
import { parseCacheSpecs, splitCsv, type SpecAlternative, type SpecOptions } from "../cache-spec";
import type { CacheSpec, Span, Value } from "../types";
import { evaluate, type Contexts } from "./expr-bridge";
import { hasToken } from "./values";

export interface OutputInfo {
  type: string;
  attrs: Record<string, string>;
  /** image names the output writes (`name=a,b`) */
  names: string[];
  /** true when the output pushes (type=registry, or type=image with push=true) */
  push: boolean | null;
}

/** Parse one `--output` / `outputs:` spec. `type=registry,name=…` pushes; so does `type=image,push=true`. */
export function parseOutput(spec: string): OutputInfo {
  const attrs: Record<string, string> = {};
  let type = "";
  const trimmed = spec.trim();
  if (!trimmed.includes("=")) {
    // `-o ./dir` is a local export; `-o -` a tarball on stdout.
    return { type: "local", attrs: { dest: trimmed }, names: [], push: false };
  }
  for (const f of splitCsv(trimmed)) {
    const eq = f.value.indexOf("=");
    if (eq < 0) continue;
    const k = f.value.slice(0, eq).trim().toLowerCase();
    const v = f.value.slice(eq + 1).trim();
    if (k === "type") type = v;
    else attrs[k] = v;
  }
  const nameAttr = attrs.name ?? attrs.names ?? "";
  const names = nameAttr
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  let push: boolean | null = false;
  if (type === "registry") push = true;
  else if (type === "image" || type === "docker" || type === "oci") {
    const p = (attrs.push ?? "").toLowerCase();
    if (p === "true") push = type === "image" ? true : false;
    else if (hasToken(p)) push = null;
  }
  return { type, attrs, names, push };
}

/**
 * Spec options that evaluate each line in one context. A class rather than `{ evaluate: (raw) => … }`:
 * under tsx's keepNames every closure made per spec costs a name definition.
 */
export class EvaluateIn implements SpecOptions {
  constructor(private readonly ctx: Contexts) {}
  evaluate(raw: string): SpecAlternative[] {
    return evaluate(raw, this.ctx);
  }
}

/** Cache specs from the raw items of a cache-to/cache-from input, each item located at `span`. */
export function cacheSpecsFrom(
  items: Array<{ raw: string; span: Span }>,
  text: string,
  ctx: Contexts,
): CacheSpec[] {
  const out: CacheSpec[] = [];
  if (items.length === 0) return out;
  const opts = new EvaluateIn(ctx);
  for (const item of items) {
    out.push(
      ...parseCacheSpecs(
        item.raw,
        { path: item.span.path, text, offset: item.span.offset, end: item.span.endOffset, fallback: item.span },
        opts,
      ),
    );
  }
  return out;
}

/** Combine push flags: any definite true wins, otherwise unknown stays unknown. */
export function orPush(a: boolean | null, b: boolean | null): boolean | null {
  if (a === true || b === true) return true;
  if (a === null || b === null) return null;
  return false;
}

/** Tags named by image outputs (`type=image,name=…`), as Values at the output's span. */
export function outputTags(outputs: Array<{ text: string; raw: string; span: Span; resolved: boolean }>): Value[] {
  const out: Value[] = [];
  for (const o of outputs) {
    const info = parseOutput(o.text);
    // push-by-digest pushes an untagged manifest: the name gets no tag (a merge step tags it later).
    if ((info.attrs["push-by-digest"] ?? "").toLowerCase() === "true") continue;
    for (const name of info.names) {
      out.push({ raw: o.raw, text: name, resolved: !hasToken(name), span: o.span });
    }
  }
  return out;
}
