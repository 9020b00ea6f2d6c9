import { getScheduler, nextRuns, readSchedule, saveSchedule, scheduleInputSchema } from "@/lib/server/schedule";
import { api, json, jsonError } from "../_lib/route";

function view(schedule: { expression: string; source: string }) {
  return {
    schedule: schedule.expression,
    source: schedule.source,
    envSchedule: process.env.CACHEGUARD_SCHEDULE ?? null,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    nextRuns: nextRuns(schedule.expression, 5).map((d) => d.toISOString()),
    // false when this process runs no scheduler (instrumentation did not start one)
    armed: getScheduler()?.current != null,
  };
}

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = api({
  /** GET /api/settings: the scan schedule in force, where it comes from, and its next five runs. */
  GET: async ({ db }) => json(view(await readSchedule(db))),

  /** PUT /api/settings {schedule}: validate with croner, store in Setting, re-arm the job at once. */
  PUT: {
    body: "json",
    handle: async ({ db, body }) => {
      const parsed = scheduleInputSchema.safeParse(body);
      if (!parsed.success) {
        return jsonError(400, 'Send {"schedule": "<cron expression>"} ("" resets it, "off" turns scheduled scans off).');
      }
      const saved = await saveSchedule(db, parsed.data.schedule);
      if (!saved.ok) return jsonError(400, saved.error);
      const scheduler = getScheduler();
      const effective = scheduler ? await scheduler.rearm() : saved.schedule;
      return json(view(effective));
    },
  },
});
