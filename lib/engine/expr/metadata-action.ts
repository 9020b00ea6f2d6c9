/**
 * docker/metadata-action (v3–v5) outputs computed before the run. Tags that need the event, ref
 * or commit are opaque `${{ meta.… }}` tokens; tags that exist only on some events are speculative.
 */
import { tokenOf } from "./branch";
import { type Flavor, type TagSpec, DEFAULT_TAGS, inputLines, parseFlavor, parseImages, tagSpecOf } from "./metadata-parse";
import { lowerOutsideTokens, parseSemver, renderGlobals, renderSemver, sanitizeTag } from "./metadata-values";
import { quoteString } from "./print";
import { evaluateTemplate, hasExpression } from "./template";
import { TOKEN_OPEN, type Alternative, type Contexts } from "./types";

export interface MetadataInputs {
  images: Alternative[];
  tags?: string;
  flavor?: string;
}

interface Candidate {
  text: string;
  speculative: boolean;
  /** `latest=auto` adds `latest` when this tag is the first one produced */
  latestAuto: boolean;
}

/** Each line's `${{ }}` evaluated; a line with several possible values gives several (speculative) lines. */
function evaluatedLines(text: string | undefined, ctx: Contexts): Array<{ line: string; speculative: boolean }> {
  const out: Array<{ line: string; speculative: boolean }> = [];
  for (const line of inputLines(text)) {
    if (!hasExpression(line)) out.push({ line, speculative: false });
    else
      for (const alt of evaluateTemplate(line, ctx))
        for (const l of inputLines(alt.text)) out.push({ line: l, speculative: alt.speculative });
  }
  return out;
}

function applyAffixes(val: string, tag: TagSpec, flavor: Flavor): { text: string; speculative: boolean } {
  let text = val;
  let speculative = false;
  const pre = Object.prototype.hasOwnProperty.call(tag.attrs, "prefix") ? tag.attrs.prefix : flavor.prefix;
  const suf = Object.prototype.hasOwnProperty.call(tag.attrs, "suffix") ? tag.attrs.suffix : flavor.suffix;
  if (pre) {
    const g = renderGlobals(pre);
    text = g.text + text;
    speculative ||= g.speculative;
  }
  if (suf) {
    const g = renderGlobals(suf);
    text += g.text;
    speculative ||= g.speculative;
  }
  return { text, speculative };
}

/** The value a tag rule yields before prefix/suffix, or null when it yields nothing. */
function tagValue(tag: TagSpec, branch?: string): { value: string; speculative: boolean; latestAuto: boolean } | null {
  const a = tag.attrs;
  switch (tag.type) {
    case "schedule": {
      const g = renderGlobals(a.pattern);
      return { value: g.text, speculative: true, latestAuto: false };
    }
    case "semver":
    case "pep440": {
      if (a.value) {
        const g = renderGlobals(a.value);
        const v = tag.type === "semver" && !g.text.includes(TOKEN_OPEN) ? parseSemver(g.text) : null;
        if (v) return { value: renderSemver(a.pattern, v), speculative: g.speculative, latestAuto: !v.prerelease };
        if (!g.text.includes(TOKEN_OPEN) && tag.type === "semver") return null; // not a valid version: the action skips it
      }
      return { value: tokenOf(`meta.${tag.type}(${quoteString(a.pattern)})`), speculative: true, latestAuto: true };
    }
    case "match": {
      if (a.value) {
        const g = renderGlobals(a.value);
        if (!g.text.includes(TOKEN_OPEN)) {
          const m = matchGroup(g.text, a.pattern, a.group);
          return m === null ? null : { value: m, speculative: g.speculative, latestAuto: true };
        }
      }
      return { value: tokenOf(`meta.match(${quoteString(a.pattern)}, ${quoteString(a.group)})`), speculative: true, latestAuto: true };
    }
    case "edge":
      return { value: "edge", speculative: true, latestAuto: false };
    case "ref":
      // The branch is known when the workflow only runs on pushes to one branch (see the github context).
      if (a.event === "branch") return branch !== undefined ? { value: branch, speculative: false, latestAuto: false } : { value: tokenOf("meta.ref.branch"), speculative: true, latestAuto: false };
      if (a.event === "tag") return { value: tokenOf("meta.ref.tag"), speculative: true, latestAuto: true };
      return { value: tokenOf("meta.ref.pr"), speculative: true, latestAuto: false };
    case "raw": {
      const g = renderGlobals(a.value);
      return { value: g.text, speculative: g.speculative, latestAuto: false };
    }
    case "sha":
      return { value: tokenOf(a.format === "long" ? "meta.sha.long" : "meta.sha.short"), speculative: false, latestAuto: false };
  }
}

