/**
 * Registries beyond GHCR held against a real registry: Debian's docker-registry (distribution 2.8)
 * with token auth (anonymous pull of public repositories, as Docker Hub) is "any OCI registry" a
 * workflow pushes to, reached at its own host (127.0.0.1:PORT, plain http on loopback) with
 * credentials from a docker config.json. The fake Docker Hub (the fake server's second registry
 * host) serves the same content; the scan's registry phase must say the same of both, and the
 * wire answers a client acts on (401 challenges and bodies) must match.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeRepos } from "@/lib/engine/analyze";
import { HUB_USERS } from "@/lib/demo/fake-github/hub";
import { type FakeGitHub, startFakeGitHub } from "@/lib/demo/fake-github/server";
import { otherRegistriesFromEnv, type OtherRegistriesConfig } from "@/lib/registry/credentials";
import { createOciUploader } from "@/lib/registry/upload";
import { parseWwwAuthenticate } from "@/lib/registry/www-authenticate";
import { type Db, createDb } from "@/lib/server/db";
import { newStats } from "@/lib/github/client";
import { scanOtherRegistries } from "@/lib/server/scan/other-registries";
import { freshDbUrl } from "../scan-helpers";
import { buildContent, pushContent, writeFixture } from "./registry-content";
import { findRegistryBinary, PUSH_USER, type RealRegistry, startRealRegistry } from "./registry-server";
import { tally } from "./tally";

const BIN = findRegistryBinary();
if (!BIN) {
  console.warn("\nOTHER-REGISTRY REAL TESTS SKIPPED: docker-registry is not installed; the scan's other-registry phase was NOT compared with a real registry\n");
  tally("real-registry tests SKIPPED (docker-registry missing)", "registry-other-real.test.ts");
}

const compared = (what: string) => tally("registry behaviours compared", what);
const TAGS = ["cache", "cache-index", "cache-list", "oci", "docker", "release", "gone"];
let real: RealRegistry;
let fake: FakeGitHub;
let dir: string;
let db: Db;
let realHost: string;

beforeAll(async () => {
  if (!BIN) return;
  const content = buildContent();
  real = await startRealRegistry(BIN, { privateRepos: ["acme/vault"] });
  await pushContent(createOciUploader({ registryUrl: real.url, ...PUSH_USER }), "acme", content);
  realHost = new URL(real.url).host;
  dir = mkdtempSync(path.join(tmpdir(), "cg-other-real-"));
  const fixture = path.join(dir, "fixture");
  writeFixture(fixture, "acme", content);
  // the same repositories on the fake Docker Hub (packages format, under registries/docker.io/acme)
  cpSync(path.join(fixture, "packages"), path.join(fixture, "registries", "docker.io", "acme"), { recursive: true });
  fake = await startFakeGitHub({ fixture, port: 0, reload: "manual" });
  db = createDb(await freshDbUrl(dir));
  await db.org.create({ data: { login: "acme" } });
});

afterAll(async () => {
  await db?.$disconnect();
  await fake?.close();
  await real?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A workflow pushing every tag (and the private repository's) to `host`, analysed as a scan would. */
async function modelsPushingTo(host: string) {
  const tags = [...TAGS.map((t) => `${host}/acme/app:${t}`), `${host}/acme/vault:latest`];
  const text = `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          tags: |\n${tags.map((t) => `            ${t}\n`).join("")}`;
  return (await analyzeRepos([{ repo: "acme/app", files: [{ path: ".github/workflows/release.yml", text }] }])).models;
}

let scanId = 0;
async function phase(host: string, registries: OtherRegistriesConfig) {
  // a RegistryRef names the scan that read it (a foreign key): each read is a scan of its own
  scanId = (await db.scan.create({ data: { orgId: 1, trigger: "cli", status: "running" } })).id;
  const out = await scanOtherRegistries(db, 1, scanId, registries, await modelsPushingTo(host), newStats());
  const strip = (ref: string) => ref.slice(host.length + 1);
  return {
    kinds: Object.fromEntries(out.tags.map((t) => [`${t.package}:${t.tag}`, t.kind])),
    settled: [...out.evidence.settled].map(strip).sort(),
    notRead: out.errors.map((e) => strip(e.message.split(": not read: ")[0])),
    errors: out.errors.map((e) => e.message),
    hosts: out.hosts,
  };
}

