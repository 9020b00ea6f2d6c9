import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decide } from "@/lib/auth/guard";
import { switchOrgHref, withOrg } from "@/lib/http/org-param";
import { createDb, type Db } from "@/lib/server/db";
import { configProblem, configuredOrgs, readEnv } from "@/lib/server/env";
import { chooseOrg } from "@/lib/server/orgs";
import { scanConfigFromEnv } from "@/lib/server/scan";
import { createScheduler } from "@/lib/server/schedule";
import type { ScanConfig } from "@/lib/server/scan/types";
import { cli } from "./cli-helpers";
import { appKeyPair, freshDbUrl } from "./scan-helpers";

/** Several organizations per deployment: the configuration, the URL scheme and the scheduler. */
const env = (vars: Record<string, string>) => readEnv(vars as unknown as NodeJS.ProcessEnv);
const problem = (vars: Record<string, string>) => {
  try {
    readEnv(vars as unknown as NodeJS.ProcessEnv);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
};

describe("CACHEGUARD_ORGS", () => {
  it("is a comma list, trimmed and deduplicated as GitHub compares logins; the first is the default", () => {
    expect(configuredOrgs(env({ CACHEGUARD_ORGS: " acme, globex ,ACME,,initech " }))).toEqual(["acme", "globex", "initech"]);
    expect(chooseOrg(env({ CACHEGUARD_ORGS: "acme,globex" }), null)).toEqual({ ok: true, login: "acme", param: null });
  });

  it("CACHEGUARD_ORG alone is a one-item list; without either the demo serves acme (and globex when npm start runs its fake)", () => {
    expect(configuredOrgs(env({ CACHEGUARD_ORG: "initech" }))).toEqual(["initech"]);
    expect(configuredOrgs(env({}))).toEqual(["acme"]);
    expect(configuredOrgs(env({ CACHEGUARD_DEMO_ORG_URLS: '{"globex": "http://127.0.0.1:4011"}' }))).toEqual(["acme", "globex"]);
  });

  it("refuses a list with a name GitHub would not accept, naming it", () => {
    expect(problem({ CACHEGUARD_ORGS: "acme,glo bex" })).toBe('Invalid configuration: CACHEGUARD_ORGS: "glo bex" must be a GitHub organization login (letters, digits and single inner hyphens, at most 39 characters)');
    expect(problem({ CACHEGUARD_ORGS: "acme,-globex" })).toMatch(/"-globex" must be a GitHub organization login/);
    expect(problem({ CACHEGUARD_ORGS: "a--b" })).toMatch(/"a--b" must be/);
    expect(problem({ CACHEGUARD_ORGS: " , " })).toBe("Invalid configuration: CACHEGUARD_ORGS: names no organization: set it like acme,globex or unset it");
    // empty is a mistake, not "unset": it never turns a configured server into the open demo
    expect(problem({ CACHEGUARD_ORGS: "" })).toMatch(/CACHEGUARD_ORGS: names no organization/);
    expect(problem({ CACHEGUARD_ORG: "acme/web" })).toMatch(/^Invalid configuration: CACHEGUARD_ORG: must be a GitHub organization login/);
  });

  it("a CACHEGUARD_ORG that the list leaves out is a start-up error, not a guess", () => {
    expect(configProblem(env({ CACHEGUARD_ORGS: "acme,globex", CACHEGUARD_ORG: "initech", GITHUB_TOKEN: "ghp_x" })))
      .toBe("CACHEGUARD_ORG=initech is not in CACHEGUARD_ORGS=acme,globex: set one of them (CACHEGUARD_ORGS lists every organization, the default first).");
    expect(configProblem(env({ CACHEGUARD_ORGS: "acme,globex", CACHEGUARD_ORG: "Globex", GITHUB_TOKEN: "ghp_x" }))).toBeNull();
    expect(configProblem(env({ CACHEGUARD_ORGS: "acme,globex" }))).toMatch(/^CACHEGUARD_ORGS=acme,globex is set but there is no way to read it/);
  });
});

describe("the org in the URL", () => {
  const two = env({ CACHEGUARD_ORGS: "acme,globex" });

  it("?org= names a configured org in any case, the default one needs no parameter, anything else is refused", () => {
    expect(chooseOrg(two, "GLOBEX")).toEqual({ ok: true, login: "globex", param: "globex" });
    expect(chooseOrg(two, "acme")).toEqual({ ok: true, login: "acme", param: null });
    expect(chooseOrg(two, "initech")).toEqual({ ok: false, requested: "initech" });
  });

  it("an unconfigured org is a 404 page (or JSON) for a visitor who may see the default org, and a sign-in for one who may not", () => {
    const ok = { ok: true as const, viewer: { login: "octocat" }, org: "acme", unknownOrg: "initech" };
    const origin = { ok: true as const };
    expect(decide({ method: "GET", pathname: "/scans", search: "?org=initech", origin, access: ok })).toEqual({ action: "not-found" });
    expect(decide({ method: "GET", pathname: "/api/summary", search: "?org=initech", origin, access: ok })).toMatchObject({ action: "json", status: 404 });
    const refused = { ok: false as const, status: 403 as const, error: "x", reason: "not-member" as const, login: "monalisa", org: "globex" };
    expect(decide({ method: "GET", pathname: "/", search: "?org=globex", origin, access: refused }))
      .toEqual({ action: "redirect", to: "/signin?error=not-member&login=monalisa&org=globex" });
  });

  it("links keep the viewed org, their own query and their anchor; the default org's links stay as they were", () => {
    expect(withOrg("/repos/api#finding-3", "globex")).toBe("/repos/api?org=globex#finding-3");
    expect(withOrg("/?rule=x&org=acme", "globex")).toBe("/?org=globex&rule=x");
    expect(withOrg("/repos/api#finding-3", null)).toBe("/repos/api#finding-3");
  });

  it("the switcher keeps a list view with its filters, and takes a page about one thing to its section", () => {
    expect(switchOrgHref("/", "view=findings&severity=error&page=3", "globex", "acme")).toBe("/?org=globex&view=findings&severity=error");
    expect(switchOrgHref("/", "org=globex&severity=error", "acme", "acme")).toBe("/?severity=error");
    expect(switchOrgHref("/scans/12", "org=acme", "globex", "acme")).toBe("/scans?org=globex");
    expect(switchOrgHref("/repos/api", "", "globex", "acme")).toBe("/?org=globex");
    expect(switchOrgHref("/rules/cache-overwrites-image-tag", "", "globex", "acme")).toBe("/rules/cache-overwrites-image-tag?org=globex");
  });
});

describe("scanning several orgs", () => {
  it("each org gets its own scan configuration; the demo's other org is read from its own fake", () => {
    const demo = env({ CACHEGUARD_DEMO_URL: "http://127.0.0.1:4010", CACHEGUARD_DEMO_ORG_URLS: '{"globex": "http://127.0.0.1:4011"}' });
    expect(scanConfigFromEnv(demo)).toMatchObject({ org: "acme", apiUrl: "http://127.0.0.1:4010" });
    expect(scanConfigFromEnv(demo, "globex")).toMatchObject({ org: "globex", apiUrl: "http://127.0.0.1:4011", registryUrl: "http://127.0.0.1:4011", token: "demo-token" });
    expect(() => scanConfigFromEnv(demo, "initech")).toThrow(/initech is not one of the organizations/);
  });

  it("with a GitHub App, GITHUB_APP_INSTALLATION_ID is the default org's; another org's installation is found by org", () => {
    const app = { CACHEGUARD_ORGS: "acme,globex", GITHUB_APP_ID: "123", GITHUB_APP_PRIVATE_KEY: appKeyPair().privateKey, GITHUB_APP_INSTALLATION_ID: "77" };
    const configs: ScanConfig[] = [scanConfigFromEnv(env(app)), scanConfigFromEnv(env(app), "globex")];
    expect(configs.map((c) => [c.app?.org, c.app?.installationId])).toEqual([["acme", 77], ["globex", undefined]]);
  });

  it("`cacheguard scan` without --org asks for one when several orgs are configured", async () => {
    const saved = process.env.CACHEGUARD_ORGS;
    process.env.CACHEGUARD_ORGS = "acme,globex";
    try {
      const r = await cli(["scan"], tmpdir());
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^cacheguard scan: several organizations are configured \(CACHEGUARD_ORGS=acme,globex\): name one with --org\n/);
    } finally {
      if (saved === undefined) delete process.env.CACHEGUARD_ORGS;
      else process.env.CACHEGUARD_ORGS = saved;
    }
  });
});

