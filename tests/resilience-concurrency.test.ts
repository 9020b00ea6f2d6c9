import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeGitHub, startFakeGitHub } from "@/lib/demo/fake-github/server";
import type { Db } from "@/lib/server/db";
import { ScanAlreadyRunningError, startScan } from "@/lib/server/scan";
import { createScheduler } from "@/lib/server/schedule";
import { type ScanEnv, scanEnv, hubEnv } from "./scan-helpers";

/**
 * Issue 5, "must show": two triggers at the same moment start exactly one scan; the other gets
 * the clear "already running" error. In one server process (two requests, or the scheduler and a
 * click) and across processes (two CLI runs).
 */
const ROOT = path.resolve(import.meta.dirname, "..");
let env: ScanEnv;
let slow: FakeGitHub;

beforeAll(async () => {
  env = await scanEnv();
  // a scan that lasts long enough for the second trigger to find it running
  slow = await startFakeGitHub({ fixture: env.fixture, latencyMs: 100 });
}, 60_000);

async function waitIdle(db: Db): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if ((await db.scan.count({ where: { status: { in: ["queued", "running"] } } })) === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the scan did not finish within 60 s");
}

// a test that failed half-way must not leave its scan running into the next one
afterEach(async () => {
  await waitIdle(env.db);
}, 70_000);

afterAll(async () => {
  await slow?.close();
  await env?.close();
});

const config = () => ({ ...env.config, apiUrl: slow.url, registryUrl: slow.url });

function cliScan(): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "lib/cli/main.ts", "scan", "--org", "acme", "--api-url", slow.url, "--registry-url", slow.url, "--format", "json"], {
      cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, GITHUB_TOKEN: "demo-token", DATABASE_URL: env.dbUrl, ...hubEnv(slow) },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

describe("one scan at a time", () => {
  it("two simultaneous triggers on a fresh install start exactly one scan; the other is told why", async () => {
    expect(await env.db.org.count()).toBe(0); // the very first scan: the org row does not exist yet either
    const results = await Promise.allSettled([
      startScan(env.db, { config: config(), trigger: "manual" }),
      startScan(env.db, { config: config(), trigger: "schedule" }),
    ]);
    const started = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0].reason, String(refused[0].reason)).toBeInstanceOf(ScanAlreadyRunningError);
    expect((refused[0].reason as Error).message).toMatch(/^A scan of acme is already running \(scan #\d+\)/);
    await waitIdle(env.db);
    const scans = await env.db.scan.findMany();
    expect(scans).toHaveLength(1);
    expect(scans[0].status).toBe("succeeded");
  }, 90_000);

  it("ten triggers at once still start one scan", async () => {
    const before = await env.db.scan.count();
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => startScan(env.db, { config: config(), trigger: "manual" })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const reasons = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason as unknown);
    expect(reasons.every((e) => e instanceof ScanAlreadyRunningError), reasons.map(String).join("\n")).toBe(true);
    await waitIdle(env.db);
    expect(await env.db.scan.count()).toBe(before + 1);
  }, 90_000);

  it("two CLI scans started together: one runs, the other exits 2 saying a scan is running", async () => {
    const before = await env.db.scan.count();
    const [a, b] = await Promise.all([cliScan(), cliScan()]);
    const refused = [a, b].filter((r) => r.code === 2);
    const ran = [a, b].filter((r) => r.code !== 2);
    expect(refused, `${a.out}\n---\n${b.out}`).toHaveLength(1);
    expect(refused[0].out).toMatch(/cacheguard scan: A scan of acme is already running \(scan #\d+\)/);
    expect(ran).toHaveLength(1);
    expect(JSON.parse(ran[0].out.slice(ran[0].out.indexOf("{"))).scan.status).toBe("succeeded");
    expect(await env.db.scan.count()).toBe(before + 1);
  }, 90_000);

  it("a scheduled run while a manual scan runs is skipped with one log line", async () => {
    const before = await env.db.scan.count();
    const lines: string[] = [];
    const scheduler = createScheduler({ db: env.db, scanConfig: config, startScan, log: (l) => lines.push(l), envSchedule: () => undefined });
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
