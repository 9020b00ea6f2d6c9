/**
 * The registry client and the fake GHCR held against a real registry: Debian's docker-registry
 * (distribution 2.8) with token auth. The same content (both BuildKit cache forms, OCI and Docker
 * images, a multi-platform index with attestations, a cosign signature, a private repository) is
 * pushed into the real registry through lib/registry/upload.ts and written as a fixture for the
 * fake; then what a user or the client would notice is compared side by side.
 *
 * Where GHCR differs from distribution on purpose, the fake keeps GHCR's behaviour and the test
 * says so (`expectedDifference`); every other difference found was fixed in the fake (`fixed`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run as inspectCli } from "@/lib/cli/commands/inspect";
import { startFakeGitHub, type FakeGitHub } from "@/lib/demo/fake-github/server";
import { createRegistryClient, MANIFEST_ACCEPT, type RegistryClient } from "@/lib/registry/client";
import { inspectRef } from "@/lib/registry/inspect";
import { createOciUploader } from "@/lib/registry/upload";
import { parseWwwAuthenticate } from "@/lib/registry/www-authenticate";
import { buildContent, pushContent, writeFixture } from "./registry-content";
import { findRegistryBinary, PUSH_USER, startRealRegistry, type RealRegistry } from "./registry-server";
import { tally } from "./tally";

const BIN = findRegistryBinary();
if (!BIN) {
  const msg = "REAL REGISTRY TESTS SKIPPED: docker-registry is not installed (apt-get install docker-registry, or set DOCKER_REGISTRY_BIN); the client and the fake were NOT compared with a real registry";
  console.warn(`\n${"!".repeat(msg.length)}\n${msg}\n${"!".repeat(msg.length)}\n`);
  tally("real-registry tests SKIPPED (docker-registry missing)", "registry-real.test.ts");
}

const OWNER = "acme";
const content = buildContent();
const app = content.find((p) => p.name === "app")!;
const compared = (what: string) => tally("registry behaviours compared", what);
const fixed = (what: string) => tally("differences found and fixed", what);
const expectedDifference = (what: string) => tally("expected differences (GHCR behaviour kept)", what);

interface Side {
  label: "real" | "fake";
  url: string;
  /** Basic credentials that may pull the private repository */
  privateBasic: string;
  client(opts?: { private?: boolean; tagsPageSize?: number; url?: string }): RegistryClient;
}
let real: RealRegistry;
let fake: FakeGitHub;
let fixtureDir: string;
let sides: Side[];

const basic = (u: string, p: string) => Buffer.from(`${u}:${p}`).toString("base64");

beforeAll(async () => {
  if (!BIN) return;
  real = await startRealRegistry(BIN, { privateRepos: [`${OWNER}/vault`] });
  await pushContent(createOciUploader({ registryUrl: real.url, ...PUSH_USER }), OWNER, content);
  fixtureDir = mkdtempSync(path.join(tmpdir(), "cacheguard-real-vs-fake-"));
  writeFixture(fixtureDir, OWNER, content);
  fake = await startFakeGitHub({ fixture: fixtureDir, port: 0, reload: "manual" });
  sides = [
    { label: "real", url: real.url, privateBasic: basic(PUSH_USER.username, PUSH_USER.password), client: (o = {}) => createRegistryClient({ registryUrl: o.url ?? real.url, maxRetries: 0, ...(o.private ? PUSH_USER_CLIENT : {}), ...(o.tagsPageSize ? { tagsPageSize: o.tagsPageSize } : {}) }) },
    { label: "fake", url: fake.url, privateBasic: basic("cacheguard", "demo-token"), client: (o = {}) => createRegistryClient({ registryUrl: o.url ?? fake.url, maxRetries: 0, ...(o.private ? { token: "demo-token" } : {}), ...(o.tagsPageSize ? { tagsPageSize: o.tagsPageSize } : {}) }) },
  ];
});
const PUSH_USER_CLIENT = { username: PUSH_USER.username, token: PUSH_USER.password };

