import { createHash } from "node:crypto";
import type { RequestStats } from "@/lib/github/client";
import { createLimiter, limiterFor, type Limiter } from "@/lib/github/limiter";
import { registerSecret } from "@/lib/github/redact";
import { RegistryError, TransientError, discardBody, failure, networkFailure, readBytes, readJson, transientOrText, withRetries } from "./http";
import { isDigest, parseRegistryRef } from "./refs";
import { createTokenSource } from "./token";
import { parseWwwAuthenticate } from "./www-authenticate";

export { RegistryError } from "./http";

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

export interface RegistryClientOptions {
  /** where the registry is reached, e.g. https://ghcr.io or the fake server's URL */
  registryUrl: string;
  /** GitHub token used as the Basic password at the token endpoint */
  token?: string;
  /** Basic username at the token endpoint (GHCR accepts any; default "cacheguard") */
  username?: string;
  /** the registry host refs name (`resolve` takes it besides ghcr.io and the URL's own host); default ghcr.io */
  host?: string;
  /** a docker identity token (OAuth2 refresh token) traded for pull tokens instead of Basic */
  identityToken?: string;
  /** a registry access token sent as `Authorization: Bearer` as it is (no token exchange) */
  bearerToken?: string;
  /** what a refused credential means on this registry, for its error messages (default: GHCR's read:packages advice) */
  refusedHint?: string;
  stats?: RequestStats;
  /** defaults to the limiter of the GitHub client created with the same `stats` object */
  limiter?: Limiter;
  fetch?: typeof fetch;
  /**
   * retries of 429, 5xx, secondary rate limits, network errors and bodies cut short (default 3),
   * and their base backoff (default 500 ms, doubled each time)
   */
  maxRetries?: number;
  retryBaseMs?: number;
  /** the longest Retry-After the client waits out (default 30 s) */
  maxRetryAfterMs?: number;
  /** a request (headers and body) that takes longer is abandoned and retried (default 60 s) */
  requestTimeoutMs?: number;
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
  /**
   * Before reading many repositories: learn the token realm from `GET /v2/` and fetch pull tokens for
   * `names` a batch at a time (one token request per batch). Optional: without it every repository
   * pays its own token request. Never throws: a read that then fails says why.
   */
  prepare(names: string[], batch?: number): Promise<void>;
}

