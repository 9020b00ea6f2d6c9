import { rateLimitWaitMs } from "@/lib/github/errors";
import { redact } from "@/lib/github/redact";

/** Shared by the registry client and its token source: errors, bounded retries, reading bodies. */

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

/**
 * A failure worth another try (429, 5xx, a secondary rate limit, a dropped connection, a body cut
 * short). Carries the error to report when the retries run out, and the wait the server asked for.
 */
export class TransientError extends Error {
  constructor(readonly final: RegistryError, readonly retryAfterMs: number | null = null) {
    super(final.message);
    this.name = "TransientError";
  }
}

export interface RetryPolicy {
  maxRetries: number;
  retryBaseMs: number;
  maxRetryAfterMs: number;
}

/** Run `fn` until it succeeds, throws a non-transient error, or the retries run out. */
export async function withRetries<T>(policy: RetryPolicy, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof TransientError)) throw err;
      const { final, retryAfterMs } = err;
      if (retryAfterMs !== null && retryAfterMs > policy.maxRetryAfterMs) {
        throw new RegistryError(
          `${final.message}; the registry asked to wait ${Math.ceil(retryAfterMs / 1000)} s (over the ${Math.ceil(policy.maxRetryAfterMs / 1000)} s limit), so cacheguard gave up`,
          final.status, final.code ?? "TOOMANYREQUESTS",
        );
      }
      if (attempt >= policy.maxRetries) {
        throw new RegistryError(`${final.message} (gave up after ${attempt + 1} attempts)`, final.status, final.code);
      }
      await sleep(retryAfterMs ?? policy.retryBaseMs * 2 ** attempt);
    }
  }
}

/** A fetch that rejected (connection refused or reset, timeout): always worth another try. */
export function networkFailure(err: unknown, base: string): TransientError {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const why = e.name === "TimeoutError" ? "the request timed out" : e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
  return new TransientError(new RegistryError(`Could not reach the registry at ${base}: ${why}`, undefined, "NETWORK"));
}

const RATE_LIMIT_TEXT = /rate limit/i;

/**
 * Classify a non-2xx answer. Returns a TransientError for 429, 5xx and a 403 that is a rate limit
 * (GitHub's "secondary rate limit" text, Retry-After, or x-ratelimit-remaining: 0), else the
 * 403's text (null for other statuses) so the caller can word the permanent failure.
 * 404 is never transient: the thing does not exist.
 */
export async function transientOrText(res: Response, doing: string): Promise<{ transient: TransientError } | { text: string | null }> {
  const headers = Object.fromEntries(res.headers);
  const wait = rateLimitWaitMs(headers);
  const rateLimited = (status: number) =>
    new TransientError(new RegistryError(`The registry answered ${status} (rate limited) while ${doing}`, status, "TOOMANYREQUESTS"), wait);
  if (res.status === 429) {
    discardBody(res);
    return { transient: rateLimited(429) };
  }
  if (res.status >= 500) {
    discardBody(res);
    return { transient: new TransientError(new RegistryError(`The registry answered ${res.status} while ${doing}`, res.status, "UNAVAILABLE"), wait) };
  }
  if (res.status === 401 || res.status === 403) {
    if (headers["retry-after"] !== undefined || headers["x-ratelimit-remaining"] === "0") {
      discardBody(res);
      return { transient: rateLimited(res.status) };
    }
    let text: string;
    try {
      text = await errorText(res);
    } catch {
      return { transient: new TransientError(new RegistryError(`The registry's ${res.status} answer was cut short while ${doing}`, res.status)) };
    }
    if (RATE_LIMIT_TEXT.test(text)) return { transient: rateLimited(res.status) };
    return { text };
  }
  return { text: null };
}

/**
 * Read a whole body. A read that fails ("terminated": the connection dropped mid-body) or comes
 * up short of Content-Length is transient. (Content-Length counts encoded bytes, so it is only
 * compared when the body was sent unencoded.)
 */
export async function readBytes(res: Response, doing: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = Buffer.from(await res.arrayBuffer());
  } catch (err) {
    const why = (err as Error).message || String(err);
    throw new TransientError(new RegistryError(`The registry's answer was cut short while ${doing}: ${why}`, res.status, "TRUNCATED"));
  }
  const len = res.headers.get("content-length");
  const enc = (res.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (len && /^\d+$/.test(len) && enc === "identity" && bytes.length !== Number(len)) {
    throw new TransientError(new RegistryError(`The registry's answer was cut short while ${doing}: ${bytes.length} of ${len} bytes`, res.status, "TRUNCATED"));
  }
  return bytes;
}

/** Read and parse a JSON body; a body that does not parse was cut short or mangled: transient. */
export async function readJson(res: Response, doing: string): Promise<unknown> {
  const bytes = await readBytes(res, doing);
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    // never quote the body: a token endpoint's body holds the token
    throw new TransientError(new RegistryError(`The registry's answer was not valid JSON while ${doing}`, res.status, "TRUNCATED"));
  }
}

/** The error text of a non-2xx answer: `CODE: message` from a distribution error body, else raw text. Rejects when the body read fails. */
export async function errorText(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const j = JSON.parse(text) as { errors?: Array<{ code?: string; message?: string }>; message?: string };
    if (j.errors?.length) return j.errors.map((e) => [e.code, e.message].filter(Boolean).join(": ")).join("; ");
    if (typeof j.message === "string") return j.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 200) || res.statusText;
}

/** A permanent failure, worded for the user. */
export async function failure(res: Response, doing: string, knownText?: string | null): Promise<RegistryError> {
  const text = knownText ?? (await errorText(res).catch(() => res.statusText));
  const code = /^([A-Z_]+)/.exec(text)?.[1];
  if (res.status === 404) return new RegistryError(`Not found while ${doing}: ${text}`, 404, code ?? "MANIFEST_UNKNOWN");
  if (res.status === 403) return new RegistryError(`The registry denied access while ${doing} (403): ${text}`, 403, code ?? "DENIED");
  return new RegistryError(`The registry answered ${res.status} while ${doing}: ${text}`, res.status, code);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Drop a response body we will not read. Never awaited: under Next's patched fetch the body can
 * be one branch of a tee'd stream, and cancelling it waits for the other branch forever.
 */
export function discardBody(res: Response): void {
  void res.body?.cancel().catch(() => undefined);
}
