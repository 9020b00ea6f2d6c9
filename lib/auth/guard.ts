import { checkOrigin } from "@/lib/auth/origin";

/**
 * The access decision proxy.ts applies to every request, as plain data so it is testable without
 * Next: which paths are public, which need a session, and the CSRF origin check.
 */
export type GuardDecision =
  | { action: "next" }
  | { action: "json"; status: 401 | 403 | 503; error: string }
  | { action: "redirect"; to: string };

export interface GuardInput {
  method: string;
  pathname: string;
  search: string;
  headers: Headers;
  /** outside demo mode */
  authRequired: boolean;
  /** set when sign-in is misconfigured (message without values) */
  configError?: string;
  signedIn: boolean;
  publicUrl?: string;
}

/** Paths that work without a session: next-auth's own endpoints and the sign-in page. */
export function isPublicPath(pathname: string): boolean {
  return pathname.startsWith("/api/auth/") || pathname === "/signin" || pathname.startsWith("/signin/");
}

export function isApiPath(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

export function decide(input: GuardInput): GuardDecision {
  const { pathname } = input;
  const api = isApiPath(pathname);
  // next-auth checks its own POSTs with a CSRF token; everything else that mutates checks Origin
  if (api && !pathname.startsWith("/api/auth/")) {
    const origin = checkOrigin({
      method: input.method, headers: input.headers, allowedOrigins: [input.publicUrl],
      allowMissingOrigin: !input.authRequired,
    });
    if (!origin.ok) return { action: "json", status: 403, error: origin.reason };
  }
  if (!input.authRequired || isPublicPath(pathname)) return { action: "next" };
  if (input.configError) {
    if (api) return { action: "json", status: 503, error: input.configError };
    return { action: "redirect", to: "/signin?error=config" };
  }
  if (input.signedIn) return { action: "next" };
  if (api) return { action: "json", status: 401, error: "Sign in with GitHub to use the cacheguard API." };
  const callbackUrl = `${pathname}${input.search}`;
  return { action: "redirect", to: `/signin?${new URLSearchParams({ callbackUrl })}` };
}
