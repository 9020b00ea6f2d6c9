import type { NextRequest } from "next/server";
import { getDb } from "@/lib/server/db";
import { defaultOrg, readEnv } from "@/lib/server/env";
import { storageProblem } from "@/lib/server/storage-errors";
import { getWebhookQueue } from "@/lib/server/webhooks/queue";
import { MAX_WEBHOOK_BYTES, receiveWebhook } from "@/lib/server/webhooks/receive";

/**
 * POST /api/webhooks/github: GitHub's webhook deliveries (an organization hook or a GitHub App's).
 * No session and no Origin check (proxy.ts and lib/auth/guard.ts exempt exactly this path): the
 * X-Hub-Signature-256 under GITHUB_WEBHOOK_SECRET is the delivery's authentication, checked on the
 * raw body before it is parsed. Answers at once; the work is queued (lib/server/webhooks/queue.ts).
 */
export const dynamic = "force-dynamic";

const ALLOW = "POST, OPTIONS";
const json = (body: unknown, status: number, headers: Record<string, string> = {}) => Response.json(body, { status, headers });

/** The body as sent, at most GitHub's 25 MB. */
async function rawBody(req: NextRequest): Promise<string | null> {
  const length = req.headers.get("content-length");
  if (length !== null && Number(length) > MAX_WEBHOOK_BYTES) return null;
  if (!req.body) return "";
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_WEBHOOK_BYTES) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    parts.push(value);
  }
  return Buffer.concat(parts).toString("utf8");
}

export async function POST(req: NextRequest): Promise<Response> {
  try {
    const env = readEnv();
    const body = await rawBody(req);
    if (body === null) return json({ error: `The delivery is over ${MAX_WEBHOOK_BYTES / 1024 / 1024} MB.` }, 413);
    // several orgs: deliveries are applied to the default org's audit (the others rescan on their schedules)
    const org = defaultOrg(env);
    const out = await receiveWebhook(getDb(), { secret: env.GITHUB_WEBHOOK_SECRET, headers: req.headers, body, org });
    if (out.queued) getWebhookQueue()?.kick();
    return json(out.body, out.status);
  } catch (e) {
    const storage = storageProblem(e);
    console.error(`[webhooks] POST ${req.nextUrl.pathname}:`, e instanceof Error ? `${e.name}: ${e.message}` : e);
    if (storage) return json({ error: `Storage error: ${storage.message}` }, storage.status);
    return json({ error: "Server error: the delivery was not stored; the server log has the details. GitHub can redeliver it." }, 500);
  }
}

async function notAllowed(req: NextRequest): Promise<Response> {
  return json({ error: `${req.method} is not allowed on ${req.nextUrl.pathname}; GitHub delivers webhooks with POST.` }, 405, { allow: ALLOW });
}

export async function OPTIONS(): Promise<Response> {
  return new Response(null, { status: 204, headers: { allow: ALLOW } });
}

export { notAllowed as GET, notAllowed as HEAD, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
