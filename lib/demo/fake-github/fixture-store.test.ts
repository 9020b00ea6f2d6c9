import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startFakeGitHub } from "./server";

const DEMO = path.resolve(import.meta.dirname, "..", "fixture");
const dir = mkdtempSync(path.join(tmpdir(), "cg-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const AUTH = { authorization: "token demo-token" };

describe("fixture reloading", () => {
  it("reload: manual serves the loaded fixture until POST /__reload, without re-reading it per request", async () => {
    const fixture = path.join(dir, "manual");
    cpSync(DEMO, fixture, { recursive: true });
    const gh = await startFakeGitHub({ fixture, reload: "manual" });
    try {
      const org = async () => ((await (await fetch(`${gh.url}/orgs/acme`, { headers: AUTH })).json()) as { name?: string }).name;
      expect(await org()).toBe("Acme Corp");
      writeFileSync(path.join(fixture, "org.json"), JSON.stringify({ login: "acme", name: "Acme Renamed", oauth_login: "octocat" }));
      expect(await org()).toBe("Acme Corp");
      expect((await fetch(`${gh.url}/__reload`, { method: "POST" })).status).toBe(204);
      expect(await org()).toBe("Acme Renamed");
    } finally {
      await gh.close();
    }
  });

  it("the default (auto) picks up an edit on the next request", async () => {
    const fixture = path.join(dir, "auto");
    cpSync(DEMO, fixture, { recursive: true });
    const gh = await startFakeGitHub({ fixture });
    try {
      const org = async () => ((await (await fetch(`${gh.url}/orgs/acme`, { headers: AUTH })).json()) as { name?: string }).name;
      expect(await org()).toBe("Acme Corp");
      writeFileSync(path.join(fixture, "org.json"), JSON.stringify({ login: "acme", name: "Acme Renamed", oauth_login: "octocat" }));
      expect(await org()).toBe("Acme Renamed");
    } finally {
      await gh.close();
    }
  });
});
