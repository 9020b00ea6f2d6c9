import { createHash } from "node:crypto";
import type { RequestStats } from "@/lib/github/client";
import { createLimiter, limiterFor, type Limiter } from "@/lib/github/limiter";
import { redact, registerSecret } from "@/lib/github/redact";
import { parseWwwAuthenticate } from "./www-authenticate";
import { isDigest, parseRegistryRef } from "./refs";

/** DESIGN.md's Accept list: GHCR answers 404 to an OCI index requested without the OCI types. */
export const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

export interface ManifestHead { digest: string; mediaType: string; size: number | null }
export interface Manifest {
  digest: string;
  mediaType: string;
  /** parsed JSON, or null when the bytes are not JSON (the classifier says why) */
  body: unknown;
  raw: string;
  size: number;
}

export class RegistryError extends Error {
  readonly status: number | undefined;
  readonly code: string | undefined;
  constructor(message: string, status?: number, code?: string) {
    super(redact(message));
    this.name = "RegistryError";
    this.status = status;
    this.code = code;
  }
}

export interface RegistryClientOptions {
  /** where the registry is reached, e.g. https://ghcr.io or the fake server's URL */
  registryUrl: string;
  /** GitHub token used as the Basic password at the token endpoint */
  token?: string;
  /** Basic username at the token endpoint (GHCR accepts any; default "cacheguard") */
  username?: string;
  stats?: RequestStats;
  /** defaults to the limiter of the GitHub client created with the same `stats` object */
  limiter?: Limiter;
  fetch?: typeof fetch;
  /** retries of 429/5xx/network errors (default 3) and their base backoff (default 500 ms) */
  maxRetries?: number;
  retryBaseMs?: number;
  /** the longest Retry-After the client waits out (default 30 s) */
  maxRetryAfterMs?: number;
  /** tags per tags/list page (default 1000) */
  tagsPageSize?: number;
}

export interface RegistryClient {
  readonly registryUrl: string;
  readonly stats: RequestStats;
  listTags(name: string): Promise<string[]>;
  headManifest(name: string, ref: string): Promise<ManifestHead | null>;
  /** throws RegistryError (status 404, code MANIFEST_UNKNOWN) when the manifest does not exist */
  getManifest(name: string, ref: string): Promise<Manifest>;
  /** map `ghcr.io/OWNER/NAME[:TAG][@DIGEST]` to the repository name and reference at registryUrl */
  resolve(ref: string): { name: string; reference: string; tag?: string; digest?: string };
}

