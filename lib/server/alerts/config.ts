import { z } from "zod";
import type { Db } from "@/lib/server/db";
import { WEBHOOK_SECRET_MAX, WEBHOOK_SECRET_MIN, httpUrlProblem } from "@/lib/server/env";

/**
 * Where alerts go after a scan: a Slack incoming webhook and a generic JSON webhook signed with
 * HMAC-SHA256. Each value comes from the /settings page (Setting rows) or, when the page has none,
 * from the environment, as the scan schedule does. The page can also turn a receiver `off` that the
 * environment configures.
 *
 * Every value here is treated as a secret: a Slack webhook URL is one (anyone holding it can post to
 * the channel), a webhook URL often carries a token in its path or query, and the signing key is
 * one. None is ever answered back: the API and the page say whether each is set, where from, and
 * the receiver's host.
 *
 * A webhook is never sent unsigned: the settings API refuses a webhook URL without a signing key in
 * force, and a webhook configured by the environment alone without a key is recorded on each scan as
 * a failed delivery ("not sent") instead of being posted.
 */
export const ALERT_KEYS = {
  slackUrl: "alerts.slack.url",
  webhookUrl: "alerts.webhook.url",
  webhookSecret: "alerts.webhook.secret",
} as const;

export const ALERT_ENV = {
  slackUrl: "CACHEGUARD_SLACK_WEBHOOK_URL",
  webhookUrl: "CACHEGUARD_ALERT_WEBHOOK_URL",
  webhookSecret: "CACHEGUARD_ALERT_WEBHOOK_SECRET",
} as const;

export type AlertField = keyof typeof ALERT_KEYS;
export const ALERT_FIELDS = Object.keys(ALERT_KEYS) as AlertField[];

/** a stored URL value meaning "no alerts of this kind, whatever the environment says" */
export const ALERT_OFF = "off";

export type AlertSource = "settings" | "env" | "none";

export interface AlertValue {
  /** the value in force; null when none (or `off`) */
  value: string | null;
  source: AlertSource;
  /** turned off on the settings page (URLs only) */
  off: boolean;
  /** the environment sets one (whether or not it is in force) */
  envSet: boolean;
  /** a stored or env value that is not usable and was skipped */
  problem?: string;
}

export type AlertConfig = Record<AlertField, AlertValue>;

export type EnvLike = Record<string, string | undefined>;

function problemOf(field: AlertField, value: string): string | null {
  if (field === "webhookSecret") return secretProblem(value);
  return httpUrlProblem(value);
}

export function secretProblem(value: string): string | null {
  if (value.length < WEBHOOK_SECRET_MIN) return `must be at least ${WEBHOOK_SECRET_MIN} characters`;
  if (value.length > WEBHOOK_SECRET_MAX) return `must be at most ${WEBHOOK_SECRET_MAX} characters`;
  return null;
}

function resolveField(field: AlertField, stored: string | null, env: EnvLike): AlertValue {
  const raw = env[ALERT_ENV[field]];
  const fromEnv = raw && raw.trim() !== "" ? (field === "webhookSecret" ? raw : raw.trim()) : null;
  const envSet = fromEnv !== null;
  const problems: string[] = [];
  if (stored !== null) {
    if (stored === ALERT_OFF && field !== "webhookSecret") return { value: null, source: "settings", off: true, envSet };
    const p = problemOf(field, stored);
    if (!p) return { value: stored, source: "settings", off: false, envSet };
    problems.push(`the value saved on the settings page ${p}; it is ignored`);
  }
  if (fromEnv !== null) {
    const p = problemOf(field, fromEnv);
    if (!p) return { value: fromEnv, source: "env", off: false, envSet, ...(problems.length ? { problem: problems.join("; ") } : {}) };
    problems.push(`${ALERT_ENV[field]} ${p}; it is ignored`);
  }
  return { value: null, source: "none", off: false, envSet, ...(problems.length ? { problem: problems.join("; ") } : {}) };
}

/** The alert configuration in force: each value from the settings page, else the environment. */
export async function readAlertConfig(db: Db, env: EnvLike = process.env): Promise<AlertConfig> {
  const rows = await db.setting.findMany({ where: { key: { in: Object.values(ALERT_KEYS) } } });
  const stored = new Map(rows.map((r) => [r.key, r.value]));
  const out = {} as AlertConfig;
  for (const f of ALERT_FIELDS) out[f] = resolveField(f, stored.get(ALERT_KEYS[f]) ?? null, env);
  return out;
}

export interface Receivers {
  slack: { url: string } | null;
  /** secret null: configured without a signing key, so it is not sent */
  webhook: { url: string; secret: string | null } | null;
}

export function receiversOf(config: AlertConfig): Receivers {
  return {
    slack: config.slackUrl.value ? { url: config.slackUrl.value } : null,
    webhook: config.webhookUrl.value ? { url: config.webhookUrl.value, secret: config.webhookSecret.value } : null,
  };
}

/** Every value that must stay out of stored messages and answers. */
export function secretsOf(config: AlertConfig, env: EnvLike = process.env): string[] {
  const out = ALERT_FIELDS.map((f) => config[f].value);
  for (const f of ALERT_FIELDS) out.push(env[ALERT_ENV[f]] ?? null);
  return out.filter((s): s is string => !!s && s !== ALERT_OFF);
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid URL)";
  }
}

