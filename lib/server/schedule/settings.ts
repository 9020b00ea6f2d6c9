import { z } from "zod";
import type { Db } from "@/lib/server/db";
import { DEFAULT_SCHEDULE, SCHEDULE_OFF, validateCron } from "@/lib/server/schedule/cron";

/** Setting keys this module owns. */
export const SCHEDULE_KEY = "scan.schedule";

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
export async function readSchedule(db: Db, envSchedule: string | undefined = process.env.CACHEGUARD_SCHEDULE): Promise<EffectiveSchedule> {
  const stored = usable(await getSetting(db, SCHEDULE_KEY));
  if (stored) return { expression: stored, source: "settings" };
  const fromEnv = usable(envSchedule);
  if (fromEnv) return { expression: fromEnv, source: "env" };
  return { expression: DEFAULT_SCHEDULE, source: "default" };
}

export type SaveResult = { ok: true; schedule: EffectiveSchedule } | { ok: false; error: string };

/** Validate and store a schedule from the settings page; "" resets to CACHEGUARD_SCHEDULE / the default. */
export async function saveSchedule(db: Db, input: string, envSchedule?: string): Promise<SaveResult> {
  const value = input.trim();
  if (value === "") {
    await deleteSetting(db, SCHEDULE_KEY);
    return { ok: true, schedule: await readSchedule(db, envSchedule) };
  }
  if (value.toLowerCase() === SCHEDULE_OFF) {
    await setSetting(db, SCHEDULE_KEY, SCHEDULE_OFF);
    return { ok: true, schedule: { expression: SCHEDULE_OFF, source: "settings" } };
  }
  const check = validateCron(value);
  if (!check.ok) return { ok: false, error: check.error };
  await setSetting(db, SCHEDULE_KEY, check.expression);
  return { ok: true, schedule: { expression: check.expression, source: "settings" } };
}
