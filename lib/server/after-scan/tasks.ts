import type { AfterScanTask } from "@/lib/server/after-scan";

/** The tasks run after every scan that reached its findings, in this order. */
export const AFTER_SCAN_TASKS: readonly AfterScanTask[] = [];
