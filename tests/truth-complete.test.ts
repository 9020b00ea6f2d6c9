import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createGitHub } from "@/lib/github/client";
import { IncompleteError } from "@/lib/github/errors";
import { listContainerPackages } from "@/lib/github/packages";
import { listOrgReposReport } from "@/lib/github/repos";
import { json, type Recorded, startTestServer } from "@/lib/github/test-http";
import { createRegistryClient } from "@/lib/registry/client";
import { registryTagSettled } from "@/lib/server/scan/findings";
import type { RegistryEvidence } from "@/lib/server/scan/types";

/**
 * "A read is complete or it failed" (DESIGN.md), list by list: every client refuses an answer that
 * does not add up, after asking again, instead of handing back a shorter list.
 */
const TOKEN = "ghp_truthCompleteSecret0123456789abcdef";
let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});
async function serve(h: (req: Recorded, res: ServerResponse) => unknown) {
  const s = await startTestServer(h);
  closers.push(s.close);
  return s;
}
const github = (url: string) => createGitHub({ apiUrl: url, token: TOKEN, retryBaseMs: 1, warn: () => {} });
const pkg = (name: string) => ({ name, updated_at: "2026-01-01T00:00:00Z", visibility: "public", repository: { name: "app" } });
const page = (url: string) => Number(new URL(url, "http://x").searchParams.get("page") ?? 1);

describe("the package list (REST)", () => {
  const pages = [["a", "b"], ["c", "d"], ["e"]];
  const link = (base: string, n: number, next = n + 1) =>
    [n < 3 ? `<${base}/orgs/acme/packages?package_type=container&per_page=100&page=${next}>; rel="next"` : "", `<${base}/orgs/acme/packages?package_type=container&per_page=100&page=3>; rel="last"`].filter(Boolean).join(", ");

  it("follows every Link page to the last", async () => {
    const s = await serve((req, res) => json(res, 200, pages[page(req.url) - 1].map(pkg), { link: link(`http://${req.headers.host}`, page(req.url)) }));
    expect((await listContainerPackages(github(s.url), "acme")).map((p) => p.name)).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("refuses a body cut short, after asking again", async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": "200" });
      res.write('[{"name":"a","updated_at":"2026');
      res.destroy();
    });
    const err = await listContainerPackages(github(s.url), "acme").catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/(Could not reach GitHub|connection to GitHub failed) while listing the container packages/);
    expect(s.requests).toHaveLength(4); // Octokit's retries
  });

  it("refuses a body that stops short of its Content-Length", async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": "200" });
      res.write(JSON.stringify([pkg("a")]).slice(0, 30), () => setTimeout(() => res.destroy(), 20));
    });
    const err = await listContainerPackages(github(s.url), "acme").catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/cut short/);
    expect(s.requests).toHaveLength(4);
  });

  it("refuses a body that ends cleanly but does not parse", async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end('[{"name":"a","updated_at":"2026');
    });
    const err = await listContainerPackages(github(s.url), "acme").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IncompleteError);
    expect((err as Error).message).toMatch(/not a complete list of packages/);
    expect(s.requests).toHaveLength(3); // read again twice
  });

  it("refuses a next link that skips a page, and a list that ends before its last page", async () => {
    const skip = await serve((req, res) => json(res, 200, pages[Math.min(page(req.url), 3) - 1].map(pkg), { link: link(`http://${req.headers.host}`, page(req.url), page(req.url) + 2) }));
    await expect(listContainerPackages(github(skip.url), "acme")).rejects.toThrow(/links to page 3 as the next one, skipping pages/);
    const short = await serve((req, res) => json(res, 200, pages[page(req.url) - 1].map(pkg), page(req.url) === 1 ? { link: link(`http://${req.headers.host}`, 1) } : { link: `<http://${req.headers.host}/orgs/acme/packages?page=3>; rel="last"` }));
    await expect(listContainerPackages(github(short.url), "acme")).rejects.toThrow(/ended at page 2 of 3/);
  });

  it("asks for the page after a full page that has no next link", async () => {
    const full = Array.from({ length: 100 }, (_, i) => pkg(`p${i}`));
    const s = await serve((req, res) => json(res, 200, page(req.url) === 1 ? full : [pkg("last-one")]));
    expect(await listContainerPackages(github(s.url), "acme")).toHaveLength(101);
    expect(s.requests.map((r) => page(r.url))).toEqual([1, 2]);
  });
});

