import type { AfterScanTask } from "@/lib/server/after-scan";
import { alertsTask } from "@/lib/server/alerts";
import { codeScanningTask } from "@/lib/server/code-scanning";
import { repoIssuesTask } from "@/lib/server/repo-issues";

/** The tasks run after every scan that reached its findings, in this order: tell people first, then GitHub. */
export const AFTER_SCAN_TASKS: readonly AfterScanTask[] = [
  alertsTask(),
  codeScanningTask(),
  repoIssuesTask(),
];
