import { randomUUID } from "node:crypto";
import { redact } from "@/lib/github/redact";
import type { ActionOutcome, AfterScanContext, AfterScanTask } from "@/lib/server/after-scan";
import type { Db } from "@/lib/server/db";
import {
  ALERT_ENV, type EnvLike, type Receivers, dashboardBase, hostOf, readAlertConfig, receiversOf, secretsOf,
} from "@/lib/server/alerts/config";
import {
  type AlertContent, SCAN_EVENT, TEST_EVENT, collectAlert, slackMessage, slackTestMessage, webhookPayload, webhookTestPayload,
} from "@/lib/server/alerts/content";
import { DEFAULT_RETRY, type DeliveryResult, type RetryPolicy, deliver, signature } from "@/lib/server/alerts/deliver";

export * from "@/lib/server/alerts/config";
export * from "@/lib/server/alerts/content";
export * from "@/lib/server/alerts/deliver";

export interface AlertsOptions {
  /** retries (tests make the backoff short) */
  retry?: Partial<RetryPolicy>;
  /** where NEXTAUTH_URL and the CACHEGUARD_* alert variables are read (default process.env, at each run) */
  env?: EnvLike;
}

const NO_SECRET = `not sent: the webhook has no signing secret (set one on /settings or in ${ALERT_ENV.webhookSecret}); cacheguard never sends an unsigned webhook`;

function outcome(kind: "slack" | "webhook", url: string, r: DeliveryResult, extra = ""): ActionOutcome {
  return { kind, target: hostOf(url), status: r.status, attempts: r.attempts, message: `${r.message}${extra}` };
}

async function postSlack(url: string, message: unknown, policy: RetryPolicy): Promise<DeliveryResult> {
  return deliver({ url, body: JSON.stringify(message), headers: { "content-type": "application/json; charset=utf-8" } }, policy);
}

/** One delivery id for all attempts, so a receiver can tell a retry from a second event. */
async function postWebhook(url: string, secret: string, event: string, payload: unknown, policy: RetryPolicy): Promise<{ result: DeliveryResult; delivery: string }> {
  const body = JSON.stringify(payload);
  const delivery = randomUUID();
  const result = await deliver({
    url, body,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "x-cacheguard-event": event,
      "x-cacheguard-delivery": delivery,
      "x-cacheguard-signature": signature(body, secret),
    },
  }, policy);
  return { result, delivery };
}

async function send(receivers: Receivers, content: AlertContent, policy: RetryPolicy): Promise<ActionOutcome[]> {
  const jobs: Array<Promise<ActionOutcome>> = [];
  const { slack, webhook } = receivers;
  if (slack) {
    jobs.push(postSlack(slack.url, slackMessage(content), policy)
      .then((r) => outcome("slack", slack.url, r))
      .catch((e: unknown) => ({ kind: "slack", target: hostOf(slack.url), status: "failed", message: String(e instanceof Error ? e.message : e) })));
  }
  if (webhook) {
    if (!webhook.secret) {
      jobs.push(Promise.resolve({ kind: "webhook", target: hostOf(webhook.url), status: "failed", attempts: 0, message: NO_SECRET }));
    } else {
      const secret = webhook.secret;
      jobs.push(postWebhook(webhook.url, secret, SCAN_EVENT, webhookPayload(content), policy)
        .then(({ result, delivery }) => outcome("webhook", webhook.url, result, ` · delivery ${delivery}`))
        .catch((e: unknown) => ({ kind: "webhook", target: hostOf(webhook.url), status: "failed", message: String(e instanceof Error ? e.message : e) })));
    }
  }
  return Promise.all(jobs);
}

/**
 * The after-scan task: a Slack message and/or a signed webhook about the scan's new (not silenced)
 * and resolved findings, nothing when there are none or no receiver is configured. It never
 * throws: each receiver's failure is its own failed action.
 */
export function alertsTask(options: AlertsOptions = {}): AfterScanTask {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  return {
    name: "alerts",
    async run(ctx: AfterScanContext): Promise<ActionOutcome[]> {
      const env = options.env ?? process.env;
      const config = await readAlertConfig(ctx.db, env);
      // runAfterScan redacts with ctx.secrets when it stores the outcomes
      ctx.secrets.push(...secretsOf(config, env));
      const receivers = receiversOf(config);
      if (!receivers.slack && !receivers.webhook) return [];
      let content: AlertContent | null;
      try {
        content = await collectAlert(ctx, dashboardBase(env));
      } catch (e) {
        const message = `not sent: could not read the scan's findings: ${e instanceof Error ? e.message : String(e)}`;
        const out: ActionOutcome[] = [];
        if (receivers.slack) out.push({ kind: "slack", target: hostOf(receivers.slack.url), status: "failed", attempts: 0, message });
        if (receivers.webhook) out.push({ kind: "webhook", target: hostOf(receivers.webhook.url), status: "failed", attempts: 0, message });
        return out;
      }
      if (!content) return [];
      return send(receivers, content, policy);
    },
  };
}

export interface TestResult {
  kind: "slack" | "webhook";
  target: string;
  status: "delivered" | "failed";
  attempts: number;
  message: string;
}

/**
 * POST /api/settings/alerts/test: one test message to each receiver in force, one attempt each (the
 * answer is shown at once, not after the backoff), and what each answered, redacted.
 */
export async function sendTestAlerts(db: Db, org: string, options: AlertsOptions = {}): Promise<TestResult[]> {
  const env = options.env ?? process.env;
  const config = await readAlertConfig(db, env);
  const secrets = secretsOf(config, env);
  const { slack, webhook } = receiversOf(config);
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry, attempts: 1 };
  const jobs: Array<Promise<TestResult>> = [];
  if (slack) {
    jobs.push(postSlack(slack.url, slackTestMessage(org, dashboardBase(env)), policy).then((r) => ({
      kind: "slack", target: hostOf(slack.url), status: r.status, attempts: r.attempts, message: r.message,
    })));
  }
  if (webhook) {
    const secret = webhook.secret;
    jobs.push(secret
      ? postWebhook(webhook.url, secret, TEST_EVENT, webhookTestPayload(org), policy).then(({ result, delivery }) => ({
        kind: "webhook", target: hostOf(webhook.url), status: result.status, attempts: result.attempts, message: `${result.message} · delivery ${delivery}`,
      }))
      : Promise.resolve({ kind: "webhook", target: hostOf(webhook.url), status: "failed", attempts: 0, message: NO_SECRET }));
  }
  const results = await Promise.all(jobs);
  return results.map((r) => ({ ...r, message: redact(r.message, secrets) }));
}
