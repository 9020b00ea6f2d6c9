/**
 * Input parsing for docker/metadata-action (v3–v5): one entry per line, each line a CSV record
 * whose fields are `key=value` (a bare field is the value). Opaque `${{ }}` tokens are kept whole.
 */
import { findClose } from "./branch";
import { TOKEN_OPEN } from "./types";

/** Non-empty lines, `#` comment lines dropped (the action reads its list inputs this way). */
export function inputLines(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/** Splits one CSV record: double quotes group (`""` escapes), tokens are never split. Fields trimmed. */
export function splitCsv(line: string): string[] {
  const fields: string[] = [];
  let cur = "";
  let inQuote = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (!inQuote && line.startsWith(TOKEN_OPEN, i)) {
      const end = findClose(line, i + TOKEN_OPEN.length);
      if (end >= 0) {
        cur += line.slice(i, end + 2);
        i = end + 1;
        continue;
      }
    }
    if (c === '"') {
      if (inQuote && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else inQuote = !inQuote;
    } else if (c === "," && !inQuote) {
      fields.push(cur.trim());
      cur = "";
    } else cur += c;
  }
  fields.push(cur.trim());
  return fields.filter((f) => f !== "");
}

/** `key=value` split at the first `=` outside a token; null key for a bare value. */
export function splitKeyValue(field: string): { key: string | null; value: string } {
  for (let i = 0; i < field.length; i++) {
    if (field.startsWith(TOKEN_OPEN, i)) {
      const end = findClose(field, i + TOKEN_OPEN.length);
      if (end < 0) break;
      i = end + 1;
      continue;
    }
    if (field[i] === "=") return { key: field.slice(0, i).trim().toLowerCase(), value: field.slice(i + 1).trim() };
  }
  return { key: null, value: field.trim() };
}

export const TAG_TYPES = ["schedule", "semver", "pep440", "match", "edge", "ref", "raw", "sha"] as const;
export type TagType = (typeof TAG_TYPES)[number];

const DEFAULT_PRIORITY: Record<TagType, number> = {
  schedule: 1000,
  semver: 900,
  pep440: 900,
  match: 800,
  edge: 700,
  ref: 600,
  raw: 200,
  sha: 100,
};

export interface TagSpec {
  type: TagType;
  attrs: Record<string, string>;
  priority: number;
  /** the line only exists on some runs (it came from an unknown `${{ }}` condition) */
  speculative: boolean;
}

export const DEFAULT_TAGS = ["type=schedule", "type=ref,event=branch", "type=ref,event=tag", "type=ref,event=pr"];

/**
 * parseTagLine() for computeMetadataOutputs: the same lines come back for every matrix combination and
 * step, and the answer depends on the text alone. Bounded; the specs are shared, so nobody changes them.
 */
const tagSpecs = new Map<string, TagSpec | null>();
export function tagSpecOf(line: string, speculative: boolean): TagSpec | null {
  const key = `${speculative ? "1" : "0"}${line}`;
  let spec = tagSpecs.get(key);
  if (spec === undefined) {
    if (tagSpecs.size >= 5_000) tagSpecs.clear();
    spec = parseTagLine(line, speculative);
    tagSpecs.set(key, spec);
  }
  return spec;
}

/** Parses one tags line as the action does; null where the action would fail on it. */
export function parseTagLine(line: string, speculative: boolean): TagSpec | null {
  const attrs: Record<string, string> = {};
  let type: string | undefined;
  for (const field of splitCsv(line)) {
    const { key, value } = splitKeyValue(field);
    if (key === null) attrs.value = value;
    else if (key === "type") type = value;
    else attrs[key] = value;
  }
  const t = (type ?? "raw") as TagType;
  if (!TAG_TYPES.includes(t)) return null;
  const has = (k: string) => Object.prototype.hasOwnProperty.call(attrs, k);
  switch (t) {
    case "schedule":
      if (!has("pattern")) attrs.pattern = "nightly";
      break;
    case "semver":
    case "pep440":
    case "match":
      if (!has("pattern")) return null;
      if (!has("value")) attrs.value = "";
      if (t === "match" && !has("group")) attrs.group = "0";
      break;
    case "edge":
      if (!has("branch")) attrs.branch = "";
      break;
    case "ref":
      if (!["branch", "tag", "pr"].includes(attrs.event ?? "")) return null;
      if (attrs.event === "pr" && !has("prefix")) attrs.prefix = "pr-";
      break;
    case "raw":
      if (!has("value")) return null;
      break;
    case "sha":
      if (!has("prefix")) attrs.prefix = "sha-";
      if (!has("format")) attrs.format = "short";
      if (attrs.format !== "short" && attrs.format !== "long") return null;
      break;
  }
  if (!has("enable")) attrs.enable = "true";
  const priority = has("priority") ? Number(attrs.priority) : DEFAULT_PRIORITY[t];
  return { type: t, attrs, priority: Number.isNaN(priority) ? DEFAULT_PRIORITY[t] : priority, speculative };
}

export interface Flavor {
  latest: "auto" | "true" | "false";
  prefix: string;
  prefixLatest: boolean;
  suffix: string;
  suffixLatest: boolean;
  /** a value could not be read before the run */
  speculative: boolean;
}

export function parseFlavor(lines: string[]): Flavor {
  const f: Flavor = { latest: "auto", prefix: "", prefixLatest: false, suffix: "", suffixLatest: false, speculative: false };
  for (const line of lines) {
    let onlatestFor = "";
    for (const field of splitCsv(line)) {
      const { key, value } = splitKeyValue(field);
      if (value.includes(TOKEN_OPEN)) f.speculative = true;
      if (key === "latest") {
        if (value === "auto" || value === "true" || value === "false") f.latest = value;
      } else if (key === "prefix") {
        f.prefix = value;
        onlatestFor = "prefix";
      } else if (key === "suffix") {
        f.suffix = value;
        onlatestFor = "suffix";
      } else if (key === "onlatest") {
        if (onlatestFor === "prefix") f.prefixLatest = value === "true";
        if (onlatestFor === "suffix") f.suffixLatest = value === "true";
      }
    }
  }
  return f;
}

export interface ImageSpec {
  name: string;
  speculative: boolean;
}

/**
 * The `images` input: one line of comma-separated names (old form), or one image per line with
 * optional `name=…,enable=…`. Disabled images are dropped; an unknown `enable` is speculative.
 */
export function parseImages(text: string, speculative: boolean): ImageSpec[] {
  const lines = inputLines(text);
  if (lines.length === 1) {
    const fields = splitCsv(lines[0]);
    if (fields.every((f) => splitKeyValue(f).key === null)) return fields.map((name) => ({ name, speculative }));
  }
  const out: ImageSpec[] = [];
  for (const line of lines) {
    let name = "";
    let enable = "true";
    for (const field of splitCsv(line)) {
      const { key, value } = splitKeyValue(field);
      if (key === null || key === "name") name = value;
      else if (key === "enable") enable = value;
    }
    if (!name || enable === "false") continue;
    out.push({ name, speculative: speculative || enable !== "true" });
  }
  return out;
}