export function createRegistryClient(opts: RegistryClientOptions): RegistryClient {
  const base = opts.registryUrl.replace(/\/+$/, "");
  const baseHost = new URL(base).host;
  const stats = opts.stats ?? { rest: 0, graphql: 0, registry: 0 };
  // same stats object as the GitHub client: share its limiter (one concurrency cap per scan)
  const limiter = opts.limiter ?? limiterFor(opts.stats) ?? createLimiter(4);
  const doFetch = opts.fetch ?? globalThis.fetch;
  const maxRetries = opts.maxRetries ?? 3;
  const retryBaseMs = opts.retryBaseMs ?? 500;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 30_000;
  const pageSize = opts.tagsPageSize ?? 1000;
  const basic = opts.token ? Buffer.from(`${opts.username ?? "cacheguard"}:${opts.token}`).toString("base64") : undefined;
  registerSecret(opts.token);
  registerSecret(basic);

  /** bearer tokens per "realm|service|scope"; in-flight requests shared */
  const tokens = new Map<string, Promise<string>>();
  /** the authorization that worked last for a repository name */
  const authFor = new Map<string, string>();
  /** the bearer realm learned from the first challenge: later repositories skip their own 401 round trip */
  let knownRealm: { realm: string; service?: string } | null = null;

  const rawFetch = (url: string, init: RequestInit) =>
    limiter.run(async () => {
      stats.registry++;
      return doFetch(url, { ...init, redirect: "follow" });
    });

  async function fetchToken(realm: string, service: string | undefined, scope: string, fresh = false): Promise<string> {
    const key = `${realm}|${service ?? ""}|${scope}`;
    if (fresh) tokens.delete(key); // the cached token was refused: it expired
    let p = tokens.get(key);
    if (!p) {
      p = (async () => {
        const u = new URL(realm);
        if (service) u.searchParams.set("service", service);
        u.searchParams.set("scope", scope);
        const res = await rawFetch(u.href, { headers: basic ? { Authorization: `Basic ${basic}` } : {} });
        if (!res.ok) {
          const why = res.status === 401 || res.status === 403
            ? "the token was refused; it needs the read:packages scope and access to the package"
            : await errorText(res);
          throw new RegistryError(`The registry refused a pull token for ${scope} (${res.status}): ${why}`, res.status, "DENIED");
        }
        const json = (await res.json().catch(() => ({}))) as { token?: string; access_token?: string };
        const t = json.token ?? json.access_token;
        if (!t) throw new RegistryError(`The registry's token endpoint answered without a token for ${scope}`, res.status);
        registerSecret(t);
        return t;
      })();
      tokens.set(key, p);
      p.catch(() => tokens.delete(key));
    }
    return p;
  }

  /** One registry request with the auth handshake and bounded retries of 429/5xx/network failures. */
  async function send(name: string, method: "GET" | "HEAD", url: string, accept?: string): Promise<Response> {
    let authTried = false;
    if (!authFor.has(name) && knownRealm) {
      authFor.set(name, `Bearer ${await fetchToken(knownRealm.realm, knownRealm.service, `repository:${name}:pull`)}`);
    }
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = {};
      if (accept) headers.Accept = accept;
      const auth = authFor.get(name);
      if (auth) headers.Authorization = auth;
      let res: Response;
      try {
        res = await rawFetch(url, { method, headers });
      } catch (err) {
        if (attempt < maxRetries) {
          await sleep(retryBaseMs * 2 ** attempt);
          continue;
        }
        const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
        throw new RegistryError(`Could not reach the registry at ${base}: ${cause}`);
      }
      if (res.status === 401 && !authTried) {
        authTried = true;
        const challenge = parseWwwAuthenticate(res.headers.get("www-authenticate") ?? "");
        discardBody(res);
        const bearer = challenge.find((c) => c.scheme === "bearer");
        if (bearer?.params.realm) {
          const scope = bearer.params.scope ?? `repository:${name}:pull`;
          knownRealm = { realm: bearer.params.realm, service: bearer.params.service };
          const hadToken = authFor.get(name)?.startsWith("Bearer ") ?? false;
          authFor.set(name, `Bearer ${await fetchToken(bearer.params.realm, bearer.params.service, scope, hadToken)}`);
          attempt--; // the handshake is not a retry
          continue;
        }
        if (challenge.some((c) => c.scheme === "basic") && basic) {
          authFor.set(name, `Basic ${basic}`);
          attempt--;
          continue;
        }
      }
      if (res.status === 401) {
        discardBody(res);
        throw new RegistryError(`The registry rejected the credentials for ${name} (401)`, 401, "UNAUTHORIZED");
      }
      if ((res.status === 429 || res.status >= 500) && attempt < maxRetries) {
        const ra = res.headers.get("retry-after");
        const raMs = ra && /^\d+$/.test(ra) ? Number(ra) * 1000 : null;
        discardBody(res);
        if (raMs !== null && raMs > maxRetryAfterMs) {
          throw new RegistryError(`The registry asked to wait ${Math.ceil(raMs / 1000)} s (${res.status}); cacheguard gave up`, res.status, "TOOMANYREQUESTS");
        }
        await sleep(raMs ?? retryBaseMs * 2 ** attempt);
        continue;
      }
      return res;
    }
  }

  const manifestUrl = (name: string, ref: string) => `${base}/v2/${name}/manifests/${encodeURIComponent(ref)}`;

  const client: RegistryClient = {
    registryUrl: base,
    stats,
    resolve(ref: string) {
      const r = parseRegistryRef(ref);
      if (!r) throw new RegistryError(`'${ref}' is not an image reference`);
      if (r.host !== "ghcr.io" && r.host !== baseHost) {
        throw new RegistryError(`cacheguard reads ghcr.io only; '${ref}' is on ${r.host}`);
      }
      const reference = r.digest ?? r.tag ?? "latest";
      return { name: r.name, reference, ...(r.tag ? { tag: r.tag } : {}), ...(r.digest ? { digest: r.digest } : {}) };
    },

    async listTags(name: string): Promise<string[]> {
      const tags: string[] = [];
      const seen = new Set<string>();
      let url: string | null = `${base}/v2/${name}/tags/list?n=${pageSize}`;
      for (let page = 0; url && page < 10_000; page++) {
        const res = await send(name, "GET", url);
        if (!res.ok) throw await failure(res, `listing the tags of ${name}`);
        const body = (await res.json().catch(() => null)) as { tags?: unknown } | null;
        const pageTags = Array.isArray(body?.tags) ? body.tags.filter((t): t is string => typeof t === "string") : [];
        let added = 0;
        for (const t of pageTags) if (!seen.has(t)) (seen.add(t), tags.push(t), added++);
        const next = nextLink(res.headers.get("link"), url);
        if (next) url = next;
        // no Link but a full page: ask for the tags after the last one (OCI `last`), until a page adds nothing
        else if (pageTags.length >= pageSize && added > 0) url = `${base}/v2/${name}/tags/list?n=${pageSize}&last=${encodeURIComponent(pageTags[pageTags.length - 1])}`;
        else url = null;
        if (added === 0) break;
      }
      return tags;
    },

    async headManifest(name: string, ref: string): Promise<ManifestHead | null> {
      const res = await send(name, "HEAD", manifestUrl(name, ref), MANIFEST_ACCEPT);
      if (res.status === 404) return null;
      if (!res.ok) throw await failure(res, `reading ${name}:${ref}`);
      const digest = res.headers.get("docker-content-digest");
      const mediaType = stripParams(res.headers.get("content-type"));
      const len = res.headers.get("content-length");
      if (!digest || !mediaType) {
        // some registries omit the digest on HEAD: the GET computes it
        const m = await client.getManifest(name, ref);
        return { digest: m.digest, mediaType: m.mediaType, size: m.size };
      }
      return { digest, mediaType, size: len && /^\d+$/.test(len) ? Number(len) : null };
    },

    async getManifest(name: string, ref: string): Promise<Manifest> {
      const res = await send(name, "GET", manifestUrl(name, ref), MANIFEST_ACCEPT);
      if (!res.ok) throw await failure(res, `reading ${name}:${ref}`);
      const bytes = Buffer.from(await res.arrayBuffer());
      const headerDigest = res.headers.get("docker-content-digest");
      const expected = isDigest(ref) ? ref : headerDigest;
      const algo = (expected?.split(":")[0] ?? "sha256").toLowerCase();
      const computed = `${algo}:${createHash(algo === "sha512" ? "sha512" : "sha256").update(bytes).digest("hex")}`;
      if (expected && (algo === "sha256" || algo === "sha512") && expected !== computed) {
        throw new RegistryError(`Digest mismatch for ${name}@${expected}: the bytes served hash to ${computed}`, res.status, "DIGEST_INVALID");
      }
      const raw = bytes.toString("utf8");
      let body: unknown = null;
      try {
        body = JSON.parse(raw);
      } catch {
        body = null;
      }
      const bodyType = body && typeof body === "object" && typeof (body as { mediaType?: unknown }).mediaType === "string" ? (body as { mediaType: string }).mediaType : "";
      return { digest: expected ?? computed, mediaType: stripParams(res.headers.get("content-type")) || bodyType, body, raw, size: bytes.length };
    },
  };
  return client;
}

