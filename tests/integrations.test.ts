import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/server/db";
import { INTEGRATIONS, readIntegration, saveIntegrations, withLease } from "@/lib/server/integrations";
import { freshDbUrl } from "./scan-helpers";

let dir: string;
let db: Db;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "cg-integrations-"));
  db = createDb(await freshDbUrl(dir));
});
afterAll(async () => {
  await db?.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe("the GitHub integration switches", () => {
  it("off by default; the environment turns one on; the page wins both ways; null goes back to the environment", async () => {
    expect(await readIntegration(db, "codeScanning", {})).toEqual({ enabled: false, source: "default" });
    expect(await readIntegration(db, "codeScanning", { CACHEGUARD_CODE_SCANNING: "1" })).toEqual({ enabled: true, source: "env" });
    expect(await readIntegration(db, "issues", { CACHEGUARD_ISSUES: "false" })).toEqual({ enabled: false, source: "env" });
    // a value that means nothing is the default, not on
    expect(await readIntegration(db, "issues", { CACHEGUARD_ISSUES: "yes please" })).toEqual({ enabled: false, source: "default" });
    const env = { CACHEGUARD_CODE_SCANNING: "1" };
    await saveIntegrations(db, { codeScanning: false, issues: true }, env);
    expect(await readIntegration(db, "codeScanning", env)).toEqual({ enabled: false, source: "settings" });
    expect(await readIntegration(db, "issues", {})).toEqual({ enabled: true, source: "settings" });
    const view = await saveIntegrations(db, { codeScanning: null }, env);
    expect(view.codeScanning).toEqual({ enabled: true, source: "env", env: INTEGRATIONS.codeScanning.env, envValue: "1" });
    expect(view.issues).toMatchObject({ enabled: true, source: "settings" });
  });
});

describe("withLease", () => {
  it("runs one holder at a time across callers; the second waits for the first", async () => {
    const events: string[] = [];
    let release!: () => void;
    let entered!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const inside = new Promise<void>((r) => { entered = r; });
    const first = withLease(db, "lease.test", async () => {
      events.push("first in");
      entered();
      await gate;
      events.push("first out");
      return 1;
    }, { pollMs: 10 });
    // the first holds the lease before the second asks
    await inside;
    const second = withLease(db, "lease.test", async () => {
      events.push("second in");
      return 2;
    }, { pollMs: 10 });
    // however long the first holds it, the second stays out
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toEqual(["first in"]);
    release();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(events).toEqual(["first in", "first out", "second in"]);
    expect(await db.setting.findUnique({ where: { key: "lease.test" } })).toBeNull();
  });

  it("gives up with null when the holder keeps it past the wait; takes over a lease that expired; releases after a throw", async () => {
    await db.setting.create({ data: { key: "lease.held", value: `${Date.now() + 60_000} 1 other` } });
    expect(await withLease(db, "lease.held", async () => "ran", { waitMs: 100, pollMs: 10 })).toBeNull();
    await db.setting.update({ where: { key: "lease.held" }, data: { value: `${Date.now() - 1} 1 killed` } });
    expect(await withLease(db, "lease.held", async () => "ran", { waitMs: 100, pollMs: 10 })).toBe("ran");
    await expect(withLease(db, "lease.held", async () => { throw new Error("boom"); })).rejects.toThrow("boom");
    expect(await db.setting.findUnique({ where: { key: "lease.held" } })).toBeNull();
  });
});