function matchGroup(value: string, pattern: string, group: string): string | null {
  try {
    const re = /^\/(.+)\/(.*)$/.exec(pattern);
    const m = re ? value.match(new RegExp(re[1], re[2])) : value.match(new RegExp(pattern));
    const g = m?.[Number(group)];
    return g === undefined ? null : g;
  } catch {
    return null;
  }
}

function candidatesOf(tags: TagSpec[], flavor: Flavor, branch?: string): Candidate[] {
  const out: Candidate[] = [];
  for (const tag of tags) {
    const enable = renderGlobals(tag.attrs.enable);
    if (enable.text === "false") continue;
    const enableUnknown = enable.text !== "true";
    const v = tagValue(tag, branch);
    if (v === null) continue;
    const affixed = applyAffixes(v.value, tag, flavor);
    const text = sanitizeTag(affixed.text);
    if (text === "") continue;
    const speculative = tag.speculative || enableUnknown || v.speculative || affixed.speculative || flavor.speculative;
    const prev = out.find((c) => c.text === text);
    if (prev) {
      prev.speculative &&= speculative;
      continue;
    }
    out.push({ text, speculative, latestAuto: v.latestAuto });
  }
  return out;
}

/** Whether `latest` is added: possibly (some run) and certainly (every run). */
function latestOf(cands: Candidate[], flavor: Flavor): { possible: boolean; certain: boolean } {
  if (flavor.latest === "false" || cands.length === 0) return { possible: false, certain: false };
  if (flavor.latest === "true") return { possible: true, certain: cands.some((c) => !c.speculative) && !flavor.speculative };
  // auto: the first tag produced on the run decides, and any speculative tag before a certain one may be first
  let possible = false;
  let allAuto = true;
  for (const c of cands) {
    if (c.latestAuto) possible = true;
    else allAuto = false;
    if (!c.speculative) return { possible, certain: allAuto && !flavor.speculative };
  }
  return { possible, certain: false };
}

/** The `version` output: the first tag produced on the run, so every candidate up to the first certain one. */
function versionsOf(cands: Candidate[]): Alternative[] {
  const picked: Candidate[] = [];
  for (const c of cands) {
    picked.push(c);
    if (!c.speculative) break;
  }
  const certain = picked.length === 1 && !picked[0].speculative;
  return picked.map((c) => ({ text: c.text, resolved: !c.text.includes(TOKEN_OPEN), speculative: !certain }));
}

export function computeMetadataOutputs(inputs: MetadataInputs, ctx: Contexts): { tags: Alternative[]; version: Alternative[] } {
  const images: Array<{ name: string; speculative: boolean }> = [];
  for (const alt of inputs.images) {
    const texts = hasExpression(alt.text) ? evaluateTemplate(alt.text, ctx) : [alt];
    for (const t of texts) {
      for (const img of parseImages(t.text, alt.speculative || t.speculative)) {
        const name = lowerOutsideTokens(img.name);
        const prev = images.find((i) => i.name === name);
        if (prev) prev.speculative &&= img.speculative;
        else images.push({ name, speculative: img.speculative });
      }
    }
  }

  let lines = evaluatedLines(inputs.tags, ctx);
  if (lines.length === 0) lines = DEFAULT_TAGS.map((line) => ({ line, speculative: false }));
  const specs = lines.map((l) => tagSpecOf(l.line, l.speculative)).filter((t): t is TagSpec => t !== null);
  specs.sort((a, b) => b.priority - a.priority);

  const flavor = parseFlavor(evaluatedLines(inputs.flavor, ctx).map((l) => l.line));
  const g = ctx.github ?? {};
  const branch = g.event_name === "push" && typeof g.ref_name === "string" && g.ref === `refs/heads/${g.ref_name}` ? g.ref_name : undefined;
  const cands = candidatesOf(specs, flavor, branch);
  const latest = latestOf(cands, flavor);
  const all: Array<{ text: string; speculative: boolean }> = [...cands];
  if (latest.possible) {
    const name = sanitizeTag(`${flavor.prefixLatest ? flavor.prefix : ""}latest${flavor.suffixLatest ? flavor.suffix : ""}`);
    all.push({ text: name, speculative: !latest.certain });
  }

  const tags: Alternative[] = [];
  const targets = images.length > 0 ? images : [{ name: "", speculative: false }];
  for (const image of targets) {
    for (const c of all) {
      const text = image.name ? `${image.name}:${c.text}` : c.text;
      const speculative = image.speculative || c.speculative;
      const prev = tags.find((t) => t.text === text);
      if (prev) prev.speculative &&= speculative;
      else tags.push({ text, resolved: !text.includes(TOKEN_OPEN), speculative });
    }
  }
  return { tags, version: versionsOf(cands) };
}
