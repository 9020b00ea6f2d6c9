import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "@/lib/demo/fake-github/server";

const DEMO = path.resolve(import.meta.dirname, "../lib/demo/fixture");
const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const ACCEPT_ALL = [OCI_INDEX, "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.docker.distribution.manifest.v2+json"].join(", ");
let gh: FakeGitHub;

beforeAll(async () => {
  gh = await startFakeGitHub({ fixture: DEMO });
});
afterAll(() => gh.close());

/** The client side of the handshake: follow the challenge's realm with basic auth, get a bearer token. */
async function pullToken(scopeName: string, password?: string): Promise<string> {
  const challenge = (await fetch(`${gh.url}/v2/`)).headers.get("www-authenticate")!;
  const realm = /realm="([^"]+)"/.exec(challenge)![1];
  const service = /service="([^"]+)"/.exec(challenge)![1];
  const url = `${realm}?service=${service}&scope=${encodeURIComponent(`repository:${scopeName}:pull`)}`;
  const headers: Record<string, string> = password ? { authorization: `Basic ${Buffer.from(`cacheguard:${password}`).toString("base64")}` } : {};
  const res = await fetch(url, { headers });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}
const sha256 = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

describe("registry", () => {
  it("challenges, issues a token, and pages tags/list with n/last and Link", async () => {
    const v2 = await fetch(`${gh.url}/v2/`);
    expect(v2.status).toBe(401);
    expect(v2.headers.get("www-authenticate")).toBe(`Bearer realm="${gh.url}/token",service="ghcr.io",scope="repository:user/image:pull"`);
    const token = await pullToken("acme/api", "demo-token");
    const auth = { authorization: `Bearer ${token}` };
    expect((await fetch(`${gh.url}/v2/`, { headers: auth })).status).toBe(200);

    const seen: string[] = [];
    let next: string | null = "/v2/acme/api/tags/list?n=2";
    let pages = 0;
    while (next) {
      const res: Response = await fetch(`${gh.url}${next}`, { headers: auth });
      const body = (await res.json()) as { name: string; tags: string[] };
      expect(body.name).toBe("acme/api");
      expect(body.tags.length).toBeLessThanOrEqual(2);
      seen.push(...body.tags);
      next = /<([^>]+)>; rel="next"/.exec(res.headers.get("link") ?? "")?.[1] ?? null;
      pages++;
    }
    const onDisk = readdirSync(path.join(DEMO, "packages/api/tags")).map((f) => f.replace(/\.json$/, "")).sort();
    expect(seen).toEqual(onDisk);
    expect(pages).toBe(Math.ceil(onDisk.length / 2));
  });

  it("HEAD and GET a manifest: digest is the sha256 of the bytes, content type its media type", async () => {
    const auth = { authorization: `Bearer ${await pullToken("acme/api", "demo-token")}` };
    const bytes = readFileSync(path.join(DEMO, "packages/api/tags/test.json"));
    const head = await fetch(`${gh.url}/v2/acme/api/manifests/test`, { method: "HEAD", headers: { ...auth, accept: ACCEPT_ALL } });
    expect(head.status).toBe(200);
    expect(head.headers.get("docker-content-digest")).toBe(sha256(bytes));
    expect(head.headers.get("content-type")).toBe("application/vnd.oci.image.manifest.v1+json");
    expect(head.headers.get("content-length")).toBe(String(bytes.length));

    const byDigest = await fetch(`${gh.url}/v2/acme/api/manifests/${sha256(bytes)}`, { headers: { ...auth, accept: ACCEPT_ALL } });
    const body = Buffer.from(await byDigest.arrayBuffer());
    expect(body.equals(bytes)).toBe(true);
    const manifest = JSON.parse(body.toString()) as { config: { mediaType: string; digest: string } };
    expect(manifest.config.mediaType).toBe("application/vnd.buildkit.cacheconfig.v0");
    const config = await fetch(`${gh.url}/v2/acme/api/blobs/${manifest.config.digest}`, { headers: auth });
    expect(config.status).toBe(200);
    expect(sha256(Buffer.from(await config.arrayBuffer()))).toBe(manifest.config.digest);
  });

  it("answers 404 MANIFEST_UNKNOWN for an OCI index requested without OCI Accept types", async () => {
    const auth = { authorization: `Bearer ${await pullToken("acme/web", "demo-token")}` };
    const dockerOnly = await fetch(`${gh.url}/v2/acme/web/manifests/latest`, { headers: { ...auth, accept: "application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json" } });
    expect(dockerOnly.status).toBe(404);
    expect(((await dockerOnly.json()) as { errors: Array<{ code: string }> }).errors[0].code).toBe("MANIFEST_UNKNOWN");

    const oci = await fetch(`${gh.url}/v2/acme/web/manifests/latest`, { headers: { ...auth, accept: ACCEPT_ALL } });
    expect(oci.status).toBe(200);
    expect(oci.headers.get("content-type")).toBe(OCI_INDEX);
    const index = (await oci.json()) as { manifests: Array<{ digest: string; platform: { os: string }; annotations?: Record<string, string> }> };
    const attestation = index.manifests.find((m) => m.annotations?.["vnd.docker.reference.type"] === "attestation-manifest")!;
    expect(attestation.platform.os).toBe("unknown");
    // every child the index names is fetchable by its digest
    for (const child of index.manifests) {
      const res = await fetch(`${gh.url}/v2/acme/web/manifests/${child.digest}`, { method: "HEAD", headers: { ...auth, accept: ACCEPT_ALL } });
      expect(res.headers.get("docker-content-digest")).toBe(child.digest);
    }
    const missing = await fetch(`${gh.url}/v2/acme/web/manifests/nope`, { headers: { ...auth, accept: ACCEPT_ALL } });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { errors: Array<{ code: string }> }).errors[0].code).toBe("MANIFEST_UNKNOWN");
  });

  it("lets anonymous callers pull public packages but challenges them on private ones", async () => {
    const anonPublic = await pullToken("acme/web");
    expect((await fetch(`${gh.url}/v2/acme/web/tags/list`, { headers: { authorization: `Bearer ${anonPublic}` } })).status).toBe(200);
    const anonPrivate = await pullToken("acme/payments");
    const denied = await fetch(`${gh.url}/v2/acme/payments/tags/list`, { headers: { authorization: `Bearer ${anonPrivate}` } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get("www-authenticate")).toContain('scope="repository:acme/payments:pull"');
    const member = await pullToken("acme/payments", "demo-token");
    expect((await fetch(`${gh.url}/v2/acme/payments/tags/list`, { headers: { authorization: `Bearer ${member}` } })).status).toBe(200);
    const badPassword = await fetch(`${gh.url}/token?service=ghcr.io&scope=repository:acme/web:pull`, { headers: { authorization: `Basic ${Buffer.from("x:wrong").toString("base64")}` } });
    expect(badPassword.status).toBe(403);
  });
});

