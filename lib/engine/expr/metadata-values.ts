/**
 * Values metadata-action computes at run time. What depends on the event or the commit becomes an
 * opaque `${{ meta.… }}` token, so two workflows tagging with the same rule produce equal text.
 */
import { splitTokens, tokenOf } from "./branch";
import { quoteString } from "./print";

export interface Piece {
  text: string;
  /** only exists on some events (branch, tag or PR dependent) */
  speculative: boolean;
}

const EVENT_GLOBALS: Record<string, string> = {
  branch: "meta.ref.branch",
  tag: "meta.ref.tag",
  base_ref: "meta.base_ref",
  is_default_branch: "meta.is_default_branch",
};

/** Renders the action's handlebars globals (`{{branch}}`, `{{sha}}`, `{{date 'YYYYMMDD'}}`) outside tokens. */
export function renderGlobals(text: string): Piece {
  // Most values hold no `{{` at all (no global, no token): nothing to render.
  if (!text.includes("{{")) return { text, speculative: false };
  let speculative = false;
  const out = splitTokens(text)
    .map((part) => {
      if (part.token) return part.text;
      return part.text.replace(/\{\{\s*([A-Za-z_]+)([^}]*)\}\}/g, (_m, name: string, rest: string) => {
        const n = name.toLowerCase();
        if (n in EVENT_GLOBALS) {
          speculative = true;
          return tokenOf(EVENT_GLOBALS[n]);
        }
        if (n === "sha") return tokenOf("meta.sha.short");
        if (n === "date" || n === "commit_date") return tokenOf(`meta.${n}(${handlebarsArgs(rest)})`);
        return ""; // handlebars prints nothing for an unknown name
      });
    })
    .join("");
  return { text: out, speculative };
}

/** `'YYYYMMDD' tz='Asia/Tokyo'` -> `'YYYYMMDD', 'Asia/Tokyo'` (canonical token arguments). */
function handlebarsArgs(rest: string): string {
  const args: string[] = [];
  for (const m of rest.matchAll(/(?:[A-Za-z_]+=)?(?:'([^']*)'|"([^"]*)"|(\S+))/g)) {
    args.push(quoteString(m[1] ?? m[2] ?? m[3] ?? ""));
  }
  return args.join(", ");
}

/** Docker tag sanitation the action applies (invalid runs become `-`), tokens left intact. */
export function sanitizeTag(text: string): string {
  // (without a token the whole text is one literal part)
  if (!text.includes("${{")) return text.replace(/[^a-zA-Z0-9._-]+/g, "-");
  return splitTokens(text)
    .map((p) => (p.token ? p.text : p.text.replace(/[^a-zA-Z0-9._-]+/g, "-")))
    .join("");
}

export function lowerOutsideTokens(text: string): string {
  if (!text.includes("${{")) return text.toLowerCase();
  return splitTokens(text)
    .map((p) => (p.token ? p.text : p.text.toLowerCase()))
    .join("");
}

interface SemVer {
  raw: string;
  version: string;
  major: number;
  minor: number;
  patch: number;
  prerelease: string;
}

/** Loose semver parse (leading `v` / `=` allowed), enough for the action's patterns. */
export function parseSemver(raw: string): SemVer | null {
  const m = /^[=v\s]*(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(raw.trim());
  if (!m) return null;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const prerelease = m[4] ?? "";
  const version = `${major}.${minor}.${patch}${prerelease ? `-${prerelease}` : ""}`;
  return { raw, version, major, minor, patch, prerelease };
}

/** A semver pattern applied to a known version; prereleases get `{{version}}` unless the pattern is `{{raw}}`. */
export function renderSemver(pattern: string, v: SemVer): string {
  const fields: Record<string, string> = {
    raw: v.raw,
    version: v.version,
    major: String(v.major),
    minor: String(v.minor),
    patch: String(v.patch),
    prerelease: v.prerelease.split(".").join(","),
  };
  const isRaw = /^\{\{\s*raw\s*\}\}$/.test(pattern.trim());
  const p = v.prerelease && !isRaw ? "{{version}}" : pattern;
  return p.replace(/\{\{\s*([A-Za-z_]+)\s*\}\}/g, (_m, n: string) => fields[n.toLowerCase()] ?? "");
}