afterAll(async () => {
  await fake?.close();
  await real?.close();
  if (fixtureDir) rmSync(fixtureDir, { recursive: true, force: true });
});

/** A pull token the way any client gets one: from the challenge of an unauthenticated request. */
async function bearer(side: Side, name: string, basicAuth?: string): Promise<string> {
  const res = await fetch(`${side.url}/v2/${name}/tags/list`);
  await res.arrayBuffer();
  const c = parseWwwAuthenticate(res.headers.get("www-authenticate") ?? "").find((x) => x.scheme === "bearer")!;
  const u = new URL(c.params.realm);
  u.searchParams.set("service", c.params.service);
  u.searchParams.set("scope", c.params.scope);
  const t = await fetch(u, { headers: basicAuth ? { authorization: `Basic ${basicAuth}` } : {} });
  return ((await t.json()) as { token: string }).token;
}

interface Answer { status: number; headers: Record<string, string | null>; body: Buffer; json: unknown }
const HEADERS = ["content-type", "content-length", "docker-content-digest", "etag", "docker-distribution-api-version", "link"];

/** node:http, not fetch: fetch sends `Accept: *\/*` when told nothing, and "no Accept" is a case compared here. */
async function request(side: Side, method: "GET" | "HEAD", p: string, opts: { accept?: string; token?: string | null } = {}): Promise<Answer> {
  const name = /^\/v2\/(.+?)\/(tags|manifests|blobs)\//.exec(p)?.[1];
  const token = opts.token !== undefined ? opts.token : name ? await bearer(side, name) : null;
  const headers = { ...(opts.accept !== undefined ? { accept: opts.accept } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const res = await new Promise<IncomingMessage>((resolve, reject) => httpRequest(`${side.url}${p}`, { method, headers }, resolve).on("error", reject).end());
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks);
  const header = (h: string) => (res.headers[h] === undefined ? null : String(res.headers[h]));
  let json: unknown = null;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    json = null;
  }
  return { status: res.statusCode ?? 0, headers: Object.fromEntries(HEADERS.map((h) => [h, header(h)])), body, json };
}

/** The same request to both registries. */
async function both(method: "GET" | "HEAD", p: string, opts: { accept?: string; token?: "none" | "anonymous" } = {}): Promise<{ real: Answer; fake: Answer }> {
  const [r, f] = await Promise.all(sides.map((s) => request(s, method, p, { accept: opts.accept, ...(opts.token === "none" ? { token: null } : {}) })));
  return { real: r, fake: f };
}

const pick = (a: Answer, keys: string[]) => ({ status: a.status, ...Object.fromEntries(keys.map((k) => [k, a.headers[k]])) });

