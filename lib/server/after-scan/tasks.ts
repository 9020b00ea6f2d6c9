import type { AfterScanTask } from "@/lib/server/after-scan";
import { alertsTask } from "@/lib/server/alerts";

/** The tasks run after every scan that reached its findings, in this order. */
export const AFTER_SCAN_TASKS: readonly AfterScanTask[] = [alertsTask()];
