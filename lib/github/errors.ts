import { redact } from "./redact";

export type GitHubErrorKind = "auth" | "scope" | "not-found" | "rate-limit" | "invalid" | "network" | "server" | "incomplete" | "other";

/** An error whose message is safe to show a user (and never contains a token). */
export class GitHubError extends Error {
  readonly kind: GitHubErrorKind;
  readonly status: number | undefined;
  constructor(kind: GitHubErrorKind, message: string, status?: number) {
    super(redact(message));
    this.name = "GitHubError";
    this.kind = kind;
    this.status = status;
  }
}

/** The scan gave up waiting for a rate limit: the scan is partial, not clean. */
export class RateLimitError extends GitHubError {
  readonly waitMs: number;
  constructor(message: string, waitMs: number, status?: number) {
    super("rate-limit", message, status);
    this.name = "RateLimitError";
    this.waitMs = waitMs;
  }
}

/**
 * A list or answer that was not read completely: a body that does not parse, pagination that stopped
 * short of the last page or skipped one, a count that disagrees with what was delivered. Nothing may
 * be concluded from it (resolved, deleted, marked gone); callers retry it, then report it.
 */
export class IncompleteError extends GitHubError {
  constructor(message: string) {
    super("incomplete", message);
    this.name = "IncompleteError";
  }
}

type Headers = Record<string, string | number | undefined>;
interface ErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Headers; data?: unknown };
  headers?: Headers;
  errors?: Array<{ type?: string; message?: string }>;
  code?: string;
  cause?: unknown;
}

export interface ErrorContext {
  org?: string;
  /** what we were doing, e.g. "listing container packages" */
  action?: string;
}

function header(h: Headers | undefined, name: string): string | undefined {
  if (!h) return undefined;
  const v = h[name] ?? h[name.toLowerCase()];
  return v === undefined ? undefined : String(v);
}

