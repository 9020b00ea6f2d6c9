import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AfterScanTask } from "@/lib/server/after-scan";
import { getScanDetail } from "@/lib/server/queries/scans";
import { runScan } from "@/lib/server/scan";
import { type ScanEnv, scanEnv } from "./scan-helpers";

let env: ScanEnv;
beforeAll(async () => {
  env = await scanEnv();
}, 60_000);
afterAll(async () => {
  await env?.close();
});

describe("after the scan", () => {
  it("stores what each task did, keeps a throwing task from failing the scan, and hides secrets", async () => {
    const seen: Array<{ status: string; newCount: number; repos: number; heads: number }> = [];
    const tasks: AfterScanTask[] = [
      {
        name: "webhook",
        run: async (ctx) => {
          seen.push({ status: ctx.summary.status, newCount: ctx.summary.newCount, repos: ctx.completeRepos.length, heads: ctx.completeRepos.filter((r) => r.headSha).length });
          return [{ kind: "webhook", target: "hooks.example.test", status: "delivered", attempts: 2, message: "200 OK" }];
        },
      },
      {
        name: "slack",
        run: async () => {
          throw new Error(`POST https://hooks.slack.test/services/T0/B0/secret-part failed with token ${env.config.token}`);
        },
      },
    ];
    const summary = await runScan(env.db, { config: env.config, trigger: "manual", afterScanTasks: tasks });
    expect(summary.status).toBe("succeeded");
    // the task saw the stored scan's outcome
    // …and every repository it read completely, with its head commit (the demo org has no empty repo)
    expect(seen).toEqual([{ status: "succeeded", newCount: summary.newCount, repos: summary.repos, heads: summary.repos }]);
    expect(summary.actions?.map((a) => [a.kind, a.status])).toEqual([["webhook", "delivered"], ["slack", "failed"]]);

    const org = (await env.db.org.findUniqueOrThrow({ where: { login: "acme" } }));
    const detail = await getScanDetail(env.db, org, summary.scanId);
    expect(detail?.scan.status).toBe("succeeded");
    // failures first, as the scan page lists them
    expect(detail?.actions.map((a) => [a.kind, a.status, a.attempts])).toEqual([["slack", "failed", 1], ["webhook", "delivered", 2]]);
    expect(detail?.actions[0].message).toContain("failed with token");
    expect(detail?.actions[0].message).not.toContain(env.config.token);
  }, 60_000);

  it("runs nothing after a failed scan", async () => {
    let ran = false;
    const summary = await runScan(env.db, {
      config: { ...env.config, org: "no-such-org" },
      trigger: "manual",
      afterScanTasks: [{ name: "webhook", run: async () => { ran = true; return []; } }],
    });
    expect(summary.status).toBe("failed");
    expect(ran).toBe(false);
    expect(await env.db.scanAction.count({ where: { scanId: summary.scanId } })).toBe(0);
  }, 60_000);
});
