import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Db, createDb } from "@/lib/server/db";
import {
  DEFAULT_SCHEDULE, SCHEDULE_KEY, createScheduler, getScheduler, nextRuns, readSchedule, saveSchedule,
  startScheduler, stopScheduler, validateCron,
} from "@/lib/server/schedule";
import { freshDbUrl } from "@/tests/scan-helpers";

let dir: string;
let db: Db;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "cg-sched-"));
  db = createDb(await freshDbUrl(dir));
});
afterEach(async () => {
  stopScheduler();
  await db.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

const noScan = async () => ({ scanId: 0 });
const config = () => ({ org: "acme", apiUrl: "http://127.0.0.1:9", registryUrl: "http://127.0.0.1:9" });

describe("cron expressions", () => {
  it("accepts five-field expressions and nicknames, and explains what is wrong otherwise", () => {
    expect(validateCron(" 0  3 * * * ")).toEqual({ ok: true, expression: "0 3 * * *" });
    expect(validateCron("@daily")).toMatchObject({ ok: true });
    expect(validateCron("*/30 8-18 * * 1-5")).toMatchObject({ ok: true });
    expect(validateCron("61 * * * *")).toEqual({ ok: false, error: expect.stringMatching(/not a valid cron expression: .*minute/i) });
    expect(validateCron("0 0 3 * * *")).toEqual({ ok: false, error: expect.stringMatching(/5 parts/) }); // seconds field
    expect(validateCron("every night")).toMatchObject({ ok: false });
    expect(validateCron("")).toMatchObject({ ok: false, error: expect.stringMatching(/Enter a cron expression/) });
  });

  it("lists the next five runs", () => {
    const from = new Date("2026-11-28T04:00:00Z");
    const runs = nextRuns("0 3 * * *", 5, from).map((d) => d.getTime() - from.getTime());
    expect(runs).toHaveLength(5);
    // 23 h later, then every 24 h (the test process runs in UTC or a zone without DST in late November)
    for (let i = 1; i < 5; i++) expect(runs[i] - runs[i - 1]).toBe(24 * 3600_000);
    expect(nextRuns("off")).toEqual([]);
    expect(nextRuns("nonsense")).toEqual([]);
  });
});

describe("the stored schedule", () => {
  it("is the page's value, else CACHEGUARD_SCHEDULE, else daily at 03:00", async () => {
    expect(await readSchedule(db, undefined)).toEqual({ expression: DEFAULT_SCHEDULE, source: "default" });
    expect(await readSchedule(db, "0 1 * * *")).toEqual({ expression: "0 1 * * *", source: "env" });
    expect(await readSchedule(db, "not cron")).toEqual({ expression: DEFAULT_SCHEDULE, source: "default" });
    expect(await saveSchedule(db, "15 2 * * 0", "0 1 * * *")).toMatchObject({ ok: true, schedule: { expression: "15 2 * * 0", source: "settings" } });
    expect(await readSchedule(db, "0 1 * * *")).toEqual({ expression: "15 2 * * 0", source: "settings" });
    expect((await db.setting.findUnique({ where: { key: SCHEDULE_KEY } }))?.value).toBe("15 2 * * 0");
  });

  it("refuses an invalid expression and keeps the previous one", async () => {
    await saveSchedule(db, "0 4 * * *");
    expect(await saveSchedule(db, "0 25 * * *")).toEqual({ ok: false, error: expect.stringMatching(/hour/i) });
    expect((await readSchedule(db)).expression).toBe("0 4 * * *");
  });

  it("can be turned off and reset to the environment's value", async () => {
    expect(await saveSchedule(db, "OFF")).toMatchObject({ ok: true, schedule: { expression: "off" } });
    expect(await saveSchedule(db, "", "0 1 * * *")).toEqual({ ok: true, schedule: { expression: "0 1 * * *", source: "env" } });
  });
});

describe("the scheduler", () => {
  it("re-arms on a new schedule without a restart", async () => {
    const lines: string[] = [];
    const s = createScheduler({ db, scanConfig: config, startScan: noScan, log: (l) => lines.push(l), envSchedule: () => undefined });
    await s.start();
    expect(s.current).toEqual({ expression: DEFAULT_SCHEDULE, source: "default" });
    expect(s.nextRun()?.getUTCMinutes()).toBe(0);
    await saveSchedule(db, "17 * * * *");
    await s.rearm();
    expect(s.current?.expression).toBe("17 * * * *");
    expect(s.nextRun()?.getUTCMinutes()).toBe(17);
    await saveSchedule(db, "off");
    await s.rearm();
    expect(s.nextRun()).toBeNull();
    expect(lines.at(-1)).toBe("[schedule] scheduled scans are off");
    s.stop();
  });

  it("starts once per process, however often instrumentation runs (dev reloads)", async () => {
    const deps = { db, scanConfig: config, startScan: noScan, log: () => {}, envSchedule: () => undefined };
    const a = await startScheduler(deps);
    const b = await startScheduler(deps);
    expect(b).toBe(a);
    expect(getScheduler()).toBe(a);
  });

  it("a tick starts a scan with trigger schedule, and logs a configuration problem in one line", async () => {
    const calls: Array<{ trigger: string }> = [];
    const lines: string[] = [];
    const s = createScheduler({
      db, scanConfig: config, log: (l) => lines.push(l), envSchedule: () => undefined,
      startScan: async (_db, opts) => (calls.push({ trigger: opts.trigger }), { scanId: 42 }),
    });
    expect(await s.tick()).toEqual({ scanId: 42 });
    expect(calls).toEqual([{ trigger: "schedule" }]);
    const broken = createScheduler({
      db, startScan: noScan, log: (l) => lines.push(l), envSchedule: () => undefined,
      scanConfig: () => { throw new Error("Demo mode needs CACHEGUARD_DEMO_URL"); },
    });
    expect(await broken.tick()).toEqual({ skipped: "Demo mode needs CACHEGUARD_DEMO_URL" });
    expect(lines).toEqual(["[schedule] scheduled scan #42 of acme started", "[schedule] scheduled scan not started: Demo mode needs CACHEGUARD_DEMO_URL"]);
  });
});