function scopesOf(v: string | undefined): string[] {
  return (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

/** How long GitHub asks us to wait, from retry-after or x-ratelimit-reset (ms), or null. */
export function rateLimitWaitMs(headers: Headers | undefined, now = Date.now()): number | null {
  const retryAfter = header(headers, "retry-after");
  if (retryAfter !== undefined && /^\d+$/.test(retryAfter.trim())) return Number(retryAfter) * 1000;
  if (retryAfter) {
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const remaining = header(headers, "x-ratelimit-remaining");
  const reset = header(headers, "x-ratelimit-reset");
  if (remaining === "0" && reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now);
  return null;
}

export function isRateLimited(e: ErrorLike): boolean {
  const status = e.status;
  const headers = e.response?.headers ?? e.headers;
  const msg = e.message ?? "";
  if ((e.errors ?? []).some((x) => x.type === "RATE_LIMITED")) return true;
  if (/rate limit/i.test(msg) && (status === undefined || status === 403 || status === 429 || status === 200)) return true;
  if ((status === 403 || status === 429) && header(headers, "x-ratelimit-remaining") === "0") return true;
  return status === 429;
}

function secondsText(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return s >= 120 ? `${Math.ceil(s / 60)} min` : `${s} s`;
}

/**
 * Turn whatever Octokit threw into a GitHubError with a message a user can act on.
 * `maxWaitMs` is only used to word rate-limit messages.
 */
export function toGitHubError(err: unknown, ctx: ErrorContext = {}, maxWaitMs?: number): GitHubError {
  if (err instanceof GitHubError) return err;
  const e = (typeof err === "object" && err !== null ? err : { message: String(err) }) as ErrorLike;
  const status = e.status;
  const headers = e.response?.headers ?? e.headers;
  const ghMessage = extractMessage(e);
  const doing = ctx.action ? ` while ${ctx.action}` : "";

  if (isRateLimited(e)) {
    const wait = rateLimitWaitMs(headers) ?? 60_000;
    const secondary = /secondary/i.test(ghMessage);
    const over = maxWaitMs !== undefined && wait > maxWaitMs ? ` (over the ${secondsText(maxWaitMs)} limit)` : "";
    return new RateLimitError(
      `GitHub ${secondary ? "secondary " : ""}rate limit hit${doing}; the wait would be ${secondsText(wait)}${over}, so cacheguard gave up and the scan is partial`,
      wait,
      status,
    );
  }
  if (status === 401) return new GitHubError("auth", "GitHub rejected the token (401 Bad credentials)", 401);

  const gqlScope = (e.errors ?? []).find((x) => x.type === "INSUFFICIENT_SCOPES");
  if (gqlScope) {
    const wanted = /one of the following scopes: \[([^\]]*)\]/.exec(gqlScope.message ?? "")?.[1]?.replace(/['"]/g, "");
    return new GitHubError("scope", `The token is missing a required scope${wanted ? ` (needs ${wanted})` : ""}${doing}`, 403);
  }
  if (status === 403) {
    const accepted = scopesOf(header(headers, "x-accepted-oauth-scopes"));
    const granted = scopesOf(header(headers, "x-oauth-scopes"));
    const missing = accepted.filter((s) => !granted.includes(s));
    const fromMessage = /\b(read:packages|read:org|repo|admin:org|workflow)\b/.exec(ghMessage)?.[1];
    const scope = missing.length > 0 ? missing.join("' or '") : fromMessage;
    if (scope || /scope/i.test(ghMessage)) {
      return new GitHubError("scope", `GitHub denied access (403)${doing}: the token lacks the '${scope ?? "required"}' scope${ghMessage ? ` (${ghMessage})` : ""}`, 403);
    }
    return new GitHubError("auth", `GitHub denied access (403)${doing}${ghMessage ? `: ${ghMessage}` : ""}`, 403);
  }
  const gqlNotFound = (e.errors ?? []).find((x) => x.type === "NOT_FOUND");
  if (status === 404 || gqlNotFound) {
    if (ctx.org && (status === 404 ? true : /organization/i.test(gqlNotFound?.message ?? ""))) {
      return new GitHubError("not-found", `Organization '${ctx.org}' not found or not visible to this token`, 404);
    }
    return new GitHubError("not-found", `Not found${doing}${ghMessage ? `: ${ghMessage}` : ""}`, 404);
  }
  if (status === 422) return new GitHubError("invalid", `GitHub refused the request (422)${doing}: ${ghMessage}`, 422);
  // Octokit reports a request that never got a whole answer (refused, reset, cut short) as a 500
  // without a response: that is the network, not GitHub's server
  if (status !== undefined && status >= 500 && (status !== 500 || e.response)) return new GitHubError("server", `GitHub had a server error (${status})${doing}: ${ghMessage}`, status);
  if (status === undefined || status === 500) {
    const cause = e.cause as ErrorLike | undefined;
    const code = e.code ?? (cause && typeof cause === "object" ? cause.code : undefined);
    if (code || /fetch failed|ECONNREFUSED|ENOTFOUND|ETIMEDOUT|socket/i.test(ghMessage)) {
      return new GitHubError("network", `Could not reach GitHub${doing}: ${code ?? ghMessage}`);
    }
    if (status === 500) return new GitHubError("network", `The connection to GitHub failed${doing}: ${ghMessage}`);
  }
  return new GitHubError("other", `GitHub request failed${status ? ` (${status})` : ""}${doing}: ${ghMessage}`, status);
}

function extractMessage(e: ErrorLike): string {
  const data = e.response?.data;
  if (data && typeof data === "object" && "message" in data && typeof (data as { message: unknown }).message === "string") {
    return (data as { message: string }).message;
  }
  if (e.errors?.length) return e.errors.map((x) => x.message ?? x.type ?? "").join("; ");
  return (e.message ?? "").split(" - https://docs.github.com")[0];
}