describe("the repository list (GraphQL)", () => {
  const node = (name: string) => ({ name, nameWithOwner: `acme/${name}`, isArchived: false, isFork: false, isEmpty: false, isPrivate: false, pushedAt: null, defaultBranchRef: { name: "main", target: { oid: "a".repeat(40) } } });
  const answer = (nodes: unknown[], totalCount: number, hasNextPage = false) => ({
    data: { organization: { repositories: { totalCount, pageInfo: { hasNextPage, endCursor: hasNextPage ? "c1" : null }, nodes } } },
  });

  it("refuses a page that delivers fewer repositories than its totalCount, after reading the list again", async () => {
    const s = await serve((_req, res) => json(res, 200, answer([node("a"), node("b")], 3)));
    const err = await listOrgReposReport(github(s.url), "acme").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IncompleteError);
    expect((err as Error).message).toMatch(/holds 2 repositories where its count of 3 leaves 3/);
    expect(s.requests).toHaveLength(3);
  });

  it("refuses null nodes and a next page without a cursor", async () => {
    const nulls = await serve((_req, res) => json(res, 200, answer([node("a"), null], 2)));
    await expect(listOrgReposReport(github(nulls.url), "acme")).rejects.toThrow(/null nodes/);
    const noCursor = await serve((_req, res) => json(res, 200, { data: { organization: { repositories: { totalCount: 200, pageInfo: { hasNextPage: true, endCursor: null }, nodes: Array.from({ length: 100 }, (_, i) => node(`r${i}`)) } } } }));
    await expect(listOrgReposReport(github(noCursor.url), "acme")).rejects.toThrow(/gives no cursor/);
  });

  it("accepts a list that adds up, and heals when a second read does", async () => {
    let n = 0;
    const s = await serve((_req, res) => json(res, 200, n++ === 0 ? answer([node("a")], 2) : answer([node("a"), node("b")], 2)));
    const listing = await listOrgReposReport(github(s.url), "acme");
    expect(listing.repos.map((r) => r.name)).toEqual(["a", "b"]);
    expect(listing.total).toBe(2);
  });
});

describe("a registry tag list", () => {
  const TAGS = ["a", "b", "c", "d", "e"];
  /** tags/list paged by `n`/`last` with a Link, and `mangle` to break it */
  const registry = (mangle: (tags: string[], link: string | null) => { tags: unknown; link: string | null } = (tags, link) => ({ tags, link })) =>
    serve((req, res) => {
      const u = new URL(req.url, "http://x");
      const n = Number(u.searchParams.get("n") ?? 100);
      const last = u.searchParams.get("last");
      const after = last ? TAGS.filter((t) => t > last) : TAGS;
      const tags = after.slice(0, Math.min(n, 2));
      const link = tags.length < after.length ? `</v2/acme/app/tags/list?last=${tags[tags.length - 1]}&n=${n}>; rel="next"` : null;
      const out = mangle(tags, link);
      json(res, 200, { name: "acme/app", tags: out.tags }, out.link ? { link: out.link } : {});
    });
  const client = (url: string, tagsPageSize?: number) => createRegistryClient({ registryUrl: url, retryBaseMs: 1, ...(tagsPageSize ? { tagsPageSize } : {}) });

  it("follows Link pages served shorter than asked", async () => {
    const s = await registry();
    expect(await client(s.url).listTags("acme/app")).toEqual(TAGS);
  });

  it("refuses a page whose next link does not continue after its last tag (tags skipped), after asking again", async () => {
    const s = await registry((tags, link) => ({ tags: link ? tags.slice(0, -1) : tags, link }));
    const err = await client(s.url).listTags("acme/app").catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/tag list of acme\/app is incomplete: page 1 ends at "a" but its next link continues after "b"/);
    expect(s.requests.length).toBe(4);
  });

  it("refuses a page that is not a list of tags, and a next link after an empty page", async () => {
    const broken = await registry(() => ({ tags: "a,b", link: null }));
    await expect(client(broken.url).listTags("acme/app")).rejects.toThrow(/page 1 is not a list of tags/);
    const empty = await registry((_tags, link) => ({ tags: [], link: link ?? null }));
    await expect(client(empty.url).listTags("acme/app")).rejects.toThrow(/incomplete/);
  });

  it("refuses a registry that ignores `last` (it would hide every tag after the first page)", async () => {
    const s = await serve((_req, res) => json(res, 200, { name: "acme/app", tags: ["a", "b"] }));
    await expect(client(s.url, 2).listTags("acme/app")).rejects.toThrow(/repeats tags already listed/);
  });

  it("a manifest that does not parse, with no length or digest to check it against, is cut short", async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/vnd.oci.image.manifest.v1+json" });
      res.end('{"schemaVersion":2,"config":{"mediaType":"application/vnd.buildkit.cacheconfig.v0"');
    });
    await expect(client(s.url).getManifest("acme/app", "test")).rejects.toThrow(/cut short.*not JSON/);
  });
});

describe("which registry findings a scan may resolve", () => {
  const evidence = (packagesComplete: boolean, packages: Record<string, { listed: string[] | null; current: string[] }>): RegistryEvidence => ({
    packagesComplete,
    packages: new Map(Object.entries(packages).map(([k, v]) => [k, { listed: v.listed ? new Set(v.listed) : null, current: new Set(v.current) }])),
  });
  const ev = evidence(true, { api: { listed: ["test", "latest"], current: ["latest"] }, web: { listed: null, current: [] } });

  it("a tag read now, or missing from its complete tag list, or whose package a complete list lacks", () => {
    expect(registryTagSettled(ev, "ghcr.io/acme/api:latest")).toBe(true);
    expect(registryTagSettled(ev, "ghcr.io/acme/api:gone")).toBe(true);
    expect(registryTagSettled(ev, "ghcr.io/acme/deleted-package:test")).toBe(true);
  });

  it("never a tag whose read failed, a package whose tag list failed, or anything when the package list failed", () => {
    expect(registryTagSettled(ev, "ghcr.io/acme/api:test")).toBe(false);
    expect(registryTagSettled(ev, "ghcr.io/acme/web:latest")).toBe(false);
    expect(registryTagSettled(evidence(false, {}), "ghcr.io/acme/deleted-package:test")).toBe(false);
    expect(registryTagSettled(ev, "not a ref")).toBe(false);
  });
});
