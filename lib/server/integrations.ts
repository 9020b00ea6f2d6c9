import { z } from "zod";
import type { Db } from "@/lib/server/db";
import { deleteSetting, getSetting, setSetting } from "@/lib/server/schedule/settings";

/**
 * The GitHub integrations run after each scan (lib/server/code-scanning, lib/server/repo-issues):
 * off unless turned on. The /settings page wins over the environment (CACHEGUARD_CODE_SCANNING=1,
 * CACHEGUARD_ISSUES=1), which wins over the default (off), like the scan schedule.
 */
export const INTEGRATIONS = {
  codeScanning: { key: "integrations.codeScanning", env: "CACHEGUARD_CODE_SCANNING" },
  issues: { key: "integrations.issues", env: "CACHEGUARD_ISSUES" },
} as const;

export type Integration = keyof typeof INTEGRATIONS;
export type IntegrationSource = "settings" | "env" | "default";
export interface IntegrationState {
  enabled: boolean;
  source: IntegrationSource;
}
export type IntegrationsView = Record<Integration, IntegrationState & { env: string; envValue: string | null }>;

type EnvLike = Record<string, string | undefined>;

/** "1"/"true" on, "0"/"false" off, anything else (or unset) says nothing. */
function flag(v: string | null | undefined): boolean | null {
  const s = v?.trim().toLowerCase();
  if (s === "1" || s === "true" || s === "on") return true;
  if (s === "0" || s === "false" || s === "off") return false;
  return null;
}

export async function readIntegration(db: Db, which: Integration, env: EnvLike = process.env): Promise<IntegrationState> {
  const stored = flag(await getSetting(db, INTEGRATIONS[which].key));
  if (stored !== null) return { enabled: stored, source: "settings" };
  const fromEnv = flag(env[INTEGRATIONS[which].env]);
  if (fromEnv !== null) return { enabled: fromEnv, source: "env" };
  return { enabled: false, source: "default" };
}

export async function readIntegrations(db: Db, env: EnvLike = process.env): Promise<IntegrationsView> {
  const out = {} as IntegrationsView;
  for (const which of Object.keys(INTEGRATIONS) as Integration[]) {
    out[which] = { ...(await readIntegration(db, which, env)), env: INTEGRATIONS[which].env, envValue: env[INTEGRATIONS[which].env] ?? null };
  }
  return out;
}

/** PUT /api/settings/integrations: true/false stores the choice, null goes back to the environment's. */
export const integrationsInputSchema = z
  .object({ codeScanning: z.boolean().nullable().optional(), issues: z.boolean().nullable().optional() })
  .strict()
  .refine((v) => v.codeScanning !== undefined || v.issues !== undefined, "name at least one of codeScanning, issues");

export async function saveIntegrations(db: Db, input: z.infer<typeof integrationsInputSchema>, env: EnvLike = process.env): Promise<IntegrationsView> {
  for (const which of Object.keys(INTEGRATIONS) as Integration[]) {
    const v = input[which];
    if (v === undefined) continue;
    if (v === null) await deleteSetting(db, INTEGRATIONS[which].key);
    else await setSetting(db, INTEGRATIONS[which].key, v ? "on" : "off");
  }
  return readIntegrations(db, env);
}

/**
 * Run `fn` while holding a lease in the Setting table, so two scans' after-scan work for one org
 * never overlaps, in one process or several (a "Rescan now" right after a scan, the CLI beside the
 * dashboard): the scan releases its lock before its after-scan tasks run, and two issue updates at
 * once could open the same issue twice. A second caller waits for the first (up to `waitMs`), then
 * gives up with null; a lease left by a killed process expires after `ttlMs`.
 */
export async function withLease<T>(db: Db, key: string, fn: () => Promise<T>, opts: { waitMs?: number; ttlMs?: number; pollMs?: number } = {}): Promise<T | null> {
  const ttl = opts.ttlMs ?? 30 * 60_000;
  const deadline = Date.now() + (opts.waitMs ?? 10 * 60_000);
  const token = `${Date.now() + ttl} ${process.pid} ${Math.random().toString(36).slice(2)}`;
  for (;;) {
    try {
      await db.setting.create({ data: { key, value: token } });
      break;
    } catch (e) {
      // only "the key is taken" means someone holds it; anything else (a read-only database) is an error
      if ((e as { code?: unknown }).code !== "P2002") throw e;
      const held = await db.setting.findUnique({ where: { key } });
      if (held && Number(held.value.split(" ")[0]) < Date.now()) {
        // expired: take it over only if it is still the one that expired
        await db.setting.deleteMany({ where: { key, value: held.value } });
        continue;
      }
      if (Date.now() > deadline) return null;
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
    }
  }
  try {
    return await fn();
  } finally {
    await db.setting.deleteMany({ where: { key, value: token } }).catch(() => undefined);
  }
}
