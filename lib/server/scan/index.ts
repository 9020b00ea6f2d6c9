export { runScan, startScan, type ScanOptions } from "@/lib/server/scan/run";
export { scanConfigFromEnv } from "@/lib/server/scan/config";
export { recoverInterruptedScans, HEARTBEAT_TIMEOUT_MS } from "@/lib/server/scan/lifecycle";
export {
  ScanAlreadyRunningError,
  type ScanConfig, type ScanSummary, type ScanProgress, type ScanStatus, type ScanPhase, type ScanFinding, type RepoError,
} from "@/lib/server/scan/types";