function stripParams(ct: string | null): string {
  return (ct ?? "").split(";")[0].trim();
}

/** `Link: <url>; rel="next"` resolved against the current URL. */
export function nextLink(link: string | null, current: string): string | null {
  if (!link) return null;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /<([^>]*)>\s*;(.*)$/.exec(part.trim());
    if (m && /\brel\s*=\s*"?next"?/i.test(m[2])) return new URL(m[1], current).href;
  }
  return null;
}

async function errorText(res: Response): Promise<string> {
  const text = await res.text().catch(() => "");
  try {
    const j = JSON.parse(text) as { errors?: Array<{ code?: string; message?: string }> };
    if (j.errors?.length) return j.errors.map((e) => [e.code, e.message].filter(Boolean).join(": ")).join("; ");
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 200) || res.statusText;
}

async function failure(res: Response, doing: string): Promise<RegistryError> {
  const text = await errorText(res);
  const code = /^([A-Z_]+)/.exec(text)?.[1];
  if (res.status === 404) return new RegistryError(`Not found while ${doing}: ${text}`, 404, code ?? "MANIFEST_UNKNOWN");
  if (res.status === 403) return new RegistryError(`The registry denied access while ${doing} (403): ${text}`, 403, code ?? "DENIED");
  return new RegistryError(`The registry answered ${res.status} while ${doing}: ${text}`, res.status, code);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Drop a response body we will not read. Never awaited: under Next's patched fetch the body can
 * be one branch of a tee'd stream, and cancelling it waits for the other branch forever.
 */
function discardBody(res: Response): void {
  void res.body?.cancel().catch(() => undefined);
}