describe.skipIf(!BIN)("the registry phase against a real registry and the fake Docker Hub, same content", () => {
  it("anonymous: both read the public repository's tags alike, settle the missing one, and report the private one as not read", async () => {
    const r = await phase(realHost, { credentials: [] });
    const f = await phase("docker.io", { credentials: [], urls: { "docker.io": fake.hub.url }, onlyListed: true });
    expect(r.kinds).toEqual({ "app:cache": "cache", "app:cache-index": "cache-index", "app:cache-list": "cache-index", "app:docker": "image", "app:oci": "image", "app:release": "index" });
    expect(f.kinds).toEqual(r.kinds);
    // :gone is in neither: HEAD 404, and the complete tag list lacks it
    expect(r.settled).toEqual(["acme/app:cache", "acme/app:cache-index", "acme/app:cache-list", "acme/app:docker", "acme/app:gone", "acme/app:oci", "acme/app:release"]);
    expect(f.settled).toEqual(r.settled);
    expect(r.notRead).toEqual(["acme/vault:latest"]);
    expect(f.notRead).toEqual(r.notRead);
    expect(r.errors[0]).toMatch(/refused to let acme\/vault be read without credentials \(401\); give 127\.0\.0\.1:\d+ a credential in CACHEGUARD_REGISTRIES or CACHEGUARD_DOCKER_CONFIG/);
    expect(f.errors[0]).toMatch(/refused to let acme\/vault be read without credentials \(401\); a private Docker Hub repository needs DOCKERHUB_USERNAME and DOCKERHUB_TOKEN/);
    expect(r.hosts[0]).toMatchObject({ url: real.url, credential: "anonymous", tags: 8, read: 7, notRead: 1 });
    compared("registry phase, anonymous: kinds, a missing tag settled, a private repository not read");
  });

  it("with credentials (a docker config.json for the real one, DOCKERHUB_* for the fake Hub) the private repository is read", async () => {
    const file = path.join(dir, "config.json");
    writeFileSync(file, JSON.stringify({ auths: { [realHost]: { auth: Buffer.from(`${PUSH_USER.username}:${PUSH_USER.password}`).toString("base64") } } }));
    const fromConfig = otherRegistriesFromEnv({ CACHEGUARD_DOCKER_CONFIG: file });
    if ("problem" in fromConfig) throw new Error(fromConfig.problem);
    const r = await phase(realHost, fromConfig);
    const fromEnv = otherRegistriesFromEnv({ DOCKERHUB_USERNAME: "acme-ci", DOCKERHUB_TOKEN: HUB_USERS["acme-ci"].token, CACHEGUARD_REGISTRY_URLS: JSON.stringify({ "docker.io": fake.hub.url }) });
    if ("problem" in fromEnv) throw new Error(fromEnv.problem);
    const f = await phase("docker.io", fromEnv);
    expect(r.notRead).toEqual([]);
    expect(r.kinds["vault:latest"]).toBe("image");
    expect(f.kinds).toEqual(r.kinds);
    expect(r.hosts[0]).toMatchObject({ credential: "CACHEGUARD_DOCKER_CONFIG", read: 8, notRead: 0 });
    expect(f.hosts[0]).toMatchObject({ credential: "DOCKERHUB_TOKEN", read: 8, notRead: 0 });
    // the token issuer saw Basic credentials for the private repository's scope
    expect(real.issued.some((t) => t.user === PUSH_USER.username && t.scopes.includes("repository:acme/vault:pull") && t.granted.length > 0)).toBe(true);
    compared("registry phase with credentials (docker config.json auth / DOCKERHUB_*): the private repository read");
  });

  it("the 401s a client acts on: /v2/ without a token, and a private repository with an anonymous token", async () => {
    const answer = async (url: string, auth?: string) => {
      const res = await fetch(url, { headers: auth ? { authorization: auth } : {} });
      const c = parseWwwAuthenticate(res.headers.get("www-authenticate") ?? "")[0];
      return { status: res.status, json: await res.json(), scheme: c?.scheme, keys: Object.keys(c?.params ?? {}).sort(), error: c?.params.error, scope: c?.params.scope };
    };
    const [rv2, fv2] = await Promise.all([answer(`${real.url}/v2/`), answer(`${fake.hub.url}/v2/`)]);
    expect(fv2).toEqual(rv2);
    expect(rv2.keys).toEqual(["realm", "service"]);
    compared("fake Docker Hub: 401 of /v2/ (error JSON, challenge without scope)");

    // an anonymous token from each realm, then the private repository's manifest
    const token = async (base: string) => {
      const c = parseWwwAuthenticate((await fetch(`${base}/v2/acme/vault/manifests/latest`)).headers.get("www-authenticate")!)[0];
      const u = new URL(c.params.realm);
      u.searchParams.set("service", c.params.service);
      u.searchParams.set("scope", c.params.scope);
      return ((await (await fetch(u)).json()) as { token: string }).token;
    };
    const [rt, ft] = await Promise.all([token(real.url), token(fake.hub.url)]);
    const [rp, fp] = await Promise.all([
      answer(`${real.url}/v2/acme/vault/manifests/latest`, `Bearer ${rt}`), answer(`${fake.hub.url}/v2/acme/vault/manifests/latest`, `Bearer ${ft}`),
    ]);
    expect(fp).toEqual(rp);
    expect(rp).toMatchObject({ status: 401, error: "insufficient_scope", scope: "repository:acme/vault:pull" });
    compared("fake Docker Hub: 401 insufficient_scope of a private repository with an anonymous token");
    // the realm is another origin than the registry, as auth.docker.io is to registry-1.docker.io
    const realm = parseWwwAuthenticate((await fetch(`${fake.hub.url}/v2/`)).headers.get("www-authenticate")!)[0].params.realm;
    expect(new URL(realm).origin).toBe(fake.hub.authUrl);
    expect(fake.hub.authUrl).not.toBe(fake.hub.url);
  });
});
