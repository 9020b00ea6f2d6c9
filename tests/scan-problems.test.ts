import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ScanSummary, runScan } from "@/lib/server/scan";
import { teamNoteKey } from "@/lib/server/queries/summary";
import { type ScanEnv, moveCacheRef, scanEnv } from "./scan-helpers";

let env: ScanEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

const scan = (e: ScanEnv): Promise<ScanSummary> => runScan(e.db, { config: e.config, trigger: "manual" });

async function problemOf(e: ScanEnv, repo: string, ref: string) {
  return e.db.problem.findFirstOrThrow({
    where: { repo: { name: repo }, ref },
    include: { findings: { select: { ruleId: true, resolvedScanId: true, ref: true }, orderBy: { id: "asc" } } },
  });
}

describe("problems of the demo org", () => {
  it("35 open findings are 26 problems: one per broken ref and place, with its evidence", async () => {
    env = await scanEnv();
    const s = await scan(env);
    expect(s.status).toBe("succeeded");
    const open = await env.db.finding.count({ where: { resolvedScanId: null } });
    // docs-site's Actions cache (gha-cache-near-quota) is a problem of its own
    expect(open).toBe(35);
    expect(await env.db.problem.count({ where: { resolvedScanId: null } })).toBe(26);
    // every open finding belongs to exactly one problem
    expect(await env.db.finding.count({ where: { resolvedScanId: null, problemId: null } })).toBe(0);
    expect(await env.db.scan.findUniqueOrThrow({ where: { id: s.scanId } })).toMatchObject({ problemsOpen: 26, problemsOpened: 26, problemsFixed: 0 });

    // the seed case: the cache export and the registry's evidence, confirmed by the registry and the pulls
    const api = await problemOf(env, "api", "ghcr.io/acme/api:test");
    expect(api.findings.map((f) => f.ruleId).sort()).toEqual(["cache-overwrites-image-tag", "registry-tag-holds-cache"]);
    expect(api).toMatchObject({ rank: 0, severity: "error", ruleId: "cache-overwrites-image-tag", path: ".github/workflows/ci.yml" });
    expect(api.why).toMatch(/registry holds a cache at ghcr\.io\/acme\/api:test \(cache, sha256:948a8332526d/);
    // the matrix build: one cache export, the registry's caches at :cpu and :gpu
    const worker = await problemOf(env, "worker", "ghcr.io/acme/worker:cpu");
    expect(worker.findings.map((f) => f.ref).sort()).toEqual(["ghcr.io/acme/worker:cpu", "ghcr.io/acme/worker:cpu", "ghcr.io/acme/worker:gpu"]);
    // a collision the registry shows holding an image ranks as possible, below the likely ones
    expect((await problemOf(env, "deploy", "ghcr.io/acme/base:node20")).rank).toBe(2);
    expect((await problemOf(env, "mailer", "ghcr.io/acme/mailer:latest")).rank).toBe(1);

    // a warm rescan changes nothing: same problems, none opened or fixed
    const warm = await scan(env);
    expect(await env.db.scan.findUniqueOrThrow({ where: { id: warm.scanId } })).toMatchObject({ problemsOpen: 26, problemsOpened: 0, problemsFixed: 0 });
    expect(await env.db.problem.count()).toBe(26);
  });

  it("fixing api's workflow keeps its problem open while the registry holds the cache; settling the tag fixes it", async () => {
    env = await scanEnv();
    const first = await scan(env);
    const before = await problemOf(env, "api", "ghcr.io/acme/api:test");
    const writer = first.findings.find((f) => f.ruleId === "cache-overwrites-image-tag" && f.repo === "acme/api")!;
    moveCacheRef(env.fixture, writer);
    env.server.reload();

    const second = await scan(env);
    const during = await problemOf(env, "api", "ghcr.io/acme/api:test");
    expect(during.id).toBe(before.id);
    expect(during.resolvedScanId).toBeNull();
    // the cache export is fixed; what is left is the registry's cache at the tag, still broken for whoever pulls it
    expect(during.findings.filter((f) => f.resolvedScanId === null).map((f) => f.ruleId)).toEqual(["registry-tag-holds-cache"]);
    expect(during).toMatchObject({ ruleId: "registry-tag-holds-cache", rank: 0 });
    expect(await env.db.scan.findUniqueOrThrow({ where: { id: second.scanId } })).toMatchObject({ problemsOpen: 26, problemsOpened: 0, problemsFixed: 0 });

    // the image is pushed to the tag again (a new manifest, so a new package version)
    const pkg = path.join(env.fixture, "packages", "api");
    const image = JSON.parse(readFileSync(path.join(pkg, "manifests", "v1.8.0-amd64.json"), "utf8")) as { annotations?: Record<string, string> };
    image.annotations = { ...image.annotations, "org.opencontainers.image.created": "2026-12-01T16:00:00Z" };
    writeFileSync(path.join(pkg, "tags", "test.json"), JSON.stringify(image));
    env.server.reload();
    const third = await scan(env);
    const after = await env.db.problem.findUniqueOrThrow({ where: { id: before.id } });
    expect(after.resolvedScanId).toBe(third.scanId);
    const scans = await env.db.scan.findMany({ where: { id: { in: [first.scanId, third.scanId] } }, orderBy: { id: "asc" } });
    expect(after.openedAt).toEqual(scans[0].startedAt);
    expect(after.resolvedAt).toEqual(scans[1].startedAt);
    expect(await env.db.scan.findUniqueOrThrow({ where: { id: third.scanId } })).toMatchObject({ problemsOpen: 25, problemsOpened: 0, problemsFixed: 1 });
  });
});

describe("owner teams", () => {
  it("come from custom properties, then topics, then CODEOWNERS, each with its source; properties and topics are read again without a push", async () => {
    env = await scanEnv();
    await scan(env);
    const team = async (name: string) => env!.db.repo.findFirstOrThrow({ where: { name }, select: { team: true, teamSource: true } });
    expect(await team("api")).toEqual({ team: "core-api", teamSource: "custom property team" });
    expect(await team("ledger")).toEqual({ team: "payments", teamSource: "custom property team" });
    expect(await team("frontend")).toEqual({ team: "web", teamSource: "topic team-web" });
    expect(await team("scheduler")).toEqual({ team: "ops", teamSource: "topic team-ops" });
    expect(await team("platform")).toEqual({ team: "platform-eng", teamSource: "CODEOWNERS (.github/CODEOWNERS)" });
    expect(await team("cli-tools")).toEqual({ team: "devx", teamSource: "CODEOWNERS" });
    expect(await team("reports")).toEqual({ team: "data", teamSource: "CODEOWNERS (docs/CODEOWNERS)" });
    expect(await team("mailer")).toEqual({ team: null, teamSource: null });

    // settings change on GitHub, not in the repositories: no head moves
    const repos = path.join(env.fixture, "repos");
    writeFileSync(path.join(repos, "mailer.json"), JSON.stringify({ topics: ["team-messaging"] }));
    writeFileSync(path.join(repos, "api.json"), JSON.stringify({ topics: ["backend", "team-backend"] }));
    env.server.reload();
    const warm = await scan(env);
    expect(warm.reposFetched).toBe(0);
    expect(await team("mailer")).toEqual({ team: "messaging", teamSource: "topic team-messaging" });
    expect(await team("api")).toEqual({ team: "backend", teamSource: "topic team-backend" });
    // CODEOWNERS was not read again, and its team stays
    expect(await team("platform")).toEqual({ team: "platform-eng", teamSource: "CODEOWNERS (.github/CODEOWNERS)" });
    expect(await env.db.setting.findUnique({ where: { key: teamNoteKey(1) } })).toBeNull();
  });

  it("CACHEGUARD_TEAM_PROPERTY names the custom property to read", async () => {
    env = await scanEnv();
    await runScan(env.db, { config: { ...env.config, teamProperty: "tier" }, trigger: "manual" });
    expect(await env.db.repo.findFirstOrThrow({ where: { name: "api" }, select: { team: true, teamSource: true } })).toEqual({ team: "1", teamSource: "custom property tier" });
    // billing has no `tier`: nothing else says, so no team
    expect((await env.db.repo.findFirstOrThrow({ where: { name: "billing" } })).team).toBeNull();
    expect(env.server.stats().byRoute).toMatchObject({ "GET /orgs/:org/properties/schema": 1, "GET /orgs/:org/properties/values": 1 });

    // a property the org does not define costs the one request that says so
    env.server.resetStats();
    await runScan(env.db, { config: { ...env.config, teamProperty: "owner" }, trigger: "manual" });
    expect(env.server.stats().byRoute["GET /orgs/:org/properties/schema"]).toBe(1);
    expect(env.server.stats().byRoute["GET /orgs/:org/properties/values"]).toBeUndefined();
    expect(await env.db.repo.findFirstOrThrow({ where: { name: "api" }, select: { team: true, teamSource: true } })).toEqual({ team: "backend", teamSource: "topic team-backend" });
  });

  it("a token that may not read custom properties still scans: topics and CODEOWNERS decide, and the report is told", async () => {
    env = await scanEnv((fixture) => {
      writeFileSync(path.join(fixture, "tokens.json"), JSON.stringify({ "demo-token": { login: "octocat", scopes: ["repo", "read:packages"], member: true } }));
    });
    const s = await scan(env);
    // without read:org the Actions cache usage is not read either: that, and only that, makes the scan partial
    expect(s.status).toBe("partial");
    expect(s.repoErrors.map((e) => e.repo)).toEqual(["actions-cache"]);
    const api = await env.db.repo.findFirstOrThrow({ where: { name: "api" } });
    expect(api).toMatchObject({ team: "backend", teamSource: "topic team-backend" });
    expect((await env.db.repo.findFirstOrThrow({ where: { name: "billing" } })).team).toBeNull();
    const note = await env.db.setting.findUniqueOrThrow({ where: { key: teamNoteKey(1) } });
    expect(note.value).toMatch(/Custom property "team" not read \(GitHub answered 403\)/);
  });
});
