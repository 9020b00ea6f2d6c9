import { createHmac, randomUUID } from "node:crypto";
import type { Fixture } from "./fixture";
import { HOOK_ID, type Webhook, type WebhookEvent } from "./webhooks";

/** Delivery of a built webhook (webhooks.ts) as GitHub POSTs it: headers, HMAC signatures, the receiver's status. */

export interface WebhookTarget { url: string; secret?: string }
export interface Delivery { id: string; event: WebhookEvent; action: string | null; status: number; headers: Record<string, string> }

/** `sha256=` + the HMAC-SHA256 of the body under the secret, as GitHub signs deliveries. */
export function signature256(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** POST one webhook to the target as GitHub delivers it; resolves with the receiver's status. */
export async function deliverWebhook(target: WebhookTarget, fx: Fixture, hook: Webhook, fetchImpl: typeof fetch = fetch): Promise<Delivery> {
  const body = JSON.stringify(hook.payload);
  const id = randomUUID();
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/fake",
    "x-github-event": hook.event,
    "x-github-delivery": id,
    "x-github-hook-id": String(HOOK_ID),
    "x-github-hook-installation-target-id": String(fx.org.id),
    "x-github-hook-installation-target-type": "organization",
    ...(target.secret
      ? { "x-hub-signature-256": signature256(target.secret, body), "x-hub-signature": `sha1=${createHmac("sha1", target.secret).update(body).digest("hex")}` }
      : {}),
  };
  const res = await fetchImpl(target.url, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  return { id, event: hook.event, action: hook.action, status: res.status, headers };
}

/** A commit the fake makes on a repository's default branch, and the push it delivers (FakeGitHub.push). */
export interface PushRequest {
  repo: string;
  /** path -> new text, or null to delete the file */
  files: Record<string, string | null>;
  message?: string;
}

export interface PushResult { delivery: Delivery; before: string; after: string; added: string[]; modified: string[]; removed: string[] }

export interface RepoChangeRequest {
  repo: string;
  action: "renamed" | "archived" | "unarchived" | "deleted";
  /** the new name, for `renamed` */
  to?: string;
}
