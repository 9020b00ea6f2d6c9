import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Db, createDb } from "@/lib/server/db";
import { ensureDatabase } from "@/lib/server/migrate";
import { freshDbUrl } from "./scan-helpers";
import { beginScan, HEARTBEAT_TIMEOUT_MS, recoverInterruptedScans } from "@/lib/server/scan/lifecycle";
import { ScanAlreadyRunningError } from "@/lib/server/scan/types";

let dir: string;
let db: Db;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "cg-life-"));
  db = createDb(await freshDbUrl(dir));
});
afterEach(async () => {
  await db.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

async function runningScan(data: { pid: number; hostname: string; heartbeatAt: Date }) {
  const org = await db.org.upsert({ where: { login: "acme" }, create: { login: "acme" }, update: {} });
  return db.scan.create({ data: { orgId: org.id, trigger: "manual", status: "running", activeKey: "acme", ...data } });
}

describe("scan lifecycle", () => {
  it("creates the data dir and schema on first use, and is a quick no-op after", async () => {
    const url = `file:${path.join(dir, "nested", "data", "new.db")}`;
    await ensureDatabase(url);
    const fresh = createDb(url);
    try {
      expect(await fresh.scan.count()).toBe(0);
      const applied = await fresh.$queryRawUnsafe<Array<{ n: number }>>("SELECT COUNT(*) AS n FROM _prisma_migrations");
      expect(Number(applied[0].n)).toBeGreaterThanOrEqual(2);
    } finally {
      await fresh.$disconnect();
    }
    const t0 = Date.now();
    await ensureDatabase(url);
    expect(Date.now() - t0).toBeLessThan(300); // no prisma process spawned
  });

  it("refuses a second scan of the same org while one is active", async () => {
    const first = await beginScan(db, "acme", "manual");
    await expect(beginScan(db, "acme", "manual")).rejects.toThrow(ScanAlreadyRunningError);
    await expect(beginScan(db, "acme", "manual")).rejects.toThrow(/already running \(scan #\d+\)/);
    // another org is independent
    await expect(beginScan(db, "other", "manual")).resolves.toMatchObject({ scanId: expect.any(Number) });
    expect((await db.scan.findUnique({ where: { id: first.scanId } }))?.status).toBe("running");
  });

  it("marks a scan whose process died as interrupted, and the org can be scanned again", async () => {
    // a pid that cannot exist on Linux (pid_max is at most 2^22)
    const dead = await runningScan({ pid: 99_999_999, hostname: hostname(), heartbeatAt: new Date() });
    const next = await beginScan(db, "acme", "manual");
    const old = await db.scan.findUnique({ where: { id: dead.id } });
    expect(old).toMatchObject({ status: "interrupted", activeKey: null });
    expect(old?.error).toMatch(/Interrupted/);
    expect(next.scanId).not.toBe(dead.id);
  });

  it("treats a scan from another host as alive until its heartbeat is stale", async () => {
    const s = await runningScan({ pid: 1, hostname: "elsewhere", heartbeatAt: new Date() });
    expect(await recoverInterruptedScans(db)).toEqual([]);
    const later = new Date(Date.now() + HEARTBEAT_TIMEOUT_MS + 1000);
    expect(await recoverInterruptedScans(db, later)).toEqual([s.id]);
  });

  it("leaves a scan of a live process on this host running", async () => {
    await runningScan({ pid: process.ppid, hostname: hostname(), heartbeatAt: new Date() });
    expect(await recoverInterruptedScans(db)).toEqual([]);
    await expect(beginScan(db, "acme", "cli")).rejects.toThrow(ScanAlreadyRunningError);
  });
});
