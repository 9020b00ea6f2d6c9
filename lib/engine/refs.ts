/**
 * Docker image reference normalization (github.com/distribution/reference, ParseNormalizedNamed +
 * TagNameOnly), tolerant of `${{ … }}` tokens: each token is swapped for one private-use character that
 * every grammar class accepts, so a token stands for "some characters" and is never lower-cased or split.
 */

export interface ImageRef {
  /** registry host (lower-case, `docker.io` for Docker Hub); "" when the whole name is one unknown token */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
  /** `registry/repository[:tag][@digest]`, with the default tag `latest` when neither tag nor digest is given */
  canonical: string;
}

const TOKEN_RE = /\$\{\{[\s\S]*?\}\}/g;
const PUA_START = 0xe000;
const PUA_END = 0xf8ff;
const T = "\\uE000-\\uF8FF";

// Grammar from distribution/reference/regexp.go, with the token class added where characters are allowed.
const ALNUM = `[a-z0-9${T}]+`;
const PATH_COMPONENT = new RegExp(`^${ALNUM}(?:(?:[._]|__|-+)${ALNUM})*$`);
const HOST_COMPONENT = `(?:[a-zA-Z0-9${T}]|[a-zA-Z0-9${T}][a-zA-Z0-9${T}-]*[a-zA-Z0-9${T}])`;
const DOMAIN = new RegExp(`^(?:${HOST_COMPONENT}(?:\\.${HOST_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9${T}]+)?$`);
const TAG = new RegExp(`^[\\w${T}][\\w.${T}-]{0,127}$`);
const DIGEST = new RegExp(`^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F${T}]{1,}$`);
const HEX64 = /^[a-f0-9]{64}$/;

interface Tokenized {
  text: string;
  tokens: string[];
}

function tokenize(input: string): Tokenized | null {
  const tokens: string[] = [];
  let overflow = false;
  const text = input.replace(TOKEN_RE, (m) => {
    if (tokens.length > PUA_END - PUA_START) {
      overflow = true;
      return m;
    }
    tokens.push(m);
    return String.fromCharCode(PUA_START + tokens.length - 1);
  });
  if (overflow) return null;
  return { text, tokens };
}

function detokenize(s: string, tokens: string[]): string {
  if (tokens.length === 0) return s;
  let out = "";
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c >= PUA_START && c <= PUA_END && c - PUA_START < tokens.length) out += tokens[c - PUA_START];
    else out += ch;
  }
  return out;
}

function isSingleToken(s: string): boolean {
  if (s.length !== 1) return false;
  const c = s.charCodeAt(0);
  return c >= PUA_START && c <= PUA_END;
}

/**
 * Normalize an image reference as `docker pull` does. Returns null for a reference Docker would reject
 * (upper-case repository, bad tag, empty parts, a 64-hex id, …).
 */
export function normalizeImageRef(input: string): ImageRef | null {
  const trimmed = input.trim();
  if (trimmed === "" || trimmed.length > 4096) return null;
  const tk = tokenize(trimmed);
  if (!tk) return null;
  let s = tk.text;
  if (/[\s]/.test(s)) return null;

  // A ref that is one opaque token (`${{ env.IMAGE }}`) may hold registry, name and tag: nothing is known.
  if (isSingleToken(s)) {
    return { registry: "", repository: trimmed, canonical: trimmed };
  }

  let digest: string | undefined;
  const at = s.indexOf("@");
  if (at >= 0) {
    digest = s.slice(at + 1);
    s = s.slice(0, at);
    if (!DIGEST.test(digest)) return null;
  }

  let tag: string | undefined;
  const lastSlash = s.lastIndexOf("/");
  const colon = s.indexOf(":", lastSlash + 1);
  if (colon >= 0) {
    tag = s.slice(colon + 1);
    s = s.slice(0, colon);
    if (!TAG.test(tag)) return null;
  }
  if (s === "") return null;
  if (HEX64.test(s)) return null;

  let registry: string;
  let remainder: string;
  const slash = s.indexOf("/");
  const first = slash >= 0 ? s.slice(0, slash) : "";
  const firstLooksLikeHost =
    slash >= 0 &&
    (/[.:]/.test(first) || first === "localhost" || first.toLowerCase() !== first || isSingleToken(first));
  if (slash < 0 && isSingleToken(s)) {
    // `${{ env.IMAGE }}:tag`: the name is unknown, its registry too.
    registry = "";
    remainder = s;
  } else if (!firstLooksLikeHost) {
    registry = "docker.io";
    remainder = s;
  } else {
    registry = first;
    remainder = s.slice(slash + 1);
    if (!DOMAIN.test(registry)) return null;
    registry = registry.toLowerCase();
  }
  if (registry === "index.docker.io") registry = "docker.io";
  if (registry === "docker.io" && !remainder.includes("/")) remainder = `library/${remainder}`;
  if (remainder.toLowerCase() !== remainder) return null;
  if (!remainder.split("/").every((c) => PATH_COMPONENT.test(c))) return null;

  const repoText = detokenize(remainder, tk.tokens);
  const regText = detokenize(registry, tk.tokens);
  const tagText = tag === undefined ? undefined : detokenize(tag, tk.tokens);
  const digestText = digest === undefined ? undefined : detokenize(digest, tk.tokens);
  const effectiveTag = tagText ?? (digestText === undefined ? "latest" : undefined);
  const name = regText === "" ? repoText : `${regText}/${repoText}`;
  const canonical = `${name}${effectiveTag !== undefined ? `:${effectiveTag}` : ""}${digestText !== undefined ? `@${digestText}` : ""}`;
  const out: ImageRef = { registry: regText, repository: repoText, canonical };
  if (effectiveTag !== undefined) out.tag = effectiveTag;
  if (digestText !== undefined) out.digest = digestText;
  return out;
}

/** True when the text still holds an unresolved `${{ }}` token. */
export function hasOpaqueToken(text: string): boolean {
  return /\$\{\{[\s\S]*?\}\}/.test(text);
}

/** Internal helper exported for tests and for callers that need to know if a part is unknown. */
export function refHasUnknownParts(ref: ImageRef): boolean {
  return ref.registry === "" || hasOpaqueToken(ref.canonical);
}