/** The dashboard's public URL for links in alerts (NEXTAUTH_URL), without a trailing slash; null when not set. */
export function dashboardBase(env: EnvLike = process.env): string | null {
  const raw = env.NEXTAUTH_URL?.trim();
  if (!raw || httpUrlProblem(raw)) return null;
  return raw.replace(/\/+$/, "");
}

/* ---- the settings API and page ---- */

export interface AlertFieldView {
  /** a value is in force */
  set: boolean;
  source: AlertSource;
  off: boolean;
  envSet: boolean;
  /** the receiver's host (URLs only; the URL itself is never shown) */
  host: string | null;
  problem: string | null;
}

export interface AlertSettingsView {
  slackUrl: AlertFieldView;
  webhookUrl: AlertFieldView;
  webhookSecret: AlertFieldView;
  /** what the page should say about the configuration as it stands */
  warnings: string[];
  /** the dashboard URL alerts link to (NEXTAUTH_URL); null: alerts carry no links */
  dashboardUrl: string | null;
}

export function alertSettingsView(config: AlertConfig, env: EnvLike = process.env): AlertSettingsView {
  const field = (f: AlertField): AlertFieldView => {
    const v = config[f];
    return {
      set: v.value !== null, source: v.source, off: v.off, envSet: v.envSet,
      host: f !== "webhookSecret" && v.value ? hostOf(v.value) : null, problem: v.problem ?? null,
    };
  };
  const warnings: string[] = [];
  if (config.webhookUrl.value && !config.webhookSecret.value) {
    warnings.push(`The webhook has no signing secret, so nothing is sent to it: set one here or in ${ALERT_ENV.webhookSecret}. cacheguard never sends an unsigned webhook.`);
  }
  const base = dashboardBase(env);
  if (!base && (config.slackUrl.value || config.webhookUrl.value)) {
    warnings.push("NEXTAUTH_URL is not set, so alerts carry no links to the dashboard (they say so).");
  }
  return { slackUrl: field("slackUrl"), webhookUrl: field("webhookUrl"), webhookSecret: field("webhookSecret"), warnings, dashboardUrl: base };
}

/**
 * PUT /api/settings/alerts: each field left out is unchanged, "" clears the page's value (the
 * environment's applies again), "off" turns a receiver off whatever the environment says, and
 * anything else is validated and saved.
 */
export const alertInputSchema = z.object({
  slackUrl: z.string().max(2000).optional(),
  webhookUrl: z.string().max(2000).optional(),
  webhookSecret: z.string().max(WEBHOOK_SECRET_MAX + 1).optional(),
}).strict();

export type AlertInput = z.infer<typeof alertInputSchema>;

export type AlertSaveResult = { ok: true; config: AlertConfig } | { ok: false; field: AlertField; error: string };

const LABEL: Record<AlertField, string> = {
  slackUrl: "Slack webhook URL",
  webhookUrl: "Webhook URL",
  webhookSecret: "Signing secret",
};

/** Validate and store alert settings; nothing is stored unless every field given is valid. */
export async function saveAlertSettings(db: Db, input: AlertInput, env: EnvLike = process.env): Promise<AlertSaveResult> {
  const writes: Array<{ field: AlertField; value: string | null }> = [];
  for (const f of ALERT_FIELDS) {
    const raw = input[f];
    if (raw === undefined) continue;
    const value = f === "webhookSecret" ? raw : raw.trim();
    if (value === "") {
      writes.push({ field: f, value: null });
      continue;
    }
    if (f !== "webhookSecret" && value.toLowerCase() === ALERT_OFF) {
      writes.push({ field: f, value: ALERT_OFF });
      continue;
    }
    const p = problemOf(f, value);
    if (p) return { ok: false, field: f, error: `${LABEL[f]} ${p}.` };
    writes.push({ field: f, value });
  }
  // what would be in force after this change
  const current = await db.setting.findMany({ where: { key: { in: Object.values(ALERT_KEYS) } } });
  const stored = new Map(current.map((r) => [r.key, r.value as string | null]));
  for (const w of writes) stored.set(ALERT_KEYS[w.field], w.value);
  const next = {} as AlertConfig;
  for (const f of ALERT_FIELDS) next[f] = resolveField(f, stored.get(ALERT_KEYS[f]) ?? null, env);
  const touchesWebhook = writes.some((w) => w.field === "webhookUrl" || w.field === "webhookSecret");
  if (touchesWebhook && next.webhookUrl.value && !next.webhookSecret.value) {
    return {
      ok: false, field: "webhookSecret",
      error: `The webhook needs a signing secret (at least ${WEBHOOK_SECRET_MIN} characters, here or in ${ALERT_ENV.webhookSecret}): cacheguard never sends an unsigned webhook.`,
    };
  }
  await db.$transaction(writes.map((w) => (w.value === null
    ? db.setting.deleteMany({ where: { key: ALERT_KEYS[w.field] } })
    : db.setting.upsert({ where: { key: ALERT_KEYS[w.field] }, create: { key: ALERT_KEYS[w.field], value: w.value }, update: { value: w.value } }))));
  return { ok: true, config: next };
}