export function createRegistryClient(opts: RegistryClientOptions): RegistryClient {
  const base = opts.registryUrl.replace(/\/+$/, "");
  const baseHost = new URL(base).host;
  const stats = opts.stats ?? { rest: 0, graphql: 0, registry: 0 };
  // same stats object as the GitHub client: share its limiter (one concurrency cap per scan)
  const limiter = opts.limiter ?? limiterFor(opts.stats) ?? createLimiter(4);
  const doFetch = opts.fetch ?? globalThis.fetch;
  const policy = { maxRetries: opts.maxRetries ?? 3, retryBaseMs: opts.retryBaseMs ?? 500, maxRetryAfterMs: opts.maxRetryAfterMs ?? 30_000 };
  const timeoutMs = opts.requestTimeoutMs ?? 60_000;
  const pageSize = opts.tagsPageSize ?? 1000;
  const basic = opts.token ? Buffer.from(`${opts.username ?? "cacheguard"}:${opts.token}`).toString("base64") : undefined;
  registerSecret(opts.token);
  registerSecret(basic);
  registerSecret(opts.identityToken);
  registerSecret(opts.bearerToken);
  const direct = opts.bearerToken ? `Bearer ${opts.bearerToken}` : undefined;
  const credentialed = !!(basic || opts.identityToken || direct);

  /** the authorization that worked last for a repository name */
  const authFor = new Map<string, string>();
  /** the bearer realm learned from the first challenge: later repositories skip their own 401 round trip */
  let knownRealm: { realm: string; service?: string } | null = null;
  let discovery: Promise<void> | null = null;

  const rawFetch = (url: string, init: RequestInit) =>
    limiter.run(async () => {
      stats.registry++;
      // the timeout covers the body too: a connection that stalls mid-body is abandoned and retried
      return doFetch(url, { ...init, redirect: "follow", signal: AbortSignal.timeout(timeoutMs) });
    });
  const tokens = createTokenSource({ fetch: rawFetch, basic, identityToken: opts.identityToken, refused: opts.refusedHint, policy, base });

  /**
   * One registry request: the auth handshake, then `read` of the answer, with bounded retries of
   * whatever is transient (429/5xx/secondary rate limit, network errors, bodies cut short).
   */
  async function send<T>(name: string, method: "GET" | "HEAD", url: string, accept: string | undefined, read: (res: Response) => Promise<T>): Promise<T> {
    // The first request learns the token realm from its 401; requests started meanwhile wait for
    // it instead of each paying their own challenge round trip.
    let discovered: (() => void) | undefined;
    if (!direct && !knownRealm && !authFor.has(name)) {
      if (discovery) await discovery;
      else discovery = new Promise<void>((resolve) => (discovered = resolve));
    }
    try {
      return await sendAuthorized(name, method, url, accept, read);
    } finally {
      discovered?.();
    }
  }

  async function sendAuthorized<T>(name: string, method: "GET" | "HEAD", url: string, accept: string | undefined, read: (res: Response) => Promise<T>): Promise<T> {
    if (!direct && !authFor.has(name) && knownRealm) {
      authFor.set(name, `Bearer ${await tokens.get(knownRealm.realm, knownRealm.service, `repository:${name}:pull`)}`);
    }
    let authTried = false;
    const once = async (): Promise<Response> => {
      const headers: Record<string, string> = {};
      if (accept) headers.Accept = accept;
      const auth = direct ?? authFor.get(name);
      if (auth) headers.Authorization = auth;
      try {
        return await rawFetch(url, { method, headers });
      } catch (err) {
        throw networkFailure(err, base);
      }
    };
    return withRetries(policy, async () => {
      let res = await once();
      if (res.status === 401 && !authTried && !direct) {
        authTried = true; // the handshake is not a retry, but happens once per request
        const challenge = parseWwwAuthenticate(res.headers.get("www-authenticate") ?? "");
        discardBody(res);
        const bearer = challenge.find((c) => c.scheme === "bearer");
        if (bearer?.params.realm) {
          const scope = bearer.params.scope ?? `repository:${name}:pull`;
          knownRealm = { realm: bearer.params.realm, service: bearer.params.service };
          const hadToken = authFor.get(name)?.startsWith("Bearer ") ?? false;
          authFor.set(name, `Bearer ${await tokens.get(bearer.params.realm, bearer.params.service, scope, hadToken)}`);
          res = await once();
        } else if (challenge.some((c) => c.scheme === "basic") && basic) {
          authFor.set(name, `Basic ${basic}`);
          res = await once();
        }
      }
      if (res.status === 401) {
        discardBody(res);
        throw new RegistryError(
          credentialed ? `The registry rejected the credentials for ${name} (401)` : `The registry refused to let ${name} be read without credentials (401)`,
          401, "UNAUTHORIZED",
        );
      }
      return read(res);
    });
  }

  /** Throw the right error for a non-2xx answer: transient ones are retried by `send`. */
  async function ensureOk(res: Response, doing: string): Promise<void> {
    if (res.ok) return;
    const c = await transientOrText(res, doing);
    if ("transient" in c) throw c.transient;
    throw await failure(res, doing, c.text);
  }

  async function prepare(names: string[], batch = 10): Promise<void> {
    if (direct || names.length === 0) return;
    if (!knownRealm) {
      try {
        const res = await rawFetch(`${base}/v2/`, { method: "GET", headers: {} });
        const bearer = res.status === 401 ? parseWwwAuthenticate(res.headers.get("www-authenticate") ?? "").find((c) => c.scheme === "bearer") : undefined;
        discardBody(res);
        if (bearer?.params.realm) knownRealm = { realm: bearer.params.realm, service: bearer.params.service };
      } catch {
        return; // the reads report the network error
      }
    }
    const realm = knownRealm;
    if (!realm) return; // no token auth (an open registry, or Basic): nothing to fetch ahead
    const todo = names.filter((n) => !authFor.has(n));
    const chunks: string[][] = [];
    for (let i = 0; i < todo.length; i += batch) chunks.push(todo.slice(i, i + batch));
    // the batches side by side (each is one request through the limiter)
    await Promise.all(chunks.map((chunk) => tokens.prefetch(realm.realm, realm.service, chunk.map((n) => `repository:${n}:pull`))));
  }

  const manifestUrl = (name: string, ref: string) => `${base}/v2/${name}/manifests/${encodeURIComponent(ref)}`;

  const client: RegistryClient = {
    registryUrl: base,
    stats,
    prepare,
    resolve(ref: string) {
      const r = parseRegistryRef(ref);
      if (!r) throw new RegistryError(`'${ref}' is not an image reference`);
      if (r.host !== (opts.host ?? "ghcr.io") && r.host !== baseHost) {
        throw new RegistryError(opts.host ? `this client reads ${opts.host}; '${ref}' is on ${r.host}` : `cacheguard reads ghcr.io only; '${ref}' is on ${r.host}`);
      }
      const reference = r.digest ?? r.tag ?? "latest";
      return { name: r.name, reference, ...(r.tag ? { tag: r.tag } : {}), ...(r.digest ? { digest: r.digest } : {}) };
    },

    async listTags(name: string): Promise<string[]> {
      const tags: string[] = [];
      const seen = new Set<string>();
      const doing = `listing the tags of ${name}`;
      const incomplete = (why: string) => new RegistryError(`The tag list of ${name} is incomplete: ${why}`, undefined, "INCOMPLETE");
      let url: string | null = `${base}/v2/${name}/tags/list?n=${pageSize}`;
      for (let page = 0; url; page++) {
        if (page >= 10_000) throw incomplete("it did not end after 10,000 pages");
        const here: string = url;
        const { pageTags, next } = await send(name, "GET", here, undefined, async (res) => {
          await ensureOk(res, doing);
          // a page cut short would silently drop tags: readJson makes it a retried failure
          const body = (await readJson(res, doing)) as { tags?: unknown } | null;
          const listed = body !== null && typeof body === "object" ? body.tags : undefined;
          // `tags: null` is how some registries say "none"; anything else that is not a list of names is not an answer
          if (!(listed === null || (Array.isArray(listed) && listed.every((t) => typeof t === "string")))) {
            throw new TransientError(incomplete(`page ${page + 1} is not a list of tags`));
          }
          const pageTags = (listed ?? []) as string[];
          const next = nextLink(res.headers.get("link"), here);
          // the next page continues after this page's last tag (distribution's `last`): a link that
          // starts anywhere else, or continues after an empty page, skips tags
          const last = next ? new URL(next).searchParams.get("last") : null;
          if (next && (pageTags.length === 0 || (last !== null && last !== pageTags[pageTags.length - 1]))) {
            throw new TransientError(incomplete(`page ${page + 1} ends at ${JSON.stringify(pageTags[pageTags.length - 1] ?? "")} but its next link continues after ${JSON.stringify(last ?? "")}`));
          }
          return { pageTags, next };
        });
        let added = 0;
        for (const t of pageTags) if (!seen.has(t)) (seen.add(t), tags.push(t), added++);
        // a page that repeats what was read (the registry ignored `last`) would loop, or hide the rest
        if ((next || page > 0) && pageTags.length > 0 && added === 0) throw incomplete(`page ${page + 1} repeats tags already listed`);
        if (next) url = next;
        // no Link but a full page: ask for the tags after the last one (OCI `last`), until a page is
        // short. A page longer than asked is a registry that ignores `n` (distribution 2.8): it
        // ignores `last` too, so asking again would only repeat the list it just sent in full.
        else if (pageTags.length === pageSize) url = `${base}/v2/${name}/tags/list?n=${pageSize}&last=${encodeURIComponent(pageTags[pageTags.length - 1])}`;
        else url = null;
      }
      return tags;
    },

    async headManifest(name: string, ref: string): Promise<ManifestHead | null> {
      const head = await send(name, "HEAD", manifestUrl(name, ref), MANIFEST_ACCEPT, async (res) => {
        if (res.status === 404) {
          discardBody(res);
          return null;
        }
        await ensureOk(res, `reading ${refText(name, ref)}`);
        discardBody(res);
        const len = res.headers.get("content-length");
        return {
          digest: res.headers.get("docker-content-digest"),
          mediaType: stripParams(res.headers.get("content-type")),
          size: len && /^\d+$/.test(len) ? Number(len) : null,
        };
      });
      if (!head) return null;
      if (!head.digest || !head.mediaType) {
        // some registries omit the digest on HEAD: the GET computes it
        const m = await client.getManifest(name, ref);
        return { digest: m.digest, mediaType: m.mediaType, size: m.size };
      }
      return { digest: head.digest, mediaType: head.mediaType, size: head.size };
    },

    async getManifest(name: string, ref: string): Promise<Manifest> {
      // bytes that do not hash to the digest may be a glitch in transit: fetch once more, then report
      for (let fetches = 1; ; fetches++) {
        try {
          return await send(name, "GET", manifestUrl(name, ref), MANIFEST_ACCEPT, (res) => readManifest(res, name, ref, fetches));
        } catch (err) {
          if (fetches < 2 && err instanceof RegistryError && err.code === "DIGEST_INVALID") continue;
          throw err;
        }
      }
    },
  };
  return client;

  async function readManifest(res: Response, name: string, ref: string, fetches: number): Promise<Manifest> {
    const doing = `reading ${refText(name, ref)}`;
    await ensureOk(res, doing);
    const bytes = await readBytes(res, doing);
    const headerDigest = res.headers.get("docker-content-digest");
    const expected = isDigest(ref) ? ref : headerDigest;
    const algo = (expected?.split(":")[0] ?? "sha256").toLowerCase();
    const computed = `${algo}:${createHash(algo === "sha512" ? "sha512" : "sha256").update(bytes).digest("hex")}`;
    if (expected && (algo === "sha256" || algo === "sha512") && expected !== computed) {
      const times = fetches > 1 ? ` (fetched ${fetches} times)` : "";
      throw new RegistryError(`Digest mismatch for ${name}@${expected}: the bytes served hash to ${computed}${times}`, res.status, "DIGEST_INVALID");
    }
    const raw = bytes.toString("utf8");
    let body: unknown = null;
    try {
      body = JSON.parse(raw);
    } catch {
      // whole (its length or digest checked) but not JSON: the classifier says why. With nothing to
      // check it against, bytes that do not parse are a body cut short: retried, never classified.
      const len = res.headers.get("content-length");
      const lengthChecked = !!len && /^\d+$/.test(len) && (res.headers.get("content-encoding") ?? "identity").trim().toLowerCase() === "identity";
      const digestChecked = !!expected && (algo === "sha256" || algo === "sha512");
      if (!lengthChecked && !digestChecked) {
        throw new TransientError(new RegistryError(`The registry's answer was cut short while ${doing}: it is not JSON and has no length or digest to check`, res.status, "TRUNCATED"));
      }
      body = null;
    }
    const bodyType = body && typeof body === "object" && typeof (body as { mediaType?: unknown }).mediaType === "string" ? (body as { mediaType: string }).mediaType : "";
    return { digest: expected ?? computed, mediaType: stripParams(res.headers.get("content-type")) || bodyType, body, raw, size: bytes.length };
  }
}

const refText = (name: string, ref: string) => (isDigest(ref) ? `${name}@${ref}` : `${name}:${ref}`);

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
