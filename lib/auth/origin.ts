/**
 * CSRF defence for mutating API routes: a browser always sends `Origin` on POST/PUT/PATCH/DELETE,
 * and a page on another site cannot forge it. The request is allowed when its origin's host is
 * the host the request was addressed to (or the public URL the app is configured with).
 */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isMutatingMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

export interface OriginCheckInput {
  method: string;
  headers: Headers;
  /** extra origins that count as our own, e.g. NEXTAUTH_URL behind a reverse proxy */
  allowedOrigins?: Array<string | undefined>;
  /** in demo mode a request without an Origin header (curl, the start script) is let through */
  allowMissingOrigin?: boolean;
}

export type OriginCheck = { ok: true } | { ok: false; reason: string };

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return null;
  }
}

/** Whether a request may change state, judged by its Origin header against its Host. */
export function checkOrigin(input: OriginCheckInput): OriginCheck {
  if (!isMutatingMethod(input.method)) return { ok: true };
  const origin = input.headers.get("origin");
  if (!origin || origin === "null") {
    return input.allowMissingOrigin
      ? { ok: true }
      : { ok: false, reason: "This request has no Origin header; changes are accepted only from the cacheguard dashboard." };
  }
  const from = hostOf(origin);
  // x-forwarded-host first: behind a reverse proxy `host` is the upstream address
  const hosts = [input.headers.get("x-forwarded-host"), input.headers.get("host")]
    .flatMap((h) => (h ? h.split(",").map((s) => s.trim().toLowerCase()) : []))
    .filter(Boolean);
  for (const extra of input.allowedOrigins ?? []) {
    const h = extra ? hostOf(extra) : null;
    if (h) hosts.push(h);
  }
  if (from && hosts.includes(from)) return { ok: true };
  return { ok: false, reason: `Cross-origin request refused: ${origin} is not this dashboard's origin.` };
}
