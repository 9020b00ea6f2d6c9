import type { GitHubClient } from "@/lib/github/client";
import { redact } from "@/lib/github/redact";
import type { Db } from "@/lib/server/db";
import type { ScanConfig, ScanSummary } from "@/lib/server/scan/types";

export type ActionKind = "slack" | "webhook" | "code-scanning" | "issue";
export type ActionStatus = "delivered" | "failed" | "skipped";

/** One thing done after a scan, as stored in ScanAction and shown on the scan's page. */
export interface ActionOutcome {
  kind: ActionKind;
  /** a repository name, or the receiver's host; never a URL that holds a secret */
  target: string;
  status: ActionStatus;
  attempts?: number;
  message?: string;
  url?: string | null;
}

/** What every after-scan task is given: the finished scan, its summary and a GitHub client. */
export interface AfterScanContext {
  db: Db;
  gh: GitHubClient;
  config: ScanConfig;
  orgId: number;
  scanId: number;
  summary: ScanSummary;
  /**
   * The repositories this scan read completely (name without owner, their default branch and head
   * commit): their findings in the database are this scan's truth. An incremental scan lists only
   * the repositories it read.
   */
  completeRepos: Array<{ repoId: number; name: string; defaultBranch: string; headSha: string | null }>;
  /** secrets to keep out of stored messages (tokens, webhook URLs, signing keys) */
  secrets: string[];
}

/** A task run after each scan that got as far as its findings; it reports what it did. */
export interface AfterScanTask {
  name: string;
  run(ctx: AfterScanContext): Promise<ActionOutcome[]>;
}

/**
 * Run every after-scan task for a finished scan and store what each did. Nothing here can fail the
 * scan: a task that throws is stored as one failed action, and a storage failure is only logged.
 */
export async function runAfterScan(ctx: AfterScanContext, list: readonly AfterScanTask[]): Promise<ActionOutcome[]> {
  const all: ActionOutcome[] = [];
  for (const task of list) {
    let outcomes: ActionOutcome[];
    try {
      outcomes = await task.run(ctx);
    } catch (e) {
      outcomes = [{ kind: task.name as ActionKind, target: ctx.config.org, status: "failed", message: e instanceof Error ? e.message : String(e) }];
    }
    all.push(...outcomes);
  }
  if (all.length === 0) return all;
  const secrets = [ctx.config.token, ...ctx.secrets].filter((s): s is string => !!s);
  try {
    await ctx.db.scanAction.createMany({
      data: all.map((a) => ({
        scanId: ctx.scanId, kind: a.kind, target: redact(a.target, secrets), status: a.status,
        attempts: a.attempts ?? 1, message: redact(a.message ?? "", secrets).slice(0, 2000), url: a.url ?? null,
      })),
    });
  } catch (e) {
    console.error(`scan #${ctx.scanId}: could not store what was done after it: ${redact(e instanceof Error ? e.message : String(e), secrets)}`);
  }
  return all;
}
