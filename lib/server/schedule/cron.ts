import { Cron } from "croner";

export const DEFAULT_SCHEDULE = "0 3 * * *";
/** A schedule value that turns scheduled scans off. */
export const SCHEDULE_OFF = "off";

export type CronCheck = { ok: true; expression: string } | { ok: false; error: string };

/**
 * Validate a classic five-field cron expression (minute hour day month weekday) or a nickname
 * such as `@daily`, the way croner will run it. Seconds fields are refused: a scan a second is
 * never what anyone means.
 */
export function validateCron(input: string): CronCheck {
  const expression = input.trim().replace(/\s+/g, " ");
  if (expression === "") return { ok: false, error: "Enter a cron expression, e.g. 0 3 * * * (every day at 03:00)." };
  if (expression.length > 100) return { ok: false, error: "That cron expression is too long." };
  try {
    const job = new Cron(expression, { paused: true, mode: "5-part" });
    const next = job.nextRun();
    job.stop();
    if (!next) return { ok: false, error: `"${expression}" never runs.` };
    return { ok: true, expression };
  } catch (e) {
    const why = e instanceof Error ? e.message.replace(/^CronPattern:\s*/, "") : String(e);
    return { ok: false, error: `"${expression}" is not a valid cron expression: ${why}` };
  }
}

/** The next `n` times a valid expression fires after `from` (empty for an invalid one or "off"). */
export function nextRuns(expression: string, n = 5, from: Date = new Date()): Date[] {
  if (expression === SCHEDULE_OFF) return [];
  const check = validateCron(expression);
  if (!check.ok) return [];
  const job = new Cron(check.expression, { paused: true, mode: "5-part" });
  try {
    return job.nextRuns(n, from);
  } finally {
    job.stop();
  }
}