describe.skipIf(!BIN)("a real registry (docker-registry) and the fake GHCR, same content", () => {
  it("cacheguard inspect says the same of every tag and every child manifest", async () => {
    const refs = [...app.tags.keys()].map((t) => `ghcr.io/${OWNER}/app:${t}`);
    refs.push(...[...app.children.keys()].map((d) => `ghcr.io/${OWNER}/app@${d}`));
    for (const ref of refs) {
      const [r, f] = await Promise.all(sides.map((s) => inspectRef(s.client(), ref)));
      expect(f, ref).toEqual(r);
      compared(`inspect ${ref.replace(/@sha256:\w+/, "@<child digest>").replace(/sha256-\w+\.sig/, "sha256-<digest>.sig")}`);
    }
    const kinds = await Promise.all([...app.tags.keys()].map(async (t) => [t, (await inspectRef(sides[0].client(), `ghcr.io/${OWNER}/app:${t}`)).kind]));
    // the real registry stored every form as pushed, and the classifier tells them apart there
    expect(Object.fromEntries(kinds)).toMatchObject({ cache: "cache", "cache-index": "cache-index", "cache-list": "cache-index", oci: "image", docker: "image", release: "index" });
    expect(kinds.find(([t]) => t.endsWith(".sig"))?.[1]).toBe("signature");
  });

  it("the inspect command prints the same text and JSON against either registry", async () => {
    for (const tag of ["cache", "cache-index", "release", "docker"]) {
      for (const format of ["text", "json"]) {
        const outs = await Promise.all(sides.map(async (s) => {
          let out = "";
          const code = await inspectCli([`ghcr.io/${OWNER}/app:${tag}`, "--registry-url", s.url, "--format", format], { stdout: (x) => (out += x), stderr: (x) => (out += x) }, {});
          return { code, out };
        }));
        expect(outs[1]).toEqual(outs[0]);
        expect(outs[0].code).toBe(0);
      }
      compared(`inspect command output for :${tag}`);
    }
  });

  it("HEAD answers the digest, type and size the GET serves", async () => {
    for (const tag of app.tags.keys()) {
      const [r, f] = await Promise.all(sides.map((s) => s.client().headManifest(`${OWNER}/app`, tag)));
      expect(f).toEqual(r);
      const m = app.tags.get(tag)!;
      expect(r).toMatchObject({ mediaType: m.mediaType, size: m.bytes.length });
    }
    compared("client HEAD digests of every tag");
    const missing = await Promise.all(sides.map((s) => s.client().headManifest(`${OWNER}/app`, "no-such-tag")));
    expect(missing).toEqual([null, null]);
    compared("client HEAD of a missing tag");
  });

  it("manifest GET and HEAD: status, Content-Type, Docker-Content-Digest, Content-Length, ETag and bytes", async () => {
    const keys = ["content-type", "content-length", "docker-content-digest", "etag", "docker-distribution-api-version"];
    for (const method of ["GET", "HEAD"] as const) {
      for (const tag of app.tags.keys()) {
        const { real: r, fake: f } = await both(method, `/v2/${OWNER}/app/manifests/${tag}`, { accept: MANIFEST_ACCEPT });
        expect(pick(f, keys), `${method} ${tag}`).toEqual(pick(r, keys));
        expect(f.body.equals(r.body)).toBe(true);
      }
      compared(`${method} manifest headers and bytes`);
    }
  });

  it("blobs: GET and HEAD of a config blob, and the 404 of an unknown one", async () => {
    const config = (JSON.parse(app.tags.get("oci")!.bytes.toString()) as { config: { digest: string } }).config.digest;
    for (const method of ["GET", "HEAD"] as const) {
      const { real: r, fake: f } = await both(method, `/v2/${OWNER}/app/blobs/${config}`);
      expect(pick(f, ["content-type", "content-length", "docker-content-digest"])).toEqual(pick(r, ["content-type", "content-length", "docker-content-digest"]));
      expect(f.body.equals(r.body)).toBe(true);
    }
    compared("blob GET/HEAD headers and bytes");
    const { real: r, fake: f } = await both("GET", `/v2/${OWNER}/app/blobs/sha256:${"0".repeat(64)}`);
    expect({ status: f.status, json: f.json }).toEqual({ status: r.status, json: r.json });
    compared("404 body of an unknown blob");
    fixed("404 of an unknown blob: `detail` is the digest string, as distribution sends it (the fake sent {digest})");
  });

  it("404 bodies: unknown tag, unknown digest, unknown repository", async () => {
    const cases: Array<[string, string]> = [
      ["unknown tag", `/v2/${OWNER}/app/manifests/no-such-tag`],
      ["unknown digest", `/v2/${OWNER}/app/manifests/sha256:${"1".repeat(64)}`],
      ["tags/list of an unknown repository", `/v2/${OWNER}/no-such-repo/tags/list`],
      ["manifest in an unknown repository", `/v2/${OWNER}/no-such-repo/manifests/latest`],
    ];
    for (const [what, p] of cases) {
      const { real: r, fake: f } = await both("GET", p, { accept: MANIFEST_ACCEPT });
      expect(pick(f, ["content-type", "content-length"]), what).toEqual(pick(r, ["content-type", "content-length"]));
      expect(f.json, what).toEqual(r.json);
      const head = await both("HEAD", p, { accept: MANIFEST_ACCEPT });
      expect(pick(head.fake, ["content-type", "content-length"]), `HEAD ${what}`).toEqual(pick(head.real, ["content-type", "content-length"]));
      compared(`404 of ${what} (GET body, HEAD headers)`);
    }
    fixed("404 of an unknown digest: `detail` is {Name, Revision} (the fake sent {Tag: <digest>})");
    fixed("HEAD of tags/list is distribution's plain-text 405 (the fake answered a JSON 404)");
    fixed("404 of a manifest in an unknown repository: MANIFEST_UNKNOWN with {Tag} (the fake sent NAME_UNKNOWN)");
    fixed("error and tags/list bodies are `application/json; charset=utf-8`, as distribution sends them (the fake sent `application/json`)");
    fixed("error and tags/list JSON ends with a newline (Go's json.Encoder), so Content-Length matches distribution's (the fake's was one byte short)");
    // what a user sees: the client reports a missing tag as not found on both
    const errs = await Promise.all(sides.map((s) => s.client().getManifest(`${OWNER}/app`, "no-such-tag").catch((e: { status?: number; code?: string }) => ({ status: e.status, code: e.code }))));
    expect(errs[1]).toEqual(errs[0]);
    expect(errs[0]).toEqual({ status: 404, code: "MANIFEST_UNKNOWN" });
    compared("client error for a missing tag");
  });
});

