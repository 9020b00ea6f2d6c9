import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { json, startTestServer } from "@/lib/github/test-http";
import { createLimiter } from "@/lib/github/limiter";
import { createRegistryClient, MANIFEST_ACCEPT, nextLink, RegistryError } from "./client";
import { inspectRef } from "./inspect";
import { createGitHub, newStats } from "@/lib/github/client";

const TOKEN = "ghp_registryTestToken1234567890";
const sha = (s: string) => `sha256:${createHash("sha256").update(s).digest("hex")}`;
const cache = JSON.stringify({
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: { mediaType: "application/vnd.buildkit.cacheconfig.v0", digest: `sha256:${"1".repeat(64)}`, size: 10 },
  layers: [],
});
const image = JSON.stringify({
  schemaVersion: 2,
  mediaType: "application/vnd.docker.distribution.manifest.v2+json",
  config: { mediaType: "application/vnd.docker.container.image.v1+json", digest: `sha256:${"2".repeat(64)}`, size: 10 },
  layers: [],
});
const TAGS = ["a", "b", "c", "d", "e"];

let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

/** Faults a test can queue per route; each request to the route takes the next one. */
type Fault = "500" | "502" | "429" | "403-secondary" | "403-retry-after" | "reset" | "hang" | "truncated" | "no-token" | "not-json" | "tamper";
type Route = "token" | "tags" | "manifest";
const SECONDARY = { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." };

/** Faults answered before the route's own logic: true when the response is dealt with. */
function early(f: Fault | undefined, res: ServerResponse): boolean {
  switch (f) {
    case "500": return (json(res, 500, { message: "Server Error" }), true);
    case "502": return (res.writeHead(502, { "content-type": "text/html" }), res.end("<html><h1>502 Bad Gateway</h1></html>"), true);
    case "429": return (json(res, 429, SECONDARY, { "retry-after": "0" }), true);
    case "403-secondary": return (json(res, 403, SECONDARY), true); // the text alone says it: no Retry-After
    case "403-retry-after": return (res.writeHead(403, { "retry-after": "0" }), res.end(), true);
    case "reset": return (res.socket?.destroy(), true);
    case "hang": return true; // never answers; the server's close drops it
    default: return false;
  }
}

/** Send a body, or (fault "truncated") the headers with the full length, half the body, then drop the connection. */
function serve(res: ServerResponse, status: number, body: string, headers: Record<string, string>, f: Fault | undefined, head = false): void {
  res.writeHead(status, { ...headers, "content-length": String(Buffer.byteLength(body)) });
  if (head) return void res.end();
  if (f === "truncated") return void res.write(body.slice(0, Math.floor(body.length / 2)), () => res.destroy());
  res.end(body);
}

/** A registry that behaves like GHCR: bearer challenge, token by basic auth, Link pagination. */
async function fakeRegistry(opts: { tamper?: boolean; flaky?: number; noLink?: boolean; ignoresPaging?: boolean; faults?: Partial<Record<Route, Fault[]>> } = {}) {
  let flaky = opts.flaky ?? 0;
  const next = (r: Route) => opts.faults?.[r]?.shift();
  const s = await startTestServer((req, res) => {
    const u = new URL(req.url, "http://x");
    if (u.pathname === "/token") {
      const f = next("token");
      if (early(f, res)) return;
      const expected = `Basic ${Buffer.from(`cacheguard:${TOKEN}`).toString("base64")}`;
      if (req.headers.authorization !== expected) return json(res, 401, { errors: [{ code: "UNAUTHORIZED", message: "bad" }] });
      const body = f === "no-token" ? "{}" : f === "not-json" ? "<html>try again</html>" : JSON.stringify({ token: `bearer-for-${u.searchParams.get("scope")}` });
      return serve(res, 200, body, { "content-type": "application/json" }, f);
    }
    const m = /^\/v2\/(.+)\/(tags\/list|manifests\/(.+))$/.exec(u.pathname);
    if (!m) return json(res, 404, {});
    const name = m[1];
    if (req.headers.authorization !== `Bearer bearer-for-repository:${name}:pull`) {
      res.writeHead(401, { "www-authenticate": `Bearer realm="${s.url}/token",service="ghcr.io",scope="repository:${name}:pull"` });
      return res.end();
    }
    if (flaky > 0) {
      flaky--;
      return json(res, 503, { errors: [{ code: "UNAVAILABLE" }] }, { "retry-after": "0" });
    }
    const f = next(m[2] === "tags/list" ? "tags" : "manifest");
    if (early(f, res)) return;
    if (m[2] === "tags/list") {
      const n = opts.ignoresPaging ? TAGS.length : Number(u.searchParams.get("n") ?? 100);
      const last = opts.ignoresPaging ? null : u.searchParams.get("last");
      const start = last ? TAGS.indexOf(last) + 1 : 0;
      const page = TAGS.slice(start, start + n);
      const more = start + n < TAGS.length;
      const headers: Record<string, string> = more && !opts.noLink ? { link: `</v2/${name}/tags/list?n=${n}&last=${page[page.length - 1]}>; rel="next"` } : {};
      return serve(res, 200, JSON.stringify({ name, tags: page }), { "content-type": "application/json", ...headers }, f);
    }
    const ref = decodeURIComponent(m[3]);
    if (req.headers.accept !== MANIFEST_ACCEPT) return json(res, 400, { errors: [{ code: "BAD_ACCEPT" }] });
    const byRef: Record<string, string> = { cache, image, [sha(cache)]: cache, [sha(image)]: image };
    const body = byRef[ref];
    if (!body) return json(res, 404, { errors: [{ code: "MANIFEST_UNKNOWN", message: "manifest unknown" }] });
    const served = opts.tamper || f === "tamper" ? body.replace("}", " }") : body;
    const mt = (JSON.parse(body) as { mediaType: string }).mediaType;
    serve(res, 200, served, { "content-type": mt, "docker-content-digest": sha(body) }, f, req.method === "HEAD");
  });
  closers.push(s.close);
  const paths = (from = 0) => s.requests.slice(from).map((r) => `${r.method} ${r.url.split("?")[0]}`);
  return { ...s, paths };
}

describe("registry client", () => {
  it("does the bearer handshake once per repository and lists tags across Link pages", async () => {
    const s = await fakeRegistry();
    const stats = { rest: 0, graphql: 0, registry: 0 };
    const reg = createRegistryClient({ registryUrl: s.url, token: TOKEN, stats, tagsPageSize: 2 });
    expect(await reg.listTags("acme/app")).toEqual(TAGS);
    const tokenCalls = s.requests.filter((r) => r.url.startsWith("/token"));
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0].url).toContain("scope=repository%3Aacme%2Fapp%3Apull");
    expect(tokenCalls[0].url).toContain("service=ghcr.io");
    // 1 challenged request + 1 token + 3 pages
    expect(stats.registry).toBe(5);
    expect(s.requests.length).toBe(5);
    await reg.headManifest("acme/app", "cache");
    expect(s.requests.filter((r) => r.url.startsWith("/token"))).toHaveLength(1);
    // a second repository asks the known realm for its token directly: no 401 round trip
    const before = s.requests.length;
    await reg.listTags("acme/other");
    expect(s.requests.slice(before).map((r) => r.url.split("?")[0])).toEqual(["/token", "/v2/acme/other/tags/list", "/v2/acme/other/tags/list", "/v2/acme/other/tags/list"]);
  });

  it("pays one challenge round trip for the whole scan, even when repositories start at once", async () => {
    const s = await fakeRegistry();
    const reg = createRegistryClient({ registryUrl: s.url, token: TOKEN, stats: { rest: 0, graphql: 0, registry: 0 }, limiter: createLimiter(16) });
    const names = ["acme/a", "acme/b", "acme/c", "acme/d", "acme/e"];
    const lists = await Promise.all(names.map((n) => reg.listTags(n)));
    expect(lists.every((l) => l.length === TAGS.length)).toBe(true);
    const challenged = s.requests.filter((r) => r.url.startsWith("/v2/") && !r.headers.authorization);
    expect(challenged).toHaveLength(1);
    expect(s.requests.filter((r) => r.url.startsWith("/token"))).toHaveLength(names.length);
  });

  it("falls back to `last` pagination when the registry sends no Link", async () => {
    const s = await fakeRegistry({ noLink: true });
    const reg = createRegistryClient({ registryUrl: s.url, token: TOKEN, tagsPageSize: 2 });
    expect(await reg.listTags("acme/app")).toEqual(TAGS);
  });

  it("takes a page longer than asked as the whole list (a registry that ignores n and last, like distribution 2.8)", async () => {
    const s = await fakeRegistry({ ignoresPaging: true });
    const reg = createRegistryClient({ registryUrl: s.url, token: TOKEN, tagsPageSize: 2 });
    const before = s.requests.length;
    expect(await reg.listTags("acme/app")).toEqual(TAGS);
    expect(s.requests.slice(before).filter((r) => r.url.startsWith("/v2/acme/app/tags/list") && r.headers.authorization)).toHaveLength(1);
  });

  it("HEADs and GETs manifests with the full Accept list and verifies digests", async () => {
    const s = await fakeRegistry();
    const reg = createRegistryClient({ registryUrl: s.url, token: TOKEN });
    const head = await reg.headManifest("acme/app", "cache");
    expect(head).toEqual({ digest: sha(cache), mediaType: "application/vnd.oci.image.manifest.v1+json", size: Buffer.byteLength(cache) });
    const m = await reg.getManifest("acme/app", head!.digest);
    expect(m.digest).toBe(sha(cache));
    expect((m.body as { config: { mediaType: string } }).config.mediaType).toBe("application/vnd.buildkit.cacheconfig.v0");
    expect(await reg.headManifest("acme/app", "missing")).toBeNull();
  });

  it("rejects bytes that do not hash to the requested digest", async () => {
    const s = await fakeRegistry({ tamper: true });
    const reg = createRegistryClient({ registryUrl: s.url, token: TOKEN });
    await expect(reg.getManifest("acme/app", sha(image))).rejects.toThrow(/Digest mismatch/);
  });

  it("retries 5xx a bounded number of times, but never a 404", async () => {
    const s = await fakeRegistry({ flaky: 2 });
    const reg = createRegistryClient({ registryUrl: s.url, token: TOKEN, retryBaseMs: 1 });
    expect((await reg.getManifest("acme/app", "image")).digest).toBe(sha(image));
    const before = s.requests.length;
    const err = await reg.getManifest("acme/app", "nope").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).status).toBe(404);
    expect(s.requests.length - before).toBe(1);

    const s2 = await fakeRegistry({ flaky: 10 });
    const reg2 = createRegistryClient({ registryUrl: s2.url, token: TOKEN, retryBaseMs: 1, maxRetries: 2 });
    await expect(reg2.getManifest("acme/app", "image")).rejects.toThrow(/503/);
    // challenge + token + 3 attempts (1 + 2 retries)
    expect(s2.requests.length).toBe(5);
  });

  it("reports a refused token without revealing it", async () => {
    const s = await fakeRegistry();
    const reg = createRegistryClient({ registryUrl: s.url, token: "ghp_wrongTokenValue0987654321" });
    const err = (await reg.listTags("acme/app").catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/refused a pull token for repository:acme\/app:pull \(401\)/);
    expect(err.message).not.toContain("ghp_wrongTokenValue0987654321");
    expect(err.message).not.toContain(Buffer.from("cacheguard:ghp_wrongTokenValue0987654321").toString("base64"));
  });

  it("inspectRef maps ghcr.io refs onto the configured registry", async () => {
    const s = await fakeRegistry();
    const reg = createRegistryClient({ registryUrl: s.url, token: TOKEN });
    const r = await inspectRef(reg, "ghcr.io/acme/app:cache");
    expect(r).toMatchObject({ name: "acme/app", digest: sha(cache), kind: "cache", platforms: [] });
    expect(r.reason).toContain("BuildKit registry cache");
    expect((await inspectRef(reg, `ghcr.io/acme/app@${sha(image)}`)).kind).toBe("image");
    await expect(inspectRef(reg, "docker.io/library/nginx:latest")).rejects.toThrow(/ghcr.io only/);
  });

  it("resolves Link headers relative to the current page", () => {
    expect(nextLink('</v2/a/tags/list?n=2&last=b>; rel="next"', "https://ghcr.io/v2/a/tags/list?n=2")).toBe("https://ghcr.io/v2/a/tags/list?n=2&last=b");
    expect(nextLink('<https://x/y>; rel="prev"', "https://ghcr.io/")).toBeNull();
  });

  it("shares the GitHub client's concurrency cap when given the same stats object", async () => {
    let inFlight = 0;
    let peak = 0;
    const s = await startTestServer(async (_req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 15));
      inFlight--;
      json(res, 200, { name: "acme/app", tags: ["x"] });
    });
    closers.push(s.close);
    const stats = newStats();
    const gh = createGitHub({ apiUrl: s.url, token: TOKEN, maxConcurrency: 1 }, stats);
    const reg = createRegistryClient({ registryUrl: s.url, stats });
    await Promise.all([reg.listTags("acme/a"), reg.listTags("acme/b"), gh.octokit.request("GET /x"), reg.listTags("acme/c")]);
    expect(peak).toBe(1);
    expect(stats).toMatchObject({ registry: 3, rest: 1 });
  });

  it("fetches a fresh bearer token when the cached one expires", async () => {
    let issued = 0;
    let uses = 0;
    const s = await startTestServer((req, res) => {
      if (req.url.startsWith("/token")) return json(res, 200, { token: `tok-${++issued}` });
      const ok = req.headers.authorization === `Bearer tok-${issued}` && !(issued === 1 && uses >= 1);
      if (!ok) {
        res.writeHead(401, { "www-authenticate": `Bearer realm="${s.url}/token",service="ghcr.io",scope="repository:acme/app:pull"` });
        return res.end();
      }
      uses++;
      json(res, 200, { name: "acme/app", tags: ["a"] });
    });
    closers.push(s.close);
    const reg = createRegistryClient({ registryUrl: s.url, token: TOKEN });
    expect(await reg.listTags("acme/app")).toEqual(["a"]);
    expect(await reg.listTags("acme/app")).toEqual(["a"]); // tok-1 expired: re-challenged, tok-2 fetched
    expect(issued).toBe(2);
  });
});

