import { defaultOrg, readEnv } from "@/lib/server/env";
import { getScheduler, nextRuns, readSchedule, saveSchedule, scheduleInputSchema } from "@/lib/server/schedule";
import { api, json, jsonError } from "../_lib/route";

/** The schedule is the request's org's (`?org=`): each org of the deployment has its own. */
const whose = (login: string) => ({ login, isDefault: login === defaultOrg(readEnv()) });

function view(org: string, schedule: { expression: string; source: string }) {
  return {
    org,
    schedule: schedule.expression,
    source: schedule.source,
    envSchedule: process.env.CACHEGUARD_SCHEDULE ?? null,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    nextRuns: nextRuns(schedule.expression, 5).map((d) => d.toISOString()),
    // false when this process runs no scheduler (instrumentation did not start one)
    armed: getScheduler()?.currentFor(org) != null,
  };
}

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = api({
  /** GET /api/settings: the scan schedule in force, where it comes from, and its next five runs. */
  GET: async ({ db, orgLogin }) => json(view(orgLogin, await readSchedule(db, undefined, whose(orgLogin)))),

  /** PUT /api/settings {schedule}: validate with croner, store in Setting, re-arm the job at once. */
  PUT: {
    body: "json",
    handle: async ({ db, body, orgLogin }) => {
      const parsed = scheduleInputSchema.safeParse(body);
      if (!parsed.success) {
        return jsonError(400, 'Send {"schedule": "<cron expression>"} ("" resets it, "off" turns scheduled scans off).');
      }
      const saved = await saveSchedule(db, parsed.data.schedule, undefined, whose(orgLogin));
      if (!saved.ok) return jsonError(400, saved.error);
      const scheduler = getScheduler();
      if (scheduler) await scheduler.rearm();
      return json(view(orgLogin, scheduler?.currentFor(orgLogin) ?? saved.schedule));
    },
  },
});
