// The scan's storage phase on the demo org: versions read 100 a page within their budget, stored as
// they come and resumed, and the storage figures (counts, orphans, cache bytes) it stores.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runScan, type ScanConfig } from "@/lib/server/scan";
import { type StorageFigures, parseFigures, storageTotal } from "@/lib/server/storage/figures";
import { DEMO_FIXTURE, type ScanEnv, scanEnv } from "./scan-helpers";

let env: ScanEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

const scan = (e: ScanEnv, config: Partial<ScanConfig> = {}) => runScan(e.db, { config: { ...e.config, ...config }, trigger: "cli", afterScanTasks: [] });
async function figures(e: ScanEnv): Promise<Record<string, StorageFigures>> {
  const rows = await e.db.package.findMany();
  return Object.fromEntries(rows.map((r) => [r.name, parseFigures(r.storage)!]));
}
const others = (s: Awaited<ReturnType<typeof scan>>) => s.requests.rest + s.requests.graphql + s.requests.registry - s.storage!.pages - s.storage!.registryRequests;
const versionPages = (e: ScanEnv) => e.server.requests().filter((q) => /\/packages\/container\/[^/]+\/versions\?/.test(q.path));

/** The distinct layer bytes of a package's tagged cache manifests, read from the fixture files. */
function cacheBytesInFixture(pkg: string): number {
  const layers = new Map<string, number>();
  const dir = path.join(DEMO_FIXTURE, "packages", pkg, "tags");
  for (const f of readdirSync(dir)) {
    const m = JSON.parse(readFileSync(path.join(dir, f), "utf8")) as { config?: { mediaType: string }; layers?: Array<{ digest: string; size: number; mediaType: string }>; manifests?: Array<{ digest: string; size: number; mediaType: string }> };
    const isCache = m.config?.mediaType === "application/vnd.buildkit.cacheconfig.v0" || (m.manifests ?? []).some((x) => x.mediaType === "application/vnd.buildkit.cacheconfig.v0");
    if (!isCache) continue;
    for (const l of [...(m.layers ?? []), ...(m.manifests ?? [])]) if (/layer|rootfs\.diff/.test(l.mediaType)) layers.set(l.digest, l.size);
  }
  return [...layers.values()].reduce((a, b) => a + b, 0);
}

describe("storage figures of the demo org", () => {
  it("a cold scan reads every versions list within three quarters of its other requests and stores the figures; a warm one reads none", async () => {
    env = await scanEnv();
    const cold = await scan(env);
    expect(cold.status).toBe("succeeded");
    // api's 2,015 versions are 21 pages; each other package fits in one
    expect(cold.storage).toMatchObject({ pages: 33, complete: 13, pending: 0, errors: [] });
    expect(cold.storage!.pages).toBeLessThanOrEqual(0.75 * others(cold));
    expect(versionPages(env)).toHaveLength(33);
    expect(versionPages(env).every((q) => /per_page=100/.test(q.path))).toBe(true);

    const f = await figures(env);
    expect(f.api).toMatchObject({ versionCount: 2015, versionsComplete: true, tagged: 3, untagged: 2012, orphans: 2008, problem: null, cacheBytes: cacheBytesInFixture("api"), cacheManifests: 1 });
    expect(f.web).toMatchObject({ versionCount: 9, tagged: 3, untagged: 6, orphans: 1, cacheBytes: cacheBytesInFixture("web") });
    expect(f.cli).toMatchObject({ versionCount: 3, tagged: 3, untagged: 0, orphans: 0, cacheManifests: 2, cacheBytes: cacheBytesInFixture("cli") });
    expect(f["e2e-runner"].cacheBytes).toBe(cacheBytesInFixture("e2e-runner"));
    expect(f.base).toMatchObject({ cacheBytes: 0, orphans: 0 });
    const total = storageTotal(Object.values(f));
    const fixtureBytes = readdirSync(path.join(DEMO_FIXTURE, "packages")).reduce((a, p) => a + cacheBytesInFixture(p), 0);
    expect(total).toMatchObject({ packages: 13, untagged: 2018, orphans: 2009, orphansUnknown: 0, cacheBytes: fixtureBytes, cacheManifests: 13 });

    env.server.resetStats();
    const warm = await scan(env);
    expect(warm.storage).toMatchObject({ pages: 0, registryRequests: 0, complete: 13 });
    expect(versionPages(env)).toHaveLength(0);
    expect((await figures(env)).api.orphans).toBe(2008);
  }, 120_000);

  it("a list cut short by its budget is stored as read and goes on at the next page in the next scan", async () => {
    env = await scanEnv();
    const first = await scan(env, { versionPages: { share: 0.3 } });
    const cap = Math.floor(0.3 * others(first));
    expect(first.storage!.pages).toBeLessThanOrEqual(cap);
    expect(first.storage!.pending).toBeGreaterThan(0);
    // caches first, small lists first: api (2,015 versions) is the one still being read
    const api = await env.db.package.findFirstOrThrow({ where: { name: "api" } });
    const stored = await env.db.packageVersion.count({ where: { packageId: api.id } });
    expect(api.versionsNextPage).toBeGreaterThan(1);
    expect(stored).toBe((api.versionsNextPage - 1) * 100);
    expect((await figures(env)).api).toMatchObject({ versionsComplete: false, orphans: null, versionsStored: stored, problem: expect.stringMatching(/read in part/) });

    env.server.resetStats();
    // a warm rescan makes few requests of its own: a larger share lets this one finish the list
    const second = await scan(env, { versionPages: { share: 20 } });
    const pages = versionPages(env).filter((q) => q.path.includes("/container/api/")).map((q) => Number(/[?&]page=(\d+)/.exec(q.path)![1]));
    // it went on where the first scan stopped, not from page 1
    expect(pages[0]).toBe(api.versionsNextPage);
    expect(second.storage).toMatchObject({ pending: 0 });
    expect((await figures(env)).api).toMatchObject({ versionsComplete: true, versionsStored: 2015, orphans: 2008 });
  }, 120_000);

  it("versions deleted by someone else, and new ones pushed, are found by the next scan", async () => {
    env = await scanEnv();
    await scan(env);
    const list = async (pkg: string) => (await (await fetch(`${env!.server.url}/orgs/acme/packages/container/${pkg}/versions?per_page=100&page=21`, { headers: { authorization: "Bearer demo-token" } })).json()) as Array<{ id: number }>;
    const oldest = (await list("api")).at(-1)!;
    const del = await fetch(`${env.server.url}/orgs/acme/packages/container/api/versions/${oldest.id}`, { method: "DELETE", headers: { authorization: "Bearer demo-delete-token" } });
    expect(del.status).toBe(204);
    // a new untagged push to web: a manifest file the package did not have
    writeFileSync(path.join(env.fixture, "packages", "web", "manifests", "pushed-now.json"), JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "application/vnd.buildkit.cacheconfig.v0", digest: `sha256:${"c".repeat(64)}`, size: 10 }, layers: [] }));
    // a count that went down means versions went: the list is read whole again (a budget that allows it here)
    const next = await scan(env, { versionPages: { share: 3 } });
    expect(next.storage!.errors).toEqual([]);
    const f = await figures(env);
    expect(f.api).toMatchObject({ versionCount: 2014, versionsStored: 2014, orphans: 2007 });
    expect(f.web).toMatchObject({ versionCount: 10, versionsStored: 10, orphans: 2 });
    const api = await env.db.package.findFirstOrThrow({ where: { name: "api" } });
    expect(await env.db.packageVersion.count({ where: { packageId: api.id, versionId: BigInt(oldest.id) } })).toBe(0);
  }, 120_000);
});