describe("registry client under transient faults", () => {
  const fast = { token: TOKEN, retryBaseMs: 1, requestTimeoutMs: 300 };
  const basicValue = Buffer.from(`cacheguard:${TOKEN}`).toString("base64");

  for (const f of ["500", "502", "429", "403-secondary", "reset", "hang", "truncated", "not-json", "no-token"] as const) {
    it(`retries the token endpoint after a ${f} answer instead of blaming the token's scope`, async () => {
      const s = await fakeRegistry({ faults: { token: [f] } });
      const reg = createRegistryClient({ registryUrl: s.url, ...fast });
      expect(await reg.listTags("acme/app")).toEqual(TAGS);
      expect(s.paths()).toEqual(["GET /v2/acme/app/tags/list", "GET /token", "GET /token", "GET /v2/acme/app/tags/list"]);
    });
  }

  it("gives up on a token endpoint that keeps failing, saying what happened and not revealing the token", async () => {
    const s = await fakeRegistry({ faults: { token: ["502", "502", "502"] } });
    const reg = createRegistryClient({ registryUrl: s.url, ...fast, maxRetries: 2 });
    const err = (await reg.listTags("acme/app").catch((e: unknown) => e)) as RegistryError;
    expect(err).toBeInstanceOf(RegistryError);
    expect(err.message).toMatch(/502 while getting a pull token for repository:acme\/app:pull \(gave up after 3 attempts\)/);
    expect(err.message).not.toMatch(/read:packages/);
    expect(s.paths().filter((p) => p === "GET /token")).toHaveLength(3);
    for (const secret of [TOKEN, basicValue]) expect(err.message).not.toContain(secret);
  });

  it("reports a real 403 refusal from the token endpoint at once, as a missing read:packages scope", async () => {
    const s = await startTestServer((req, res) => {
      if (req.url.startsWith("/token")) return json(res, 403, { errors: [{ code: "DENIED", message: "requested access to the resource is denied" }] });
      res.writeHead(401, { "www-authenticate": `Bearer realm="${s.url}/token",service="ghcr.io"` });
      res.end();
    });
    closers.push(s.close);
    const reg = createRegistryClient({ registryUrl: s.url, ...fast });
    const err = (await reg.listTags("acme/app").catch((e: unknown) => e)) as RegistryError;
    expect(err.message).toMatch(/refused a pull token for repository:acme\/app:pull \(403\).*read:packages/);
    expect(err.code).toBe("DENIED");
    expect(s.requests.filter((r) => r.url.startsWith("/token"))).toHaveLength(1);
  });

  for (const f of ["500", "429", "403-secondary", "reset", "hang", "truncated"] as const) {
    it(`retries a tags/list page after a ${f} answer and still returns every tag`, async () => {
      const s = await fakeRegistry({ faults: { tags: [f] } });
      const reg = createRegistryClient({ registryUrl: s.url, ...fast, tagsPageSize: 2 });
      expect(await reg.listTags("acme/app")).toEqual(TAGS);
      // challenge, token, the failed page, then 3 pages
      expect(s.paths()).toEqual(["GET /v2/acme/app/tags/list", "GET /token", ...Array(4).fill("GET /v2/acme/app/tags/list")]);
    });
  }

  for (const f of ["502", "403-secondary", "reset", "hang", "truncated"] as const) {
    it(`retries a manifest GET after a ${f} answer`, async () => {
      const s = await fakeRegistry({ faults: { manifest: [f] } });
      const reg = createRegistryClient({ registryUrl: s.url, ...fast });
      const m = await reg.getManifest("acme/app", "cache");
      expect(m).toMatchObject({ digest: sha(cache), raw: cache, size: Buffer.byteLength(cache) });
      expect(s.paths().filter((p) => p.startsWith("GET /v2/acme/app/manifests/"))).toHaveLength(3); // challenged, failed, served
    });
  }

  it("retries a manifest HEAD refused with a Retry-After (a rate limit, not a denial)", async () => {
    const s = await fakeRegistry({ faults: { manifest: ["403-retry-after", "429"] } });
    const reg = createRegistryClient({ registryUrl: s.url, ...fast });
    expect(await reg.headManifest("acme/app", "image")).toEqual({ digest: sha(image), mediaType: "application/vnd.docker.distribution.manifest.v2+json", size: Buffer.byteLength(image) });
    expect(s.paths().filter((p) => p.startsWith("HEAD "))).toHaveLength(4);
  });

  it("does not wait out a Retry-After longer than maxRetryAfterMs", async () => {
    const s = await startTestServer((_req, res) => json(res, 429, SECONDARY, { "retry-after": "120" }));
    closers.push(s.close);
    const reg = createRegistryClient({ registryUrl: s.url, ...fast, maxRetryAfterMs: 5_000 });
    const started = Date.now();
    await expect(reg.listTags("acme/app")).rejects.toThrow(/asked to wait 120 s \(over the 5 s limit\)/);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(s.requests).toHaveLength(1);
  });

  it("re-fetches a manifest whose bytes do not match the digest once, then reports the mismatch", async () => {
    const s = await fakeRegistry({ faults: { manifest: ["tamper"] } });
    const reg = createRegistryClient({ registryUrl: s.url, ...fast });
    expect((await reg.getManifest("acme/app", sha(image))).raw).toBe(image);

    const s2 = await fakeRegistry({ tamper: true });
    const reg2 = createRegistryClient({ registryUrl: s2.url, ...fast });
    const err = (await reg2.getManifest("acme/app", "image").catch((e: unknown) => e)) as RegistryError;
    expect(err.code).toBe("DIGEST_INVALID");
    expect(err.message).toMatch(/Digest mismatch for acme\/app@sha256:[0-9a-f]{64}: .*fetched 2 times/);
    expect(s2.paths().filter((p) => p.startsWith("GET /v2/acme/app/manifests/"))).toHaveLength(3); // challenged + 2 fetches
  });

  it("never retries a 404, on HEAD, GET or tags/list", async () => {
    const s = await fakeRegistry();
    const reg = createRegistryClient({ registryUrl: s.url, ...fast });
    expect(await reg.headManifest("acme/app", "missing")).toBeNull();
    await expect(reg.getManifest("acme/app", "missing")).rejects.toMatchObject({ status: 404, code: "MANIFEST_UNKNOWN" });
    expect(s.paths().filter((p) => p.endsWith("/manifests/missing"))).toEqual(["HEAD /v2/acme/app/manifests/missing", "HEAD /v2/acme/app/manifests/missing", "GET /v2/acme/app/manifests/missing"]);
    const gone = await startTestServer((_req, res) => json(res, 404, { errors: [{ code: "NAME_UNKNOWN", message: "repository name not known" }] }));
    closers.push(gone.close);
    const reg2 = createRegistryClient({ registryUrl: gone.url, ...fast });
    await expect(reg2.listTags("acme/gone")).rejects.toMatchObject({ status: 404, code: "NAME_UNKNOWN" });
    expect(gone.requests).toHaveLength(1);
  });

  it("gives up on a registry that keeps dropping the connection, naming the registry", async () => {
    const s = await fakeRegistry({ faults: { tags: ["reset", "reset", "reset"] } });
    const reg = createRegistryClient({ registryUrl: s.url, ...fast, maxRetries: 2 });
    const err = (await reg.listTags("acme/app").catch((e: unknown) => e)) as RegistryError;
    expect(err.message).toContain(`Could not reach the registry at ${s.url}`);
    expect(err.message).toContain("gave up after 3 attempts");
    for (const secret of [TOKEN, basicValue, "bearer-for-repository"]) expect(err.message).not.toContain(secret);
  });
});