describe("OAuth", () => {
  it("signs a user in: authorize redirects with code and state, the code buys a token, /user and membership answer", async () => {
    const authz = await fetch(`${gh.url}/login/oauth/authorize?client_id=abc&redirect_uri=${encodeURIComponent("http://127.0.0.1:3000/api/auth/callback/github")}&state=xyz&scope=read:user%20read:org`, { redirect: "manual" });
    expect(authz.status).toBe(302);
    const back = new URL(authz.headers.get("location")!);
    expect(back.searchParams.get("state")).toBe("xyz");
    const res = await fetch(`${gh.url}/login/oauth/access_token`, { method: "POST", headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ client_id: "abc", client_secret: "s", code: back.searchParams.get("code")! }) });
    const { access_token } = (await res.json()) as { access_token: string };
    expect(access_token).toMatch(/^gho_/);
    const user = await (await fetch(`${gh.url}/user`, { headers: { authorization: `token ${access_token}` } })).json();
    expect(user.login).toBe("octocat");
    expect((await fetch(`${gh.url}/orgs/acme/members/octocat`, { headers: { authorization: `token ${access_token}` } })).status).toBe(204);

    const outsider = await fetch(`${gh.url}/login/oauth/authorize?redirect_uri=${encodeURIComponent("http://127.0.0.1:3000/cb")}&login=mallory`, { redirect: "manual" });
    const code = new URL(outsider.headers.get("location")!).searchParams.get("code")!;
    const tok = (await (await fetch(`${gh.url}/login/oauth/access_token`, { method: "POST", headers: { accept: "application/json", "content-type": "application/json" }, body: JSON.stringify({ code }) })).json()) as { access_token: string };
    expect((await fetch(`${gh.url}/orgs/acme/members/mallory`, { headers: { authorization: `token ${tok.access_token}` } })).status).toBe(404);
    expect(await (await fetch(`${gh.url}/user/orgs`, { headers: { authorization: `token ${tok.access_token}` } })).json()).toEqual([]);
  });
});

describe("CLI", () => {
  const cli = path.resolve(import.meta.dirname, "../lib/demo/fake-github-cli.ts");
  const run = (args: string[]) => spawn(process.execPath, ["--import", "tsx", cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });

  it("prints exactly `listening on http://127.0.0.1:PORT` and serves", async () => {
    const child = run(["--fixture", DEMO, "--port", "0", "--latency", "5"]);
    try {
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (d: Buffer) => resolve(d.toString()));
        child.on("exit", (code) => reject(new Error(`exited ${code}`)));
      });
      expect(line).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\n$/);
      const url = line.trim().slice("listening on ".length);
      expect((await fetch(`${url}/orgs/acme`)).status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
  });

  it("explains a missing fixture folder and exits 2", async () => {
    const child = run(["--fixture", "/nonexistent/fixture"]);
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(2);
    expect(stderr).toContain("fixture folder not found: /nonexistent/fixture");
  });
});
