export { DEFAULT_SCHEDULE, SCHEDULE_OFF, nextRuns, validateCron, type CronCheck } from "@/lib/server/schedule/cron";
export {
  SCHEDULE_KEY, scheduleKeyFor, readSchedule, saveSchedule, getSetting, setSetting, scheduleInputSchema,
  type EffectiveSchedule, type ScheduleOrg, type ScheduleSource, type SaveResult,
} from "@/lib/server/schedule/settings";
export { createScheduler, getScheduler, startScheduler, stopScheduler, type Scheduler, type SchedulerDeps } from "@/lib/server/schedule/scheduler";