describe.skipIf(!BIN)("tags, auth challenges and Accept negotiation: real registry vs the fake GHCR", () => {
  it("tags/list: the client lists every tag from both, whatever its page size", async () => {
    for (const pageSize of [1000, 2, 3]) {
      for (const pkg of ["app", "tools"]) {
        const [r, f] = await Promise.all(sides.map((s) => s.client({ tagsPageSize: pageSize }).listTags(`${OWNER}/${pkg}`)));
        expect([...f].sort(), `${pkg} n=${pageSize}`).toEqual([...r].sort());
        expect([...r].sort()).toEqual([...content.find((p) => p.name === pkg)!.tags.keys()].sort());
      }
    }
    compared("client tags list (page sizes 1000, 2, 3)");
    fixed("client: a tags/list page longer than `n` (distribution 2.8 ignores n and last) is the whole list; the client asked again and failed with \"page 2 repeats tags already listed\"");
  });

  it("tags/list pages: the body, and the Link format of distribution's paginated list", async () => {
    const { real: r, fake: f } = await both("GET", `/v2/${OWNER}/tools/tags/list`);
    const view = (a: Answer) => ({ ...pick(a, ["content-type", "content-length"]), name: (a.json as { name: string }).name, tags: [...(a.json as { tags: string[] }).tags].sort() });
    expect(view(f)).toEqual(view(r));
    compared("tags/list body, Content-Type and Content-Length");
    // distribution 2.8 ignores n and last on tags/list (pagination came in 3.0); GHCR pages
    const paged = await both("GET", `/v2/${OWNER}/tools/tags/list?n=2`);
    expect((paged.real.json as { tags: string[] }).tags).toHaveLength(5);
    expect(paged.real.headers.link).toBeNull();
    expect((paged.fake.json as { tags: string[] }).tags).toEqual(["1.0.0", "1.1.0"]);
    expectedDifference("tags/list n and last: GHCR pages, distribution 2.8 returns every tag");
    // distribution does page its catalog with n, last and Link: the fake's tags Link takes that form
    const catalog = await fetch(`${real.openUrl}/v2/_catalog?n=1`);
    const realLink = catalog.headers.get("link")!;
    await catalog.arrayBuffer();
    const shape = (link: string) => link.replace(/^<\/v2\/[^?]+\?/, "<PATH?").replace(/last=[^&>]+/, "last=X");
    expect(realLink).toMatch(/^<\/v2\/_catalog\?last=[^&]+&n=1>; rel="next"$/);
    expect(shape(paged.fake.headers.link!)).toBe(shape(realLink).replace("n=1", "n=2"));
    compared("Link header format (relative path, last then n, rel=\"next\")");
    // `last` alone, and `n` past the end: the rest, and no Link
    const rest = await both("GET", `/v2/${OWNER}/tools/tags/list?n=10&last=1.1.0`);
    expect(rest.fake.headers.link).toBeNull();
    expect((rest.fake.json as { tags: string[] }).tags).toEqual([...content.find((p) => p.name === "tools")!.tags.keys()].sort().filter((t) => t > "1.1.0"));
    compared("tags/list n past the end: no Link");
  });

  it("401 without a token: the challenge and the error JSON", async () => {
    const v2 = await both("GET", "/v2/", { token: "none" });
    expect([v2.fake.status, v2.real.status]).toEqual([401, 401]);
    expect(v2.fake.json).toEqual(v2.real.json);
    const params = (a: Answer, h: string) => parseWwwAuthenticate(h).map((c) => ({ scheme: c.scheme, keys: Object.keys(c.params).sort(), status: a.status }));
    const realV2 = await fetch(`${real.url}/v2/`);
    const fakeV2 = await fetch(`${fake.url}/v2/`);
    expect(params(v2.real, realV2.headers.get("www-authenticate")!)).toEqual([{ scheme: "bearer", keys: ["realm", "service"], status: 401 }]);
    // GHCR's /v2/ challenge names a placeholder scope (repository:user/image:pull); distribution names none
    expect(params(v2.fake, fakeV2.headers.get("www-authenticate")!)).toEqual([{ scheme: "bearer", keys: ["realm", "scope", "service"], status: 401 }]);
    expectedDifference("GET /v2/ challenge: GHCR adds scope=\"repository:user/image:pull\"");
    compared("401 of /v2/ (error JSON, challenge)");
    fixed("401 of /v2/: the error has `detail: null` as distribution's (the fake left it out)");

    for (const p of [`/v2/${OWNER}/app/tags/list`, `/v2/${OWNER}/app/manifests/cache`]) {
      const [r, f] = await Promise.all([fetch(`${real.url}${p}`), fetch(`${fake.url}${p}`)]);
      const [rj, fj] = await Promise.all([r.json(), f.json()]);
      expect(fj).toEqual(rj);
      const [rc, fc] = [r, f].map((x) => parseWwwAuthenticate(x.headers.get("www-authenticate")!)[0]);
      expect({ ...fc.params, realm: "R", service: "S" }).toEqual({ ...rc.params, realm: "R", service: "S" });
      expect(fc.params.scope).toBe(`repository:${OWNER}/app:pull`);
    }
    compared("401 of a repository route without a token (scope, error JSON)");
    fixed("401 detail entries carry `Class: \"\"` like distribution's access records (the fake left it out)");
  });

  it("a token that does not grant the repository: 401, insufficient_scope, and the same client error", async () => {
    const answers = await Promise.all(sides.map(async (s) => {
      const token = await bearer(s, `${OWNER}/vault`);
      const res = await fetch(`${s.url}/v2/${OWNER}/vault/manifests/latest`, { headers: { authorization: `Bearer ${token}`, accept: MANIFEST_ACCEPT } });
      const c = parseWwwAuthenticate(res.headers.get("www-authenticate") ?? "")[0];
      return { status: res.status, json: await res.json(), error: c?.params.error, scope: c?.params.scope };
    }));
    expect(answers[1]).toEqual(answers[0]);
    compared("401 of a private repository with an anonymous token");
    const forged = await Promise.all(sides.map(async (s) => {
      const res = await fetch(`${s.url}/v2/${OWNER}/app/manifests/cache`, { headers: { authorization: "Bearer not.a.token", accept: MANIFEST_ACCEPT } });
      const c = parseWwwAuthenticate(res.headers.get("www-authenticate") ?? "")[0];
      return { status: res.status, code: ((await res.json()) as { errors: Array<{ code: string }> }).errors[0].code, error: c?.params.error };
    }));
    expect(forged[1]).toEqual(forged[0]);
    compared("401 of a forged token");
    fixed("401 with a token that lacks the scope: the challenge says error=\"insufficient_scope\" (the fake did not)");
    const errs = await Promise.all(sides.map((s) => inspectRef(s.client(), `ghcr.io/${OWNER}/vault:latest`).catch((e: { status?: number; code?: string }) => ({ status: e.status, code: e.code }))));
    expect(errs[1]).toEqual(errs[0]);
    compared("client error for a private repository without credentials");
    const ok = await Promise.all(sides.map((s) => inspectRef(s.client({ private: true }), `ghcr.io/${OWNER}/vault:latest`)));
    expect(ok[1]).toEqual(ok[0]);
    expect(ok[0].kind).toBe("image");
    compared("inspect of a private repository with credentials");
  });

  it("Accept negotiation: what each registry answers when the Accept list lacks the manifest's type", async () => {
    const cases: Array<[string, string, string | undefined]> = [
      ["OCI index, Accept without the index type", "release", "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json"],
      ["OCI manifest, Docker types only", "oci", "application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json"],
      ["OCI manifest, no Accept", "oci", undefined],
      ["OCI manifest, Accept */*", "oci", "*/*"],
      ["Docker manifest list (cache), Docker manifest only", "cache-list", "application/vnd.docker.distribution.manifest.v2+json"],
      ["OCI manifest, exactly its type", "cache", "application/vnd.oci.image.manifest.v1+json"],
      ["OCI index (cache form), exactly its type", "cache-index", "application/vnd.oci.image.index.v1+json"],
    ];
    for (const [what, tag, accept] of cases) {
      const { real: r, fake: f } = await both("GET", `/v2/${OWNER}/app/manifests/${tag}`, { accept });
      expect({ status: f.status, type: f.headers["content-type"], json: f.json }, what).toEqual({ status: r.status, type: r.headers["content-type"], json: r.json });
      compared(`Accept: ${what}`);
    }
    fixed("an OCI manifest asked for without its type (no Accept, */*, Docker types only) is a 404 \"OCI manifest found, but accept header does not support OCI manifests\" (the fake served it, or named the media type)");
    fixed("a Docker manifest list asked for without its type is a 404 `manifest unknown` (the fake's message named the media type)");
    // distribution rewrites a Docker schema 2 manifest to schema 1 for clients that accept neither; GHCR has no schema 1
    for (const accept of [undefined, "*/*"]) {
      const noAccept = await both("GET", `/v2/${OWNER}/app/manifests/docker`, { accept });
      expect(noAccept.real.status).toBe(400);
      expect(noAccept.fake.status).toBe(200);
      expect(noAccept.fake.headers["content-type"]).toBe("application/vnd.docker.distribution.manifest.v2+json");
    }
    expectedDifference("Docker v2 manifest without Accept (or */*): distribution tries a schema 1 rewrite (400 here), GHCR serves schema 2");
  });

  it("the client reads a registry without auth just as it reads one with token auth", async () => {
    const tags = ["cache", "cache-index", "release"];
    const before = real.issued.length;
    const open = sides[0].client({ url: real.openUrl });
    const openResults = await Promise.all(tags.map((t) => inspectRef(open, `ghcr.io/${OWNER}/app:${t}`)));
    expect((await open.listTags(`${OWNER}/app`)).sort()).toEqual([...app.tags.keys()].sort());
    // no challenge, so no token: the issuer was never asked
    expect(real.issued.length).toBe(before);
    const withAuth = sides[0].client();
    expect(await Promise.all(tags.map((t) => inspectRef(withAuth, `ghcr.io/${OWNER}/app:${t}`)))).toEqual(openResults);
    expect(real.issued.length).toBe(before + 1);
    compared("client against a registry without auth");
  });
});
