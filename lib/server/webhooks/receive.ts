/**
 * Receiving one GitHub webhook delivery: the signature checked on the raw body before anything is
 * parsed, the delivery deduplicated by X-GitHub-Delivery, stored with what it asks for, and answered
 * at once. The work itself is the queue's (lib/server/webhooks/queue.ts): nothing is scanned here.
 */
import { Webhooks } from "@octokit/webhooks";
import { registerSecret } from "@/lib/github/redact";
import type { Db } from "@/lib/server/db";
import { type Plan, planDelivery } from "@/lib/server/webhooks/plan";
import { isUniqueViolation } from "@/lib/server/dialect";

/** GitHub caps a webhook payload at 25 MB. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

export interface ReceiveInput {
  /** GITHUB_WEBHOOK_SECRET; undefined when webhooks are not set up */
  secret: string | undefined;
  headers: Headers;
  /** the body exactly as it arrived */
  body: string;
  /** the organization the dashboard audits */
  org: string;
}

export interface ReceiveResult {
  status: number;
  body: Record<string, unknown>;
  /** a delivery was stored as queued: the queue has work */
  queued: boolean;
}

const reply = (status: number, body: Record<string, unknown>, queued = false): ReceiveResult => ({ status, body, queued });

/** The payload of a JSON delivery, or of a form-encoded one (`payload=…`, the hook's other content type). */
function parsePayload(headers: Headers, body: string): Record<string, unknown> | null {
  const type = (headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  const text = type === "application/x-www-form-urlencoded" ? new URLSearchParams(body).get("payload") ?? "" : body;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

async function verified(secret: string, body: string, signature: string): Promise<boolean> {
  try {
    return await new Webhooks({ secret }).verify(body, signature);
  } catch {
    return false; // a malformed signature header
  }
}

/** Paths the last scan read for a repository of the org (its stored files), to judge whether a push matters. */
function readPathsOf(db: Db, org: string) {
  return async (repo: string): Promise<ReadonlySet<string>> => {
    const rows = await db.sourceFile.findMany({ where: { repo: { name: repo, org: { login: org } } }, select: { path: true } });
    return new Set(rows.map((r) => r.path));
  };
}

const clip = (s: string) => (s.length > 2000 ? `${s.slice(0, 1999)}…` : s);

export async function receiveWebhook(db: Db, input: ReceiveInput): Promise<ReceiveResult> {
  if (!input.secret) {
    return reply(503, { error: "Webhooks are not set up on this server: set GITHUB_WEBHOOK_SECRET to the secret of the GitHub webhook, then restart." });
  }
  registerSecret(input.secret); // never in a log line or a stored message
  const signature = input.headers.get("x-hub-signature-256");
  if (!signature) return reply(401, { error: "The delivery has no X-Hub-Signature-256 header: give the GitHub webhook a secret (the one in GITHUB_WEBHOOK_SECRET)." });
  if (!(await verified(input.secret, input.body, signature))) {
    return reply(401, { error: "The X-Hub-Signature-256 signature does not match: the webhook's secret is not GITHUB_WEBHOOK_SECRET, or the body was changed on the way." });
  }
  const event = input.headers.get("x-github-event");
  const deliveryId = input.headers.get("x-github-delivery");
  if (!event || !deliveryId) return reply(400, { error: "A GitHub delivery carries X-GitHub-Event and X-GitHub-Delivery headers; this one does not." });
  const payload = parsePayload(input.headers, input.body);
  if (!payload) return reply(400, { error: "The delivery's body is not a JSON object." });

  if (await db.webhookDelivery.findUnique({ where: { deliveryId }, select: { id: true } })) {
    return reply(200, { duplicate: true, delivery: deliveryId });
  }
  const plan: Plan = await planDelivery(event, payload, { org: input.org, readPaths: readPathsOf(db, input.org) });
  const action = typeof payload.action === "string" ? payload.action : null;
  const data = {
    deliveryId, event, action, status: plan.status,
    repo: plan.status === "applied" ? null : plan.repo ?? null,
    package: plan.status === "applied" ? null : plan.package ?? null,
    work: JSON.stringify(plan.status === "queued" ? plan.work : []),
    message: clip(plan.status === "ignored" ? plan.reason : plan.message),
    ...(plan.status === "applied" ? { appliedAt: new Date() } : {}),
  };
  try {
    await db.webhookDelivery.create({ data });
  } catch (e) {
    // the same delivery arriving twice at once: the unique id lets one in
    if (isUniqueViolation(e)) return reply(200, { duplicate: true, delivery: deliveryId });
    throw e;
  }
  if (plan.status === "queued") return reply(202, { delivery: deliveryId, status: "queued", message: data.message }, true);
  return reply(200, { delivery: deliveryId, status: plan.status, message: data.message });
}
