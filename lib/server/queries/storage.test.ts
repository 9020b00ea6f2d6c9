// The dashboard's storage queries over what a scan of the demo org stored.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScan } from "@/lib/server/scan";
import { type ScanEnv, scanEnv } from "@/tests/scan-helpers";
import { orgStorage, packageStorage, planOptions } from "./storage";

let env: ScanEnv;
let org: { id: number; login: string };
beforeAll(async () => {
  env = await scanEnv();
  await runScan(env.db, { config: env.config, trigger: "cli", afterScanTasks: [] });
  org = await env.db.org.findUniqueOrThrow({ where: { login: "acme" }, select: { id: true, login: true } });
}, 120_000);
afterAll(() => env?.close());

describe("storage queries", () => {
  it("the org total: bytes of the cache manifests read, untagged versions and orphans", async () => {
    const t = await orgStorage(env.db, org);
    expect(t).toMatchObject({ packages: 13, untagged: 2018, orphans: 2009, orphansUnknown: 0, cacheManifests: 13, command: "npm run --silent cacheguard -- cleanup --org acme --plan" });
    expect(t.cacheBytes).toBeGreaterThan(400_000_000);
  });

  it("a package's plan from stored data, for the URL's options, with the exact commands", async () => {
    const web = (await packageStorage(env.db, org, "web", {}))!;
    expect(web.figures).toMatchObject({ tagged: 3, untagged: 6, orphans: 1 });
    expect(web.plan).toMatchObject({ problem: null, deleteCount: 1, keepCount: 8, orphans: 1, unread: 1, deletedBy: { "not read": 1 } });
    expect(web.plan.keptBy).toEqual({ tagged: 3, child: 4, signed: 1 });
    expect(web.plan.keeps.slice(0, 3).every((k) => k.why === "tagged")).toBe(true);
    expect(web.commands.apply).toBe("npm run --silent cacheguard -- cleanup --org acme --package web --apply");

    const api = (await packageStorage(env.db, org, "api", { keepLast: "3", olderThan: "3650d" }))!;
    // everything is younger than ten years: the options keep every orphan
    expect(api.plan.deleteCount).toBe(0);
    expect(api.commands.plan).toBe("npm run --silent cacheguard -- cleanup --org acme --package api --older-than 3650d --keep-last 3 --plan");
    const three = (await packageStorage(env.db, org, "api", { keepLast: "3" }))!;
    expect(three.plan.deleteCount).toBe(2005);
    expect(three.plan.deletes).toHaveLength(100);
    expect(three.plan.keptBy["keep-last"]).toBe(3);
    expect(await packageStorage(env.db, org, "nothing", {})).toBeNull();
  });

  it("says which URL option is not valid", () => {
    expect(planOptions({ olderThan: "soon" }).error).toMatch(/not a duration/);
    expect(planOptions({ keepLast: "-2" }).error).toMatch(/not a whole number/);
    expect(planOptions({ olderThan: "30d", keepLast: "2" })).toEqual({ olderThan: "30d", keepLast: 2, error: null });
  });
});
