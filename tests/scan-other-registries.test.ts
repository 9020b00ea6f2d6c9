/**
 * registry-tag-holds-cache beyond GHCR: the scan reads the tags workflows push to on Docker Hub
 * (the fake server's second registry host, Docker Hub-style: a separate token realm, anonymous
 * tokens for public repositories, 401 for private ones) and any OCI registry, by name.
 */
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { otherRegistriesFromEnv } from "@/lib/registry/credentials";
import { HUB_USERS } from "@/lib/demo/fake-github/hub";
import { runScan, type ScanConfig } from "@/lib/server/scan";
import { repoScope, runIncrementalScan } from "@/lib/server/scan/incremental";
import { type ScanEnv, hubRegistries, scanEnv } from "./scan-helpers";

let env: ScanEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

const SDK = "docker.io/acme/sdk:latest";
const sdkDir = (e: ScanEnv) => path.join(e.fixture, "registries", "docker.io", "acme", "sdk");
const scan = (e: ScanEnv, config: Partial<ScanConfig> = {}) => runScan(e.db, { config: { ...e.config, ...config }, trigger: "manual" });
const sdkFinding = (e: ScanEnv) => e.db.finding.findFirst({ where: { ref: SDK, ruleId: "registry-tag-holds-cache" }, orderBy: { id: "desc" } });
/** the release's image is pushed again: `:latest` holds the 2.4.0 image instead of the cache */
const pushImage = (e: ScanEnv) => copyFileSync(path.join(sdkDir(e), "tags", "2.4.0.json"), path.join(sdkDir(e), "tags", "latest.json"));
const makePrivate = (e: ScanEnv) => writeFileSync(path.join(sdkDir(e), "package.json"), `${JSON.stringify({ visibility: "private" })}\n`);
const hubUser = { host: "docker.io", kind: "basic" as const, username: "acme-ci", password: HUB_USERS["acme-ci"].token, source: "DOCKERHUB_TOKEN" as const };

async function closedPortUrl(): Promise<string> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

describe("a Docker Hub-style registry with anonymous tokens", () => {
  it("reads the tag a workflow pushes with an anonymous token from the separate realm: the cache in acme/sdk:latest is an error at the workflow", async () => {
    env = await scanEnv();
    const s = await scan(env);
    expect(s.status, JSON.stringify(s.repoErrors)).toBe("succeeded");
    const f = s.findings.find((x) => x.ref === SDK)!;
    expect(f).toMatchObject({ ruleId: "registry-tag-holds-cache", severity: "error", repo: "acme/sdk", path: ".github/workflows/release.yml", line: 23 });
    expect(f.message).toMatch(/holds a BuildKit cache .* this workflow pushes an image to it/);
    expect(f.related?.map((r) => [r.line, r.message])).toEqual([[33, "also runs it with `docker run` (job `smoke`)"]]);
    expect(s.registries).toEqual([{ host: "docker.io", url: env.server.hub.url, credential: "anonymous", tags: 1, read: 1, notRead: 0, requests: expect.any(Number) }]);

    // the handshake Docker Hub asks for: 401, an anonymous token from the realm the challenge names,
    // HEAD by tag (not a pull), one GET by digest for a digest never classified; nothing else is read
    const log = env.server.hub.requests();
    const tokens = log.filter((r) => r.path.startsWith("/token"));
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatchObject({ method: "GET", auth: "none", status: 200 });
    expect(tokens[0].path).toContain("service=registry.docker.io");
    expect(decodeURIComponent(tokens[0].path)).toContain("scope=repository:acme/sdk:pull");
    const manifests = log.filter((r) => r.path.includes("/manifests/") && r.status === 200);
    expect(manifests.map((r) => [r.method, decodeURIComponent(r.path).replace(/sha256:\w+/, "sha256:…"), r.auth])).toEqual([
      ["HEAD", "/v2/acme/sdk/manifests/latest", "bearer"], ["GET", "/v2/acme/sdk/manifests/sha256:…", "bearer"],
    ]);
    expect(log.some((r) => r.path.includes("buildcache") || r.path.includes("2.4.0") || r.path.includes("_catalog"))).toBe(false);
    expect(env.server.hub.stats().pulls).toBe(1);
    expect(s.requests.registry).toBe(env.server.stats().registry + env.server.hub.stats().requests);
    expect(await env.db.registryRef.findMany({ select: { ref: true, kind: true } })).toEqual([{ ref: SDK, kind: "cache" }]);

    // a rescan spends no pull: HEAD only, the digest's kind is known
    env.server.hub.resetStats();
    const warm = await scan(env);
    expect(warm.findings.find((x) => x.ref === SDK)?.isNew).toBe(false);
    expect(env.server.hub.stats().pulls).toBe(0);
    expect(env.server.hub.requests().filter((r) => r.path.includes("/manifests/")).map((r) => r.method)).not.toContain("GET");
  });

  it("the image pushed again resolves the finding; a tag deleted from Docker Hub too, on the word of its complete tag list", async () => {
    env = await scanEnv();
    const first = await scan(env);
    const f = first.findings.find((x) => x.ref === SDK)!;
    pushImage(env);
    const second = await scan(env);
    expect(second.status).toBe("succeeded");
    expect(second.findings.some((x) => x.ref === SDK)).toBe(false);
    expect((await sdkFinding(env))).toMatchObject({ fingerprint: f.fingerprint, resolvedScanId: second.scanId });
    expect(await env.db.registryRef.findMany({ select: { ref: true, kind: true } })).toEqual([{ ref: SDK, kind: "image" }]);

    // the cache comes back, then the tag is deleted: HEAD 404, the tag list lacks it, so it is gone
    copyFileSync(path.join(sdkDir(env), "tags", "buildcache.json"), path.join(sdkDir(env), "tags", "latest.json"));
    const third = await scan(env);
    expect(third.findings.some((x) => x.ref === SDK && x.isNew)).toBe(true);
    rmSync(path.join(sdkDir(env), "tags", "latest.json"));
    env.server.hub.resetStats();
    const fourth = await scan(env);
    expect(fourth.status, JSON.stringify(fourth.repoErrors)).toBe("succeeded");
    expect(env.server.hub.requests().some((r) => r.path.startsWith("/v2/acme/sdk/tags/list"))).toBe(true);
    expect((await sdkFinding(env))?.resolvedScanId).toBe(fourth.scanId);
    expect(await env.db.registryRef.count()).toBe(0);
  });
});

