import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverMembershipCheck } from "@/lib/auth/server-membership";
import { MEMBERSHIP_TTL_MS, SESSION_MAX_AGE_S, checkSession, openSession, revokeSession } from "@/lib/auth/sessions";
import { type FakeGitHub, startFakeGitHub } from "@/lib/demo/fake-github/server";
import { createDb, type Db } from "@/lib/server/db";
import { readEnv } from "@/lib/server/env";
import { DEMO_FIXTURE, freshDbUrl } from "./scan-helpers";

/**
 * Server-side sessions against a real SQLite file and the fake GitHub: sign-out ends a session
 * for good, and a member removed from the org loses access at the next membership check, which
 * happens at most every 10 minutes (cached in between).
 */
let gh: FakeGitHub;
let db: Db;
let dir: string;

beforeAll(async () => {
  // a private copy of the server: this file removes members
  gh = await startFakeGitHub({ fixture: DEMO_FIXTURE });
  dir = mkdtempSync(path.join(tmpdir(), "cg-sessions-"));
  db = createDb(await freshDbUrl(dir));
});
afterAll(async () => {
  await gh?.close();
  await db?.$disconnect();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const memberChecks = () => gh.stats().byRoute["GET /orgs/:org/members/:user"] ?? 0;
const deps = (now: Date) => ({
  db, org: "acme", now: () => now,
  checkMember: serverMembershipCheck(readEnv({ CACHEGUARD_ORG: "acme", GITHUB_TOKEN: "demo-token", GITHUB_API_URL: gh.url } as unknown as NodeJS.ProcessEnv)),
});

async function removeFromOrg(login: string): Promise<number> {
  const res = await fetch(`${gh.url}/orgs/acme/members/${login}`, { method: "DELETE", headers: { authorization: "Bearer demo-admin-token" } });
  return res.status;
}

describe("server-side sessions", () => {
  it("a signed-out session stays dead, even with its cookie replayed", async () => {
    const t0 = new Date("2026-12-01T10:00:00Z");
    const sid = await openSession(db, "octocat", "acme", t0);
    expect(await checkSession(sid, deps(t0))).toEqual({ ok: true, login: "octocat" });
    await revokeSession(db, sid, t0);
    expect(await checkSession(sid, deps(t0))).toMatchObject({ ok: false, reason: "revoked" });
  });

  it("an unknown id, another org's session and an expired one do not count", async () => {
    const t0 = new Date("2026-12-01T10:00:00Z");
    expect(await checkSession("forged-session-id", deps(t0))).toMatchObject({ ok: false, reason: "unknown" });
    expect(await checkSession(undefined, deps(t0))).toMatchObject({ ok: false, reason: "unknown" });
    const other = await openSession(db, "octocat", "initech", t0);
    expect(await checkSession(other, deps(t0))).toMatchObject({ ok: false, reason: "unknown" });
    const sid = await openSession(db, "octocat", "acme", t0);
    expect(await checkSession(sid, deps(new Date(t0.getTime() + SESSION_MAX_AGE_S * 1000 + 1)))).toMatchObject({ ok: false, reason: "expired" });
  });

  it("a removed member keeps access only until the cached membership is 10 minutes old", async () => {
    const t0 = new Date("2026-12-01T10:00:00Z");
    const sid = await openSession(db, "monalisa", "acme", t0);
    const before = memberChecks();
    // within 10 minutes the membership is not asked again
    expect(await checkSession(sid, deps(new Date(t0.getTime() + 9 * 60_000)))).toEqual({ ok: true, login: "monalisa" });
    expect(memberChecks()).toBe(before);
    // after 10 minutes GitHub is asked once, says yes, and that answer is cached again
    const t1 = new Date(t0.getTime() + MEMBERSHIP_TTL_MS + 1);
    expect(await checkSession(sid, deps(t1))).toEqual({ ok: true, login: "monalisa" });
    expect(await checkSession(sid, deps(new Date(t1.getTime() + 60_000)))).toEqual({ ok: true, login: "monalisa" });
    expect(memberChecks()).toBe(before + 1);

    expect(await removeFromOrg("monalisa")).toBe(204);
    // GitHub itself now says so (404, as for any non-member)
    expect((await fetch(`${gh.url}/orgs/acme/members/monalisa`, { headers: { authorization: "Bearer demo-token" } })).status).toBe(404);
    const t2 = new Date(t1.getTime() + MEMBERSHIP_TTL_MS + 1);
    expect(await checkSession(sid, deps(t2))).toEqual({ ok: false, reason: "not-member", message: "monalisa is no longer a member of acme." });
    // and the session is over for good (it says why), even if the member is added back later
    const later = await checkSession(sid, deps(new Date(t2.getTime() + 1000)));
    expect(later).toEqual({ ok: false, reason: "not-member", message: "monalisa is no longer a member of acme." });
    expect(await db.authSession.findUniqueOrThrow({ where: { id: sid } })).toMatchObject({ revokedReason: "not-member" });
  });

  it("removing a member needs an owner's token, shaped like GitHub's answer", async () => {
    const res = await fetch(`${gh.url}/orgs/acme/members/octocat`, { method: "DELETE", headers: { authorization: "Bearer demo-token" } });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ message: "Must have admin rights to Organization.", documentation_url: expect.stringContaining("remove-an-organization-member"), status: "403" });
  });

  it("when GitHub cannot answer, there is no access, but the session survives for the next try", async () => {
    const t0 = new Date("2026-12-01T10:00:00Z");
    const sid = await openSession(db, "octocat", "acme", t0);
    const down = { ...deps(new Date(t0.getTime() + MEMBERSHIP_TTL_MS + 1)), checkMember: serverMembershipCheck(readEnv({ CACHEGUARD_ORG: "acme", GITHUB_TOKEN: "demo-token", GITHUB_API_URL: "http://127.0.0.1:9" } as unknown as NodeJS.ProcessEnv)) };
    expect(await checkSession(sid, down)).toMatchObject({ ok: false, reason: "check-failed" });
    expect(await checkSession(sid, deps(new Date(t0.getTime() + MEMBERSHIP_TTL_MS + 2)))).toEqual({ ok: true, login: "octocat" });
  });
});
