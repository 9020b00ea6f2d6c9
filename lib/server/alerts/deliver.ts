import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * POSTing an alert: a timeout per attempt, retries with exponential backoff on network errors,
 * timeouts, 5xx and 429 (a Retry-After the receiver sends is honoured), none on any other answer.
 * Redirects are not followed (a POST turned into a GET reaches nobody). What the receiver answered
 * is kept short: the status line and the start of the body.
 */
export interface RetryPolicy {
  /** attempts in all, the first one included */
  attempts: number;
  /** the wait before the second attempt; doubled before each next one */
  baseMs: number;
  /** how long one attempt may take, answer body included */
  timeoutMs: number;
  /** the longest wait between attempts; a Retry-After beyond it ends the delivery */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseMs: 1000, timeoutMs: 10_000, maxDelayMs: 60_000 };

export const USER_AGENT = "cacheguard";

export interface DeliveryRequest {
  url: string;
  /** the exact bytes sent (and signed) */
  body: string;
  headers: Record<string, string>;
}

export interface DeliveryResult {
  status: "delivered" | "failed";
  attempts: number;
  /** the last answer, and the earlier ones when there were several attempts */
  message: string;
  /** the HTTP status of the last answer; absent when there was none */
  httpStatus?: number;
}

const EXCERPT_CHARS = 200;
const READ_LIMIT = 4096;

const sleepFor = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The start of the answer's body, on one line. */
async function excerpt(res: Response): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < READ_LIMIT) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // a body cut short still says something
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks)).replace(/\s+/g, " ").trim();
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}

/** Retry-After as a wait in ms (seconds or an HTTP date); null when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function networkError(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError")) return `no answer within ${Math.round(timeoutMs / 100) / 10} s`;
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? cause.message : typeof cause === "string" ? cause : "";
    return detail && !e.message.includes(detail) ? `${e.message}: ${detail}` : e.message;
  }
  return String(e);
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function summary(answers: string[]): string {
  const last = answers[answers.length - 1];
  if (answers.length === 1) return last;
  return `${last} (earlier: ${answers.slice(0, -1).map((a, i) => `#${i + 1} ${a}`).join("; ")})`;
}

export async function deliver(req: DeliveryRequest, policy: RetryPolicy = DEFAULT_RETRY, sleep: (ms: number) => Promise<void> = sleepFor): Promise<DeliveryResult> {
  const answers: string[] = [];
  const attempts = Math.max(1, Math.floor(policy.attempts));
  for (let attempt = 1; ; attempt++) {
    let retryable: boolean;
    let asked: number | null = null;
    let httpStatus: number | undefined;
    try {
      const res = await fetch(req.url, {
        method: "POST", headers: { "user-agent": USER_AGENT, ...req.headers }, body: req.body, redirect: "manual",
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      httpStatus = res.status;
      const text = await excerpt(res);
      let answer = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}${text ? `: ${text}` : ""}`;
      if (res.status >= 200 && res.status < 300) {
        answers.push(answer);
        return { status: "delivered", attempts: attempt, message: summary(answers), httpStatus };
      }
      if (res.status >= 300 && res.status < 400) {
        const to = res.headers.get("location");
        let where = "";
        try {
          if (to) where = ` to ${new URL(to, req.url).host}`;
        } catch {
          // an unreadable Location names nothing
        }
        answer += ` (a redirect${where}: not followed, configure the final URL)`;
      }
      answers.push(answer);
      retryable = res.status === 429 || res.status >= 500;
      asked = retryable ? retryAfterMs(res.headers.get("retry-after")) : null;
    } catch (e) {
      answers.push(networkError(e, policy.timeoutMs));
      retryable = true;
    }
    if (!retryable || attempt >= attempts) {
      return { status: "failed", attempts: attempt, message: summary(answers), ...(httpStatus !== undefined ? { httpStatus } : {}) };
    }
    const wait = asked ?? policy.baseMs * 2 ** (attempt - 1);
    if (wait > policy.maxDelayMs) {
      answers[answers.length - 1] += ` (asked to retry after ${seconds(wait)}: longer than ${seconds(policy.maxDelayMs)}, given up)`;
      return { status: "failed", attempts: attempt, message: summary(answers), ...(httpStatus !== undefined ? { httpStatus } : {}) };
    }
    await sleep(wait);
  }
}

/** `sha256=<hex HMAC-SHA256 of body>`, the X-Cacheguard-Signature header. */
export function signature(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** What a receiver does with X-Cacheguard-Signature: recompute it over the raw body and compare in constant time. */
export function verifySignature(body: string | Buffer, header: string | null | undefined, secret: string): boolean {
  if (!header) return false;
  const want = Buffer.from(signature(body, secret));
  const got = Buffer.from(header.trim());
  return got.length === want.length && timingSafeEqual(got, want);
}
