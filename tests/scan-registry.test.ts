import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeGitHub } from "@/lib/demo/fake-github/server";
import { createDb } from "@/lib/server/db";
import { runScan } from "@/lib/server/scan";
import { type ScanEnv, freshDbUrl, hubRegistries, scanEnv } from "./scan-helpers";

interface ManifestCall { method: string; pkg: string; ref: string; digest: string | null; origin: string }

/** Records every registry manifest request (and the peak of registry requests in flight) while `fn` runs. */
async function tapRegistry<T>(fn: () => Promise<T>): Promise<{ value: T; calls: ManifestCall[]; peakRegistry: number; overlapped: boolean }> {
  const original = globalThis.fetch;
  const calls: ManifestCall[] = [];
  let inRegistry = 0;
  let inGitHub = 0;
  let peakRegistry = 0;
  let overlapped = false;
  globalThis.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const registry = url.pathname.startsWith("/v2/") || url.pathname === "/token";
    if (registry) peakRegistry = Math.max(peakRegistry, ++inRegistry);
    else inGitHub++;
    if (inRegistry > 0 && inGitHub > 0) overlapped = true;
    try {
      const res = await original(input, init);
      const m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
      if (m) calls.push({ method: (init?.method ?? "GET").toUpperCase(), pkg: m[1], ref: decodeURIComponent(m[2]), digest: res.headers.get("docker-content-digest"), origin: url.origin });
      return res;
    } finally {
      if (registry) inRegistry--;
      else inGitHub--;
    }
  };
  try {
    const value = await fn();
    // GHCR's manifest reads only: the fake Docker Hub (other registries, read by name) has its own tests
    const hub = env ? new URL(env.server.hub.url).origin : null;
    return { value, calls: calls.filter((c) => c.origin !== hub), peakRegistry, overlapped };
  } finally {
    globalThis.fetch = original;
  }
}

let env: ScanEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

describe("registry reads per digest", () => {
  it("a cold scan reads each tag with one GET and never fetches a digest again; a changed package HEADs and reuses kinds", async () => {
    env = await scanEnv();
    const cold = await tapRegistry(() => runScan(env!.db, { config: env!.config, trigger: "manual" }));
    expect(cold.value.status).toBe("succeeded");
    const tagCount = await env.db.packageTag.count();
    expect(tagCount).toBeGreaterThan(10);
    // cold: no HEAD at all, one GET per tag (the answer carries the digest and the body)
    expect(cold.calls.filter((c) => c.method === "HEAD")).toEqual([]);
    const byTag = cold.calls.filter((c) => !c.ref.startsWith("sha256:"));
    expect(byTag).toHaveLength(tagCount);
    // no digest is fetched by digest once this scan has its body (by tag or by digest)
    const seen = new Set<string>();
    for (const c of [...byTag, ...cold.calls.filter((x) => x.ref.startsWith("sha256:"))]) {
      if (c.ref.startsWith("sha256:")) expect(seen.has(c.ref), `${c.pkg}@${c.ref} fetched twice`).toBe(false);
      seen.add(c.digest!);
    }

    // every package changed, every stored digest forgotten: HEAD per tag, GET once per distinct digest
    await env.db.package.updateMany({ data: { updatedAt: null } });
    await env.db.packageTag.updateMany({ data: { digest: "sha256:stale" } });
    await env.db.manifestKind.deleteMany();
    const changed = await tapRegistry(() => runScan(env!.db, { config: env!.config, trigger: "manual" }));
    expect(changed.value.status).toBe("succeeded");
    expect(changed.calls.filter((c) => c.method === "HEAD")).toHaveLength(tagCount);
    const gets = changed.calls.filter((c) => c.method === "GET");
    const digests = new Set(changed.calls.filter((c) => c.method === "HEAD").map((c) => c.digest));
    // api:latest and api:v1.8.0 share a digest: fetched once, not once per tag
    expect(digests.size).toBeLessThan(tagCount);
    expect(gets.map((c) => c.ref).sort()).toEqual([...digests].sort());
    expect(changed.value.findings.map((f) => f.fingerprint).sort()).toEqual(cold.value.findings.map((f) => f.fingerprint).sort());
  });

  it("registry requests run beside the GitHub API calls, more than the API's 4 at once, capped by registryConcurrency", async () => {
    env = await scanEnv();
    await env.server.close();
    const slow = await startFakeGitHub({ fixture: env.fixture, latencyMs: 40 });
    try {
      const config = { ...env.config, apiUrl: slow.url, registryUrl: slow.url, registries: hubRegistries(slow) };
      const wide = await tapRegistry(() => runScan(env!.db, { config, trigger: "manual" }));
      expect(wide.value.status).toBe("succeeded");
      expect(wide.overlapped).toBe(true);
      expect(wide.peakRegistry).toBeGreaterThan(4);
      expect(wide.peakRegistry).toBeLessThanOrEqual(16);
      await env.db.package.updateMany({ data: { updatedAt: null } });
      const narrow = await tapRegistry(() => runScan(env!.db, { config: { ...config, registryConcurrency: 2 }, trigger: "manual" }));
      expect(narrow.value.status).toBe("succeeded");
      expect(narrow.peakRegistry).toBeLessThanOrEqual(2);
    } finally {
      await slow.close();
    }
  });
});