describe("a registry that cannot be read is reported as not read, never as clean", () => {
  it("a private repository without credentials: the scan is partial, says what to set, and the finding stays open; with DOCKERHUB_* it is read", async () => {
    env = await scanEnv();
    const first = await scan(env);
    const f = first.findings.find((x) => x.ref === SDK)!;
    // now private, and (unseen) the image is pushed again: a scan that cannot read it must not call it fixed
    makePrivate(env);
    pushImage(env);
    const second = await scan(env);
    expect(second.status).toBe("partial");
    expect(second.repoErrors).toEqual([{ repo: "registry:docker.io", message: expect.stringMatching(/^docker\.io\/acme\/sdk:latest: not read: The registry refused to let acme\/sdk be read without credentials \(401\); a private Docker Hub repository needs DOCKERHUB_USERNAME and DOCKERHUB_TOKEN/) }]);
    expect(second.registries).toMatchObject([{ host: "docker.io", credential: "anonymous", tags: 1, read: 0, notRead: 1 }]);
    expect(second.resolvedCount).toBe(0);
    expect(await sdkFinding(env)).toMatchObject({ fingerprint: f.fingerprint, resolvedScanId: null });
    // what the scan page lists under "Not read completely"
    const row = await env.db.scan.findUniqueOrThrow({ where: { id: second.scanId } });
    expect(JSON.parse(row.repoErrors)).toEqual(second.repoErrors);
    // the stored read stays as the last scan that read it left it
    expect(await env.db.registryRef.findMany({ select: { ref: true, kind: true } })).toEqual([{ ref: SDK, kind: "cache" }]);

    const third = await scan(env, { registries: hubRegistries(env.server, [hubUser]) });
    expect(third.status, JSON.stringify(third.repoErrors)).toBe("succeeded");
    expect(third.registries).toMatchObject([{ host: "docker.io", credential: "DOCKERHUB_TOKEN", read: 1, notRead: 0 }]);
    expect((await sdkFinding(env))?.resolvedScanId).toBe(third.scanId);
    expect(env.server.hub.requests().filter((r) => r.path.startsWith("/token") && r.auth === "basic").length).toBeGreaterThan(0);
  });

  it("a docker config.json's identity token reads the private repository (POST grant_type=refresh_token)", async () => {
    env = await scanEnv((fx) => {
      mkdirSync(path.join(fx, "registries", "docker.io", "acme", "sdk"), { recursive: true });
      writeFileSync(path.join(fx, "registries", "docker.io", "acme", "sdk", "package.json"), JSON.stringify({ visibility: "private" }));
    });
    const file = path.join(env.dir, "config.json");
    writeFileSync(file, JSON.stringify({ auths: { "https://index.docker.io/v1/": { auth: Buffer.from("<token>:").toString("base64"), identitytoken: HUB_USERS["acme-ci"].identityToken } } }));
    const fromEnv = otherRegistriesFromEnv({ CACHEGUARD_DOCKER_CONFIG: file, CACHEGUARD_REGISTRY_URLS: JSON.stringify({ "docker.io": env.server.hub.url }) });
    if ("problem" in fromEnv) throw new Error(fromEnv.problem);
    const s = await scan(env, { registries: { ...fromEnv, onlyListed: true } });
    expect(s.status, JSON.stringify(s.repoErrors)).toBe("succeeded");
    expect(s.registries).toMatchObject([{ credential: "CACHEGUARD_DOCKER_CONFIG", read: 1 }]);
    expect(s.findings.some((x) => x.ref === SDK && x.severity === "error")).toBe(true);
    expect(env.server.hub.requests().filter((r) => r.path === "/token").map((r) => [r.method, r.status])).toEqual([["POST", 200]]);
  });

  it("a registry that cannot be reached, and a host this scan may not go to, are not read; their findings stay", async () => {
    env = await scanEnv((fx) => {
      writeFileSync(path.join(fx, "repos", "handbook", ".github", "workflows", "tools.yml"), [
        "name: tools", "on: push", "jobs:", "  tools:", "    runs-on: ubuntu-latest", "    steps:",
        "      - uses: docker/build-push-action@v6", "        with:", "          push: true", "          tags: quay.io/acme/tools:latest", "",
      ].join("\n"));
    });
    const first = await scan(env);
    // quay.io is not mapped: this scan never goes out to it, and says so
    expect(first.status).toBe("partial");
    expect(first.repoErrors).toEqual([{ repo: "registry:quay.io", message: expect.stringMatching(/^quay\.io\/acme\/tools:latest: not read: this scan reads only the registries CACHEGUARD_REGISTRY_URLS names \(docker\.io\)/) }]);
    expect(first.registries?.map((r) => [r.host, r.read, r.notRead])).toEqual([["docker.io", 1, 0], ["quay.io", 0, 1]]);
    const f = first.findings.find((x) => x.ref === SDK)!;

    pushImage(env);
    const down = await scan(env, { registries: { credentials: [], urls: { "docker.io": await closedPortUrl() } } });
    expect(down.status).toBe("partial");
    expect(down.repoErrors.find((e) => e.repo === "registry:docker.io")?.message).toMatch(/^docker\.io\/acme\/sdk:latest: not read: Could not reach the registry at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
    expect(await sdkFinding(env)).toMatchObject({ fingerprint: f.fingerprint, resolvedScanId: null });
  }, 30_000);
});

describe("findings on other registries follow the workflows and the incremental scans", () => {
  it("a workflow that stops pushing the tag resolves its finding (the tag is not read again); a webhook rescan keeps the stored read", async () => {
    env = await scanEnv();
    const first = await scan(env);
    expect(first.findings.some((x) => x.ref === SDK)).toBe(true);

    // a push to sdk read by the webhook path: no registry is read, the stored read of :latest decides
    env.server.hub.resetStats();
    const inc = await runIncrementalScan(env.db, { config: env.config, scope: repoScope("sdk") });
    expect(inc.status, JSON.stringify(inc.repoErrors)).toBe("succeeded");
    expect(inc.findings.find((x) => x.ref === SDK)?.isNew).toBe(false);
    expect(inc.resolvedCount).toBe(0);
    expect(env.server.hub.stats().requests).toBe(0);

    const wf = path.join(env.fixture, "repos", "sdk", ".github", "workflows", "release.yml");
    const { readFileSync } = await import("node:fs");
    writeFileSync(wf, readFileSync(wf, "utf8").replace("acme/sdk:latest\n", "acme/sdk:stable\n"));
    const second = await scan(env);
    expect(second.status, JSON.stringify(second.repoErrors)).toBe("succeeded");
    expect((await sdkFinding(env))?.resolvedScanId).toBe(second.scanId);
    // :stable does not exist (HEAD 404, not in the tag list): settled, nothing stored for it
    expect(await env.db.registryRef.count()).toBe(0);
  });
});
