import { z } from "zod";
import type { Db } from "@/lib/server/db";
import { DEFAULT_SCHEDULE, SCHEDULE_OFF, validateCron } from "@/lib/server/schedule/cron";

/** Setting keys this module owns: one deployment-wide key from before several orgs, then one per org. */
export const SCHEDULE_KEY = "scan.schedule";
export const scheduleKeyFor = (org: string) => `${SCHEDULE_KEY}:${org.toLowerCase()}`;

/**
 * Whose schedule: an org of the deployment. The default org also inherits the deployment-wide key a
 * single-org server stored before (so an upgrade keeps its schedule); the others start from the env.
 * Absent: the deployment-wide key alone (one org, as before).
 */
export interface ScheduleOrg {
  login: string;
  isDefault: boolean;
}

export type ScheduleSource = "settings" | "env" | "default";
export interface EffectiveSchedule {
  /** a cron expression, or "off" */
  expression: string;
  /** where it came from: the /settings page wins over CACHEGUARD_SCHEDULE, which wins over the default */
  source: ScheduleSource;
}

export const scheduleInputSchema = z.object({
  schedule: z.string().max(100),
}).strict();

export async function getSetting(db: Db, key: string): Promise<string | null> {
  const row = await db.setting.findUnique({ where: { key } });
  return row?.value ?? null;
}

export async function setSetting(db: Db, key: string, value: string): Promise<void> {
  await db.setting.upsert({ where: { key }, create: { key, value }, update: { value } });
}

export async function deleteSetting(db: Db, key: string): Promise<void> {
  await db.setting.deleteMany({ where: { key } });
}

function usable(v: string | null | undefined): string | null {
  if (!v) return null;
  if (v.trim().toLowerCase() === SCHEDULE_OFF) return SCHEDULE_OFF;
  const c = validateCron(v);
  return c.ok ? c.expression : null;
}

/**
 * The schedule in force. An invalid stored or env value is skipped (the next source applies), so
 * a typo in the environment never stops nightly scans silently: the page shows the source used.
 */
export async function readSchedule(db: Db, envSchedule: string | undefined = process.env.CACHEGUARD_SCHEDULE, org?: ScheduleOrg): Promise<EffectiveSchedule> {
  const own = org ? usable(await getSetting(db, scheduleKeyFor(org.login))) : null;
  const stored = own ?? (!org || org.isDefault ? usable(await getSetting(db, SCHEDULE_KEY)) : null);
  if (stored) return { expression: stored, source: "settings" };
  const fromEnv = usable(envSchedule);
  if (fromEnv) return { expression: fromEnv, source: "env" };
  return { expression: DEFAULT_SCHEDULE, source: "default" };
}

export type SaveResult = { ok: true; schedule: EffectiveSchedule } | { ok: false; error: string };

/**
 * Validate and store a schedule from the settings page (the viewed org's when `org` is given); ""
 * resets to CACHEGUARD_SCHEDULE / the default. Another org's schedule is never touched.
 */
export async function saveSchedule(db: Db, input: string, envSchedule?: string, org?: ScheduleOrg): Promise<SaveResult> {
  const value = input.trim();
  const key = org ? scheduleKeyFor(org.login) : SCHEDULE_KEY;
  // the default org's own key replaces the deployment-wide one it inherited
  const store = async (v: string | null) => {
    if (org?.isDefault) await deleteSetting(db, SCHEDULE_KEY);
    if (v === null) await deleteSetting(db, key);
    else await setSetting(db, key, v);
  };
  if (value === "") {
    await store(null);
    return { ok: true, schedule: await readSchedule(db, envSchedule, org) };
  }
  if (value.toLowerCase() === SCHEDULE_OFF) {
    await store(SCHEDULE_OFF);
    return { ok: true, schedule: { expression: SCHEDULE_OFF, source: "settings" } };
  }
  const check = validateCron(value);
  if (!check.ok) return { ok: false, error: check.error };
  await store(check.expression);
  return { ok: true, schedule: { expression: check.expression, source: "settings" } };
}