const MANIFEST = JSON.stringify({
  schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: `sha256:${"a".repeat(64)}`, size: 2 },
  layers: [],
});

describe("orgs with thousands of packages and tags", () => {
  it("scans 2,000 packages and a package with 2,000 tags, then drops the ones that went away", { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cg-scale-"));
    const fixture = path.join(dir, "fixture");
    mkdirSync(path.join(fixture, "repos", "app", ".github", "workflows"), { recursive: true });
    writeFileSync(path.join(fixture, "org.json"), JSON.stringify({ login: "acme" }));
    writeFileSync(path.join(fixture, "repos", "app", ".github", "workflows", "ci.yml"), "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n");
    for (let i = 0; i < 2000; i++) {
      mkdirSync(path.join(fixture, "packages", `p${i}`, "tags"), { recursive: true });
      writeFileSync(path.join(fixture, "packages", `p${i}`, "tags", "v1.json"), MANIFEST);
    }
    mkdirSync(path.join(fixture, "packages", "big", "tags"), { recursive: true });
    for (let i = 0; i < 2000; i++) writeFileSync(path.join(fixture, "packages", "big", "tags", `t${i}.json`), MANIFEST);
    const server = await startFakeGitHub({ fixture, reload: "manual" });
    const db = createDb(await freshDbUrl(dir));
    try {
      const config = { org: "acme", apiUrl: server.url, registryUrl: server.url, token: "demo-token" };
      const first = await runScan(db, { config, trigger: "manual" });
      expect(first.error).toBeUndefined();
      expect(first.status).toBe("succeeded");
      expect(first.packages).toBe(2001);
      expect(await db.packageTag.count()).toBe(4000);

      // half the packages deleted, all but one tag of `big` deleted
      for (let i = 1000; i < 2000; i++) rmSync(path.join(fixture, "packages", `p${i}`), { recursive: true });
      for (let i = 1; i < 2000; i++) rmSync(path.join(fixture, "packages", "big", "tags", `t${i}.json`));
      server.reload();
      await db.package.updateMany({ where: { name: "big" }, data: { updatedAt: null } });
      const second = await runScan(db, { config, trigger: "manual" });
      expect(second.error).toBeUndefined();
      expect(second.status).toBe("succeeded");
      expect(await db.package.count()).toBe(1001);
      expect((await db.packageTag.findMany({ where: { package: { name: "big" } } })).map((t) => t.tag)).toEqual(["t0"]);
      expect(await db.packageTag.count()).toBe(1001);
    } finally {
      await server.close();
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