describe("the scheduler runs each org on its own schedule", () => {
  let dir: string;
  let db: Db;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "cg-orgs-sched-"));
    db = createDb(await freshDbUrl(dir));
  });
  afterAll(async () => {
    await db?.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it("arms one job per org from that org's settings, and a tick scans that org", async () => {
    const { saveSchedule } = await import("@/lib/server/schedule");
    // a single-org server's schedule from before: the default org keeps it, the other org does not inherit it
    await db.setting.create({ data: { key: "scan.schedule", value: "0 1 * * *" } });
    await saveSchedule(db, "30 4 * * *", undefined, { login: "globex", isDefault: false });
    const started: string[] = [];
    const lines: string[] = [];
    const s = createScheduler({
      db, orgs: () => ["acme", "globex", "initech"], envSchedule: () => "off", log: (l) => lines.push(l),
      scanConfig: (org) => ({ org: org!, apiUrl: "http://127.0.0.1:9", registryUrl: "http://127.0.0.1:9" }),
      startScan: async (_db, { config }) => (started.push(config.org), { scanId: started.length }),
    });
    await s.start();
    expect(s.currentFor("acme")).toEqual({ expression: "0 1 * * *", source: "settings" });
    expect(s.currentFor("globex")).toEqual({ expression: "30 4 * * *", source: "settings" });
    expect(s.currentFor("initech")).toEqual({ expression: "off", source: "env" });
    expect(s.nextRunFor("globex")?.getMinutes()).toBe(30);
    expect(s.nextRunFor("initech")).toBeNull();
    expect(lines).toContain("[schedule] initech: scheduled scans are off");
    // changing acme's schedule on its settings page moves acme only
    await saveSchedule(db, "45 2 * * *", undefined, { login: "acme", isDefault: true });
    await s.rearm();
    expect(s.currentFor("acme")?.expression).toBe("45 2 * * *");
    expect(s.currentFor("globex")?.expression).toBe("30 4 * * *");
    expect(await s.tick("globex")).toEqual({ scanId: 1 });
    expect(started).toEqual(["globex"]);
    s.stop();
  });
});
