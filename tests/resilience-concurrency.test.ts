import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeGitHub, startFakeGitHub } from "@/lib/demo/fake-github/server";
import { type Db, createDb } from "@/lib/server/db";
import { ScanAlreadyRunningError, startScan } from "@/lib/server/scan";
import { createScheduler } from "@/lib/server/schedule";
import { type ScanEnv, scanEnv } from "./scan-helpers";

/** Issue 5, "must show": two triggers at the same moment start exactly one scan. */
let env: ScanEnv;
let slow: FakeGitHub;
let other: Db;

beforeAll(async () => {
  env = await scanEnv();
  // a scan that lasts long enough for the second trigger to find it running
  slow = await startFakeGitHub({ fixture: env.fixture, latencyMs: 100 });
  // a second connection, as a second request handler or process would have
  other = createDb(env.dbUrl);
}, 60_000);

// a test that failed half-way must not leave its scan running into the next one
afterEach(async () => {
  await waitIdle(env.db);
});

afterAll(async () => {
  await other?.$disconnect();
  await slow?.close();
  await env?.close();
});

const config = () => ({ ...env.config, apiUrl: slow.url, registryUrl: slow.url });

async function waitIdle(db: Db): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if ((await db.scan.count({ where: { status: { in: ["queued", "running"] } } })) === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the scan did not finish within 60 s");
}

describe("one scan at a time", () => {
  it("two simultaneous triggers on two connections start exactly one scan; the other is told why", async () => {
    const before = await env.db.scan.count();
    const results = await Promise.allSettled([
      startScan(env.db, { config: config(), trigger: "manual" }),
      startScan(other, { config: config(), trigger: "schedule" }),
    ]);
    const started = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0].reason, String(refused[0].reason)).toBeInstanceOf(ScanAlreadyRunningError);
    expect((refused[0].reason as Error).message).toMatch(/^A scan of acme is already running \(scan #\d+\)/);
    expect(await env.db.scan.count()).toBe(before + 1);
    await waitIdle(env.db);
    const scans = await env.db.scan.findMany({ where: { id: { gt: before } } });
    expect(scans).toHaveLength(1);
    expect(scans[0].status).toBe("succeeded");
  }, 90_000);

  it("ten triggers at once still start one scan", async () => {
    const before = await env.db.scan.count();
    const dbs = [env.db, other];
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => startScan(dbs[i % 2], { config: config(), trigger: "manual" })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected").every((r) => (r as PromiseRejectedResult).reason instanceof ScanAlreadyRunningError)).toBe(true);
    await waitIdle(env.db);
    expect(await env.db.scan.count()).toBe(before + 1);
  }, 90_000);

  it("a scheduled run while a manual scan runs is skipped with one log line", async () => {
    const before = await env.db.scan.count();
    const lines: string[] = [];
    const scheduler = createScheduler({ db: other, scanConfig: config, startScan, log: (l) => lines.push(l), envSchedule: () => undefined });
    const manual = await startScan(env.db, { config: config(), trigger: "manual" });
    const tick = await scheduler.tick();
    expect(tick).toEqual({ skipped: expect.stringMatching(/already running \(scan #\d+\)/) });
    expect(lines).toEqual([`[schedule] skipped: A scan of acme is already running (scan #${manual.scanId}); wait for it to finish before starting another.`]);
    await waitIdle(env.db);
    expect(await env.db.scan.count()).toBe(before + 1);
    // once it is done, the next tick starts a scheduled scan through the same job
    const next = await scheduler.tick();
    expect(next).toEqual({ scanId: expect.any(Number) });
    await waitIdle(env.db);
    const row = await env.db.scan.findUniqueOrThrow({ where: { id: (next as { scanId: number }).scanId } });
    expect(row).toMatchObject({ trigger: "schedule", status: "succeeded" });
  }, 90_000);
});
