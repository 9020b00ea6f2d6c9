import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { run as inspect } from "@/lib/cli/commands/inspect";
import { run as scan } from "@/lib/cli/commands/scan";
import { type ScanEnv, scanEnv, hubEnv } from "./scan-helpers";

let env: ScanEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

function capture() {
  const out = { stdout: "", stderr: "" };
  return { out, io: { stdout: (s: string) => void (out.stdout += s), stderr: (s: string) => void (out.stderr += s) } };
}

describe("cacheguard scan / inspect", () => {
  it("scan --format json prints the scan, its findings with repo, and exits 1 on open errors", async () => {
    env = await scanEnv();
    const { out, io } = capture();
    const code = await scan(["--org", "acme", "--api-url", env.server.url, "--registry-url", env.server.url, "--format", "json"], io,
      { DATABASE_URL: env.dbUrl, GITHUB_TOKEN: "demo-token", ...hubEnv(env.server) });
    expect(code).toBe(1);
    const report = JSON.parse(out.stdout);
    expect(report.scan).toMatchObject({ id: expect.any(Number), status: "succeeded", repos: expect.any(Number) });
    expect(Object.keys(report.scan.requests).sort()).toEqual(["graphql", "registry", "rest"]);
    expect(report.new).toBe(report.findings.length);
    expect(report.resolved).toBe(0);
    const f = report.findings.find((x: { ruleId: string }) => x.ruleId === "cache-overwrites-image-tag");
    expect(f).toMatchObject({ severity: "error", repo: expect.stringMatching(/^acme\//), path: expect.any(String), line: expect.any(Number), ref: expect.stringMatching(/^ghcr\.io\//) });
    expect(f.fix.description).toBeTruthy();
    // other registries: which hosts, how read, how many tags
    expect(report.scan.registries).toEqual([{ host: "docker.io", url: env.server.hub.url, credential: "anonymous", tags: 1, read: 1, notRead: 0, requests: expect.any(Number) }]);
    expect(report.findings.find((x: { ref: string }) => x.ref === "docker.io/acme/sdk:latest")).toMatchObject({ ruleId: "registry-tag-holds-cache", severity: "error", repo: "acme/sdk" });

    // text: progress on stderr, summary on stdout; the second run is warm
    const t = capture();
    const again = await scan(["--org=acme", `--api-url=${env.server.url}`, `--registry-url=${env.server.url}`], t.io,
      { DATABASE_URL: env.dbUrl, GITHUB_TOKEN: "demo-token", ...hubEnv(env.server) });
    expect(again).toBe(1);
    expect(t.out.stderr).toMatch(/\[scan #2\] workflows/);
    expect(t.out.stdout).toMatch(/Scan #2 of acme: succeeded/);
    expect(t.out.stdout).toMatch(/\d+ unchanged/);
    expect(t.out.stdout).toMatch(/^  registry docker\.io: 1 of 1 tag read \(anonymous\)$/m);
    expect(t.out.stdout).toMatch(/error\s+cache-overwrites-image-tag/);
  });

  it("scan: bad usage and a failed scan exit 2 with a clear message", async () => {
    env = await scanEnv();
    const a = capture();
    expect(await scan([], a.io, { DATABASE_URL: env.dbUrl })).toBe(2);
    expect(a.out.stderr).toMatch(/--org is required/);
    const b = capture();
    expect(await scan(["--org", "acme", "--format", "xml"], b.io, { DATABASE_URL: env.dbUrl })).toBe(2);
    expect(b.out.stderr).toMatch(/--format must be text or json/);
    const c = capture();
    const code = await scan(["--org", "acme", "--api-url", env.server.url, "--registry-url", env.server.url], c.io,
      { DATABASE_URL: env.dbUrl, GITHUB_TOKEN: "not-a-valid-token" });
    expect(code).toBe(2);
    expect(c.out.stderr).toMatch(/failed: .*401/);
    expect(c.out.stderr + c.out.stdout).not.toContain("not-a-valid-token");
  });

  it("scan as a GitHub App from the environment (a .env-style key with \\n) says so: auth: GitHub App (installation N)", async () => {
    env = await scanEnv(undefined, { app: {} });
    const installation = env.app!.installationId;
    // as a .env file holds it: one line, newlines written as \n
    const oneLine = env.app!.privateKey.trim().split("\n").join("\\n");
    const t = capture();
    const code = await scan(["--org", "acme", "--api-url", env.server.url, "--registry-url", env.server.url], t.io,
      { DATABASE_URL: env.dbUrl, GITHUB_APP_ID: String(env.app!.id), GITHUB_APP_PRIVATE_KEY: oneLine, GHCR_TOKEN: "demo-token", ...hubEnv(env.server) });
    expect(code, t.out.stderr).toBe(1);
    expect(t.out.stdout).toMatch(/^Scan #1 of acme: succeeded(, 1 file not analysed)?\n/);
    expect(t.out.stdout).toContain(`  auth: GitHub App (installation ${installation}); registry: GHCR_TOKEN\n`);
    expect(t.out.stdout).toMatch(/error\s+registry-tag-holds-cache/);
    expect(t.out.stdout + t.out.stderr).not.toMatch(/PRIVATE KEY|ghs_/);

    // the same by flags (the key as a file), JSON; without GHCR_TOKEN the registry is not read and the scan is partial
    const keyFile = path.join(env.dir, "app.pem");
    writeFileSync(keyFile, env.app!.privateKey, { mode: 0o600 });
    const j = capture();
    await scan(["--org", "acme", "--api-url", env.server.url, "--registry-url", env.server.url, "--format", "json",
      "--app-id", String(env.app!.id), "--app-private-key-file", keyFile, "--app-installation-id", String(installation)], j.io, { DATABASE_URL: env.dbUrl, ...hubEnv(env.server) });
    const report = JSON.parse(j.out.stdout);
    expect(report.scan.auth).toEqual({ kind: "app", appId: String(env.app!.id), installationId: installation, registry: "not-read" });
    expect(report.scan.status).toBe("partial");
    expect(report.scan.errors).toEqual([{ repo: "packages", message: expect.stringMatching(/^the registry was not read/) }]);
    expect(report.resolved).toBe(0);
    const text = capture();
    await scan(["--org", "acme", "--api-url", env.server.url, "--registry-url", env.server.url, "--app-id", String(env.app!.id), "--app-private-key-file", keyFile], text.io, { DATABASE_URL: env.dbUrl, ...hubEnv(env.server) });
    expect(text.out.stdout).toMatch(/^Scan #3 of acme: partial(, 1 file not analysed)?\n  auth: GitHub App \(installation \d+\); registry: not read \(no GHCR_TOKEN\)\n  repos: 30 \(0 read, 30 unchanged\), packages: not read\n/);
    expect(text.out.stdout).toMatch(/  ! packages: the registry was not read: /);

    // a broken App configuration is bad usage, named without the key
    const bad = capture();
    expect(await scan(["--org", "acme", "--api-url", env.server.url], bad.io, { DATABASE_URL: env.dbUrl, GITHUB_APP_ID: "42", GITHUB_APP_PRIVATE_KEY: "MIIEsecretbytes" })).toBe(2);
    expect(bad.out.stderr).toMatch(/GITHUB_APP_PRIVATE_KEY is not a usable GitHub App private key: it does not hold a PEM private key/);
    expect(bad.out.stderr).not.toContain("MIIEsecretbytes");
    const fine = capture();
    expect(await scan(["--org", "acme"], fine.io, { DATABASE_URL: env.dbUrl, GITHUB_TOKEN: "demo-token", GHCR_TOKEN: "github_pat_11AAfinegrained" })).toBe(2);
    expect(fine.out.stderr).toMatch(/GHCR_TOKEN is a fine-grained personal access token; GitHub Packages and ghcr.io take a personal access token \(classic\)/);
  });

  it("inspect tells a cache tag from an image tag, and why", async () => {
    env = await scanEnv();
    await scan(["--org", "acme", "--api-url", env.server.url, "--registry-url", env.server.url, "--format", "json"], capture().io,
      { DATABASE_URL: env.dbUrl, GITHUB_TOKEN: "demo-token", ...hubEnv(env.server) });
    const tags = await env.db.packageTag.findMany({ include: { package: true } });
    const cache = tags.find((t) => t.kind === "cache")!;
    const image = tags.find((t) => t.kind === "index")!;
    const e = { GITHUB_TOKEN: "demo-token" };

    const c = capture();
    expect(await inspect([`ghcr.io/acme/${cache.package.name}:${cache.tag}`, "--registry-url", env.server.url], c.io, e)).toBe(0);
    expect(c.out.stdout).toMatch(/holds a BuildKit cache/);
    expect(c.out.stdout).toMatch(/why: .*cache/i);

    const i = capture();
    expect(await inspect([`ghcr.io/acme/${image.package.name}:${image.tag}`, "--registry-url", env.server.url, "--format", "json"], i.io, e)).toBe(0);
    const r = JSON.parse(i.out.stdout);
    expect(r.kind).toBe("index");
    expect(r.platforms).toEqual(expect.arrayContaining(["linux/amd64"]));
    const t = capture();
    expect(await inspect([`ghcr.io/acme/${image.package.name}:${image.tag}`, "--registry-url", env.server.url], t.io, e)).toBe(0);
    expect(t.out.stdout).toMatch(/holds a multi-platform image index/);
    expect(t.out.stdout).toMatch(/platforms: .*linux\/amd64/);

    const m = capture();
    expect(await inspect(["ghcr.io/acme/api:no-such-tag", "--registry-url", env.server.url], m.io, e)).toBe(2);
    expect(m.out.stderr).toMatch(/cannot read ghcr\.io\/acme\/api:no-such-tag/);
    const u = capture();
    expect(await inspect([], u.io, e)).toBe(2);
  });
});
