import type { Access } from "@/lib/auth/access";
import type { OriginCheck } from "@/lib/auth/origin";
import { namesNothing } from "@/lib/http/names";

/**
 * The access decision proxy.ts applies to every request, as plain data so it is testable without
 * Next: malformed paths, which paths are public, the CSRF origin check, and what a refused
 * visitor gets (JSON for the API, the sign-in page for pages).
 */
export type GuardDecision =
  | { action: "next" }
  | { action: "json"; status: number; error: string }
  | { action: "redirect"; to: string }
  | { action: "not-found" };

export interface GuardInput {
  method: string;
  /** the raw (still percent-encoded) path */
  pathname: string;
  search: string;
  origin: OriginCheck;
  access: Access;
}

/**
 * GitHub's webhook deliveries: no session and no Origin; the route checks their X-Hub-Signature-256
 * (the signature is their authentication). Exactly this path, nothing below it.
 */
export const WEBHOOK_PATH = "/api/webhooks/github";

export function isWebhookPath(pathname: string): boolean {
  return pathname === WEBHOOK_PATH;
}

/** Paths that work without a session: next-auth's own endpoints, the sign-in page, the webhook receiver. */
export function isPublicPath(pathname: string): boolean {
  return pathname.startsWith("/api/auth/") || pathname === "/signin" || pathname.startsWith("/signin/") || isWebhookPath(pathname);
}

export function isApiPath(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

/** A path with a broken percent-escape (`%ff`, `%zz`, a lone `%`) names nothing. */
export function isMalformedPath(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}

export function decide(input: GuardInput): GuardDecision {
  const { pathname } = input;
  const api = isApiPath(pathname);
  if (isMalformedPath(pathname)) {
    return api ? { action: "json", status: 400, error: `The path ${pathname} has a malformed percent-encoding.` } : { action: "not-found" };
  }
  if (!api && namesNothing(decodeURIComponent(pathname))) return { action: "not-found" };
  // next-auth checks its own POSTs with a CSRF token; everything else that mutates checks Origin
  if (api && !pathname.startsWith("/api/auth/") && !isWebhookPath(pathname) && !input.origin.ok) {
    return { action: "json", status: 403, error: input.origin.reason };
  }
  if (isPublicPath(pathname)) return { action: "next" };
  const a = input.access;
  if (a.ok && a.unknownOrg !== undefined) {
    return api ? { action: "json", status: 404, error: `This server does not audit the organization ${a.unknownOrg.slice(0, 100)}.` } : { action: "not-found" };
  }
  if (a.ok) return { action: "next" };
  if (api) return { action: "json", status: a.status, error: a.error };
  switch (a.reason) {
    case "config":
      return { action: "redirect", to: "/signin?error=config" };
    case "not-member":
      return { action: "redirect", to: `/signin?${new URLSearchParams({ error: "not-member", login: a.login ?? "", ...(a.org ? { org: a.org } : {}) })}` };
    case "membership-check":
      return { action: "redirect", to: `/signin?${new URLSearchParams({ error: "membership-check", login: a.login ?? "" })}` };
    default:
      return { action: "redirect", to: `/signin?${new URLSearchParams({ callbackUrl: `${pathname}${input.search}` })}` };
  }
}
