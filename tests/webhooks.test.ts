/**
 * GitHub webhooks end to end, on loopback: the fake GitHub delivers signed events (it makes the
 * change, then POSTs what GitHub would) to the real route handler (`POST /api/webhooks/github`,
 * behind a plain HTTP server), which stores and queues them; the webhook queue runs incremental
 * scans through the org's one-scan lock. Every GitHub and registry request the scans make goes
 * through a recording proxy, so "only that repository was read" is checked on the wire.
 */
import { cpSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildWebhook, signature256 } from "@/lib/demo/fake-github/webhooks";
import { loadFixture } from "@/lib/demo/fake-github/fixture";
import type { Db } from "@/lib/server/db";
import { runScan, startScan } from "@/lib/server/scan";
import { isBuildPath, planDelivery } from "@/lib/server/webhooks/plan";
import { createWebhookQueue, planUnits, startWebhookQueue, stopWebhookQueue, type WebhookQueue } from "@/lib/server/webhooks/queue";
import { type RecordingProxy, recordingProxy } from "./contract/recording-proxy";
import { type ScanEnv, scanEnv } from "./scan-helpers";

const SECRET = "webhook-test-secret-7f3a9c";
const saved = { ...process.env };

type Route = { POST: (req: NextRequest) => Promise<Response>; GET: (req: NextRequest) => Promise<Response> };

/** The route handler behind a plain HTTP server, as GitHub (the fake) reaches it. */
async function receiver(): Promise<{ url: string; close(): Promise<void> }> {
  const route = (await import("@/app/api/webhooks/github/route")) as unknown as Route;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const nreq = new NextRequest(`http://127.0.0.1${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : null, duplex: "half" } as ConstructorParameters<typeof NextRequest>[1]);
    const out = req.method === "POST" ? await route.POST(nreq) : await route.GET(nreq);
    res.writeHead(out.status, Object.fromEntries(out.headers));
    res.end(await out.text());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/webhooks/github`, close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }) };
}

const BAD_WORKFLOW = `name: docker
on:
  push:
    branches: [main]
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/acme/web:latest
          cache-from: type=registry,ref=ghcr.io/acme/web:latest
          cache-to: type=registry,ref=ghcr.io/acme/web:latest,mode=max
`;

/** Poll until `fn` gives a value (not undefined/null/false), or fail at the deadline. */
async function eventually<T>(fn: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs / 1000} s: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The repository names a recorded GraphQL request asks about (aliased `n0`…, or `name`). */
function graphqlRepos(proxy: RecordingProxy): string[] {
  const names = new Set<string>();
  for (const x of proxy.exchanges) {
    if (!x.url.endsWith("/graphql")) continue;
    const vars = (JSON.parse(x.requestBody) as { variables?: Record<string, unknown> }).variables ?? {};
    for (const [k, v] of Object.entries(vars)) if ((/^n\d+$/.test(k) || k === "name" || k === "repo") && typeof v === "string") names.add(v);
    if (/organization\(login/.test(x.requestBody) && /repositories\(/.test(x.requestBody)) names.add("(the org's listing)");
  }
  return [...names].sort();
}

let env: ScanEnv;
let proxy: RecordingProxy;
let hook: { url: string; close(): Promise<void> };
let db: Db;

function config() {
  return { ...env.config, apiUrl: proxy.url, registryUrl: proxy.url };
}

function useDb(d: Db) {
  (globalThis as unknown as { cacheguardDb?: Db }).cacheguardDb = d;
}

beforeAll(async () => {
  for (const k of ["CACHEGUARD_ORG", "GITHUB_TOKEN", "GITHUB_APP_ID", "NEXTAUTH_URL"]) delete process.env[k];
  process.env.GITHUB_WEBHOOK_SECRET = SECRET;
  hook = await receiver();
});
afterAll(async () => {
  process.env = saved;
  await hook?.close();
});

beforeEach(async () => {
  env = await scanEnv();
  db = env.db;
  useDb(db);
  proxy = await recordingProxy(env.server.url);
  env.server.setWebhookTarget({ url: hook.url, secret: SECRET });
  // every test starts from a complete full scan of the demo org
  const first = await runScan(db, { config: config(), trigger: "cli" });
  expect(first.status).toBe("succeeded");
  proxy.exchanges.length = 0;
}, 60_000);
afterEach(async () => {
  await stopWebhookQueue();
  await proxy?.close();
  await env?.close();
});

const queue = (): WebhookQueue => createWebhookQueue({ db, scanConfig: config, pollMs: 0, retryMs: 50, log: () => undefined });

describe("a signed push that changes a workflow", () => {
  it("reads only that repository, and its finding appears within seconds in a webhook scan of that repo", async () => {
    const before = await db.finding.findMany({ where: { resolvedScanId: null }, select: { id: true, lastSeenScanId: true, repo: { select: { name: true } } } });
    expect(before.some((f) => f.repo?.name === "web")).toBe(false);
    // the process's queue, as the server runs it: the route kicks it when a delivery is queued
    startWebhookQueue({ db, scanConfig: config, pollMs: 0, retryMs: 50, log: () => undefined });

    const pushed = await env.server.push({ repo: "web", message: "Cache to the image tag", files: { ".github/workflows/docker.yml": BAD_WORKFLOW } });
    expect(pushed.delivery.status).toBe(202);
    expect(pushed.modified).toEqual([".github/workflows/docker.yml"]);

    // the queue marks the delivery applied once its scan has finished, a moment after the scan wrote
    // the finding (on PostgreSQL the test's reads can land in between): wait for the delivery
    const delivery = await eventually(
      () => db.webhookDelivery.findFirst({ where: { deliveryId: pushed.delivery.id, status: { not: "queued" } } }),
      "the push's delivery is applied",
    );
    const finding = await db.finding.findFirstOrThrow({ where: { repo: { name: "web" }, ruleId: "cache-overwrites-image-tag", resolvedScanId: null } });
    expect(finding.ref).toBe("ghcr.io/acme/web:latest");
    const scan = await db.scan.findUniqueOrThrow({ where: { id: finding.firstSeenScanId } });
    expect(scan).toMatchObject({ trigger: "webhook", scope: "repo:web", status: "succeeded", reposTotal: 1, newCount: 1, restRequests: 0, registryRequests: 0 });
    expect(delivery).toMatchObject({ event: "push", repo: "web", status: "applied", scanId: scan.id });
    expect(delivery.message).toBe(`push to main changed .github/workflows/docker.yml → scan #${scan.id} succeeded: 1 new, 0 resolved`);
    expect((await db.repo.findFirstOrThrow({ where: { name: "web" } })).scannedHeadSha).toBe(pushed.after);

    // on the wire: GraphQL about web only (its metadata, tree and blobs), no REST, no registry, no org listing
    expect(graphqlRepos(proxy)).toEqual(["web"]);
    expect(proxy.exchanges.filter((x) => !x.url.endsWith("/graphql"))).toEqual([]);
    // every other repository's findings are exactly as the full scan left them
    const after = new Map((await db.finding.findMany({ select: { id: true, lastSeenScanId: true, resolvedScanId: true } })).map((f) => [f.id, f]));
    for (const f of before) expect(after.get(f.id)).toEqual({ id: f.id, lastSeenScanId: f.lastSeenScanId, resolvedScanId: null });
  }, 60_000);

  it("moving the cache ref back resolves it in the next webhook scan", async () => {
    const q = queue();
    await env.server.push({ repo: "web", files: { ".github/workflows/docker.yml": BAD_WORKFLOW } });
    await q.drain();
    const open = await db.finding.findFirstOrThrow({ where: { repo: { name: "web" }, resolvedScanId: null } });
    await env.server.push({ repo: "web", files: { ".github/workflows/docker.yml": BAD_WORKFLOW.replace(/web:latest,mode/, "web:buildcache,mode").replace("ref=ghcr.io/acme/web:latest\n", "ref=ghcr.io/acme/web:buildcache\n") } });
    const { scans } = await q.drain();
    expect(scans).toEqual([expect.objectContaining({ scope: "repo:web", status: "succeeded" })]);
    expect((await db.finding.findUniqueOrThrow({ where: { id: open.id } })).resolvedScanId).toBe(scans[0].scanId);
  }, 60_000);
});

describe("cross-repository findings", () => {
  it("a push that stops another repository's collision resolves that finding too, and leaves the rest alone", async () => {
    const collision = await db.finding.findFirstOrThrow({ where: { ruleId: "cache-overwrites-other-image", repo: { name: "deploy" }, resolvedScanId: null } });
    expect(collision.ref).toBe("ghcr.io/acme/base:node20");
    const others = await db.finding.findMany({ where: { resolvedScanId: null, id: { not: collision.id } }, select: { id: true, lastSeenScanId: true } });
    const workflow = path.join(env.fixture, "repos", "base-images", ".github", "workflows");
    const file = readdirSync(workflow)[0];
    const text = readFileSync(path.join(workflow, file), "utf8");
    await env.server.push({ repo: "base-images", files: { [`.github/workflows/${file}`]: text.replace('node: ["18", "20"]', 'node: ["18", "22"]') } });
    const { scans } = await queue().drain();
    expect(scans).toEqual([expect.objectContaining({ scope: "repo:base-images", status: "succeeded" })]);
    expect((await db.finding.findUniqueOrThrow({ where: { id: collision.id } })).resolvedScanId).toBe(scans[0].scanId);
    expect(graphqlRepos(proxy)).toEqual(["base-images"]);
    const after = new Map((await db.finding.findMany({ select: { id: true, lastSeenScanId: true } })).map((f) => [f.id, f.lastSeenScanId]));
    for (const f of others) expect(after.get(f.id)).toBe(f.lastSeenScanId);
  }, 60_000);
});

describe("refused and repeated deliveries", () => {
  it("a bad or missing signature gets 401 and stores, queues and scans nothing", async () => {
    const scans = await db.scan.count();
    const wrong = await env.server.deliverWebhook({ event: "push", repo: "web" }, { url: hook.url, secret: "not-the-secret" });
    expect(wrong.status).toBe(401);
    const unsigned = await env.server.deliverWebhook({ event: "push", repo: "web" }, { url: hook.url });
    expect(unsigned.status).toBe(401);
    // a correct signature of another body: the body was changed on the way
    const fx = loadFixture(env.fixture);
    const body = JSON.stringify(buildWebhook(env.server.url, fx, { event: "push", repo: "web" }).payload);
    const res = await fetch(hook.url, {
      method: "POST", body: body.replace('"web"', '"api"'),
      headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": "tampered-1", "x-hub-signature-256": signature256(SECRET, body) },
    });
    expect(res.status).toBe(401);
    expect((await res.json()).error).toMatch(/does not match/);
    expect(await queue().drain()).toEqual({ scans: [] });
    expect(await db.webhookDelivery.count()).toBe(0);
    expect(await db.scan.count()).toBe(scans);
  });

  it("the same X-GitHub-Delivery twice: the second is answered as a duplicate and one scan runs", async () => {
    const fx = loadFixture(env.fixture);
    const body = JSON.stringify(buildWebhook(env.server.url, fx, { event: "push", repo: "api" }).payload);
    const send = () => fetch(hook.url, {
      method: "POST", body,
      headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": "7d3e0a40-0000-4000-8000-000000000001", "x-hub-signature-256": signature256(SECRET, body) },
    });
    const first = await send();
    expect(first.status).toBe(202);
    const again = await send();
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ duplicate: true, delivery: "7d3e0a40-0000-4000-8000-000000000001" });
    const { scans } = await queue().drain();
    expect(scans.map((s) => s.scope)).toEqual(["repo:api"]);
    expect(await db.webhookDelivery.count()).toBe(1);
    expect(await db.scan.count({ where: { trigger: "webhook" } })).toBe(1);
  });

  it("without GITHUB_WEBHOOK_SECRET the route says webhooks are off and stores nothing", async () => {
    delete process.env.GITHUB_WEBHOOK_SECRET;
    try {
      const d = await env.server.deliverWebhook({ event: "push", repo: "web" });
      expect(d.status).toBe(503);
      expect(await db.webhookDelivery.count()).toBe(0);
    } finally {
      process.env.GITHUB_WEBHOOK_SECRET = SECRET;
    }
  });

  it("ping is answered 200; pushes that change nothing a scan reads, other branches and workflow runs are stored as ignored, with the reason", async () => {
    expect((await env.server.deliverWebhook({ event: "ping" })).status).toBe(200);
    const readme = await env.server.push({ repo: "web", files: { "README.md": "# web\n" } });
    expect(readme.delivery.status).toBe(200);
    const branch = await env.server.deliverWebhook({ event: "push", repo: "web", push: { ref: "refs/heads/dev", before: "1".repeat(40), after: "2".repeat(40), added: [], modified: [".github/workflows/docker.yml"], removed: [] } });
    expect(branch.status).toBe(200);
    expect((await env.server.deliverWebhook({ event: "workflow_run", repo: "api" })).status).toBe(200);
    const rows = await db.webhookDelivery.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.event, r.status])).toEqual([["ping", "applied"], ["push", "ignored"], ["push", "ignored"], ["workflow_run", "ignored"]]);
    expect(rows[1].message).toMatch(/changed no file a scan reads .*README\.md/);
    expect(rows[2].message).toMatch(/refs\/heads\/dev, not the default branch main/);
    expect(rows[3].message).toMatch(/workflow_run\.completed events do not change what a scan reads/);
    expect(await queue().drain()).toEqual({ scans: [] });
  });
});

describe("the one-scan-per-org lock", () => {
  it("a push during a running full scan is applied after it", async () => {
    const full = await startScan(db, { config: config(), trigger: "manual" });
    await env.server.push({ repo: "web", files: { ".github/workflows/docker.yml": BAD_WORKFLOW } });
    const lines: string[] = [];
    const { scans } = await createWebhookQueue({ db, scanConfig: config, pollMs: 0, retryMs: 50, log: (l) => lines.push(l) }).drain();
    expect(lines[0]).toBe(`[webhooks] waiting for scan #${full.scanId} of acme to finish`);
    expect(scans).toHaveLength(1);
    const [fullRow, hookRow] = await Promise.all([db.scan.findUniqueOrThrow({ where: { id: full.scanId } }), db.scan.findUniqueOrThrow({ where: { id: scans[0].scanId } })]);
    expect(hookRow.scope).toBe("repo:web");
    expect(hookRow.id).toBeGreaterThan(fullRow.id);
    expect(fullRow.finishedAt).not.toBeNull();
    expect(hookRow.startedAt.getTime()).toBeGreaterThanOrEqual(fullRow.finishedAt!.getTime());
    expect(await db.finding.count({ where: { repo: { name: "web" }, resolvedScanId: null } })).toBe(1);
  }, 60_000);

  it("deliveries still queued when the process stopped are applied by the next process's queue, pushes to one repository coalesced", async () => {
    // no queue runs: the route only stores
    await env.server.push({ repo: "web", files: { ".github/workflows/docker.yml": BAD_WORKFLOW } });
    await env.server.push({ repo: "web", files: { "docker-compose.yml": "services: {}\n" } });
    expect(await db.webhookDelivery.count({ where: { status: "queued" } })).toBe(2);
    const restarted = startWebhookQueue({ db, scanConfig: config, pollMs: 0, retryMs: 50, log: () => undefined });
    await eventually(async () => (await db.webhookDelivery.count({ where: { status: "queued" } })) === 0, "the queued deliveries are applied");
    await restarted.drain();
    const rows = await db.webhookDelivery.findMany();
    expect(new Set(rows.map((r) => r.scanId)).size).toBe(1);
    expect(rows.every((r) => r.status === "applied")).toBe(true);
  }, 60_000);
});

describe("packages and the repository list", () => {
  it("a package event re-reads only that package and reruns the registry rule on it", async () => {
    const before = await db.finding.findFirstOrThrow({ where: { ruleId: "registry-tag-holds-cache", ref: "ghcr.io/acme/api:test", resolvedScanId: null } });
    const others = await db.finding.findMany({ where: { resolvedScanId: null, NOT: { ref: { startsWith: "ghcr.io/acme/api:" } } }, select: { id: true, lastSeenScanId: true } });
    // api:test now holds the image (the release index), as after a fixed workflow pushed it again
    const tags = path.join(env.fixture, "packages", "api", "tags");
    cpSync(path.join(tags, "latest.json"), path.join(tags, "test.json"));
    env.server.resetStats();
    expect((await env.server.deliverWebhook({ event: "package", package: "api", tag: "test" })).status).toBe(202);
    const { scans } = await queue().drain();
    expect(scans).toEqual([expect.objectContaining({ scope: "package:api", status: "succeeded" })]);
    expect((await db.finding.findUniqueOrThrow({ where: { id: before.id } })).resolvedScanId).toBe(scans[0].scanId);
    const tag = await db.packageTag.findFirstOrThrow({ where: { tag: "test", package: { name: "api" } } });
    expect(tag.kind).not.toMatch(/cache/);
    // one package read: its lookup and its registry reads, no package list, no other package, no repository
    const byRoute = env.server.stats().byRoute;
    expect(byRoute["GET /orgs/:org/packages/:type/:name"]).toBe(1);
    expect(byRoute["GET /orgs/:org/packages"] ?? 0).toBe(0);
    const registry = proxy.exchanges.filter((x) => x.url.startsWith("/v2/") || x.url.startsWith("/token"));
    expect(registry.filter((x) => x.url.includes("/tags/list")).length).toBeGreaterThan(0);
    for (const x of registry) expect(decodeURIComponent(x.url), x.url).toMatch(/^\/v2\/(acme\/api\/|$)|^\/token\?.*repository:acme\/api:pull/);
    expect(graphqlRepos(proxy)).toEqual([]);
    const after = new Map((await db.finding.findMany({ select: { id: true, lastSeenScanId: true } })).map((f) => [f.id, f.lastSeenScanId]));
    for (const f of others) expect(after.get(f.id)).toBe(f.lastSeenScanId);
  }, 60_000);

  it("a rename keeps the repository's findings under the new name, and the next full scan keeps them too", async () => {
    const kept = await db.finding.findMany({ where: { repo: { name: "billing" }, resolvedScanId: null } });
    expect(kept.length).toBeGreaterThan(0);
    expect((await env.server.changeRepo({ repo: "billing", action: "renamed", to: "invoicing" })).status).toBe(202);
    const { scans } = await queue().drain();
    expect(scans).toEqual([expect.objectContaining({ scope: "repos", status: "succeeded" })]);
    expect(await db.repo.findFirst({ where: { name: "billing" } })).toBeNull();
    const rows = await db.finding.findMany({ where: { id: { in: kept.map((f) => f.id) } }, include: { repo: true } });
    expect(rows.map((f) => [f.repo?.name, f.resolvedScanId, f.firstSeenScanId])).toEqual(kept.map((f) => ["invoicing", null, f.firstSeenScanId]));
    // a full scan reads the repository under its new name: the same findings, not resolved and new again
    const full = await runScan(db, { config: config(), trigger: "cli" });
    expect(full.status).toBe("succeeded");
    const again = await db.finding.findMany({ where: { id: { in: kept.map((f) => f.id) } } });
    // seen by the full scan (it reports them) and still open; unchanged rows are not rewritten
    const seen = new Set([...full.findings, ...full.suppressed].map((f) => f.fingerprint));
    expect(again.every((f) => f.resolvedScanId === null && seen.has(f.fingerprint))).toBe(true);
    expect(full.newCount).toBe(0);
  }, 60_000);

  it("a deleted repository's findings resolve as a full scan resolves a gone repository's; the others stay", async () => {
    const gone = await db.finding.findMany({ where: { repo: { name: "worker" }, resolvedScanId: null } });
    expect(gone.length).toBeGreaterThan(0);
    const open = await db.finding.count({ where: { resolvedScanId: null } });
    await env.server.changeRepo({ repo: "worker", action: "deleted" });
    const { scans } = await queue().drain();
    const scan = await db.scan.findUniqueOrThrow({ where: { id: scans[0].scanId } });
    expect(scan).toMatchObject({ scope: "repos", status: "succeeded", resolvedCount: gone.length });
    expect(await db.finding.count({ where: { id: { in: gone.map((f) => f.id) }, resolvedScanId: scan.id } })).toBe(gone.length);
    expect(await db.finding.count({ where: { resolvedScanId: null } })).toBe(open - gone.length);
    expect((await db.repo.findFirstOrThrow({ where: { name: "worker" } })).goneScanId).toBe(scan.id);
  }, 60_000);

  it("a repository created (or added to the App installation) is read and scanned", async () => {
    cpSync(path.join(env.fixture, "repos", "api"), path.join(env.fixture, "repos", "api-v2"), { recursive: true });
    expect((await env.server.deliverWebhook({ event: "installation_repositories", action: "added", repo: "api-v2" })).status).toBe(202);
    const { scans } = await queue().drain();
    expect(scans).toEqual([expect.objectContaining({ scope: "repos", status: "succeeded" })]);
    expect(await db.finding.count({ where: { repo: { name: "api-v2" }, resolvedScanId: null } })).toBeGreaterThan(0);
    rmSync(path.join(env.fixture, "repos", "api-v2"), { recursive: true, force: true });
  }, 60_000);
});

describe("deciding what a delivery asks for", () => {
  it("knows the files a scan reads", () => {
    for (const p of [".github/workflows/ci.yml", "docker-build/action.yml", "Makefile", "ci/build.mk", "docker-bake.hcl", "ci/docker-bake.json", "compose.yaml", "docker-compose.prod.yml", "scripts/build.sh", ".github/cacheguard.yml"]) {
      expect(isBuildPath(p), p).toBe(true);
    }
    for (const p of ["README.md", "src/index.ts", "docs/compose.md", "Dockerfile.md"]) expect(isBuildPath(p), p).toBe(false);
    // a script the last scan read, whatever its name
    expect(isBuildPath("ci/release", new Set(["ci/release"]))).toBe(true);
  });

  it("a push that lists no commits (a force push) reads the repository; a container package published or updated reads it; another org's event is ignored", async () => {
    const repository = { name: "api", default_branch: "main", owner: { login: "acme" } };
    expect(await planDelivery("push", { ref: "refs/heads/main", after: "a".repeat(40), forced: true, commits: [], repository }, { org: "acme" })).toMatchObject({ status: "queued", work: [{ kind: "repo", repo: "api" }] });
    expect(await planDelivery("registry_package", { action: "updated", registry_package: { name: "api", package_type: "CONTAINER" } }, { org: "acme" })).toMatchObject({ status: "queued", work: [{ kind: "package", package: "api" }] });
    expect(await planDelivery("package", { action: "published", package: { name: "lib", package_type: "npm" } }, { org: "acme" })).toMatchObject({ status: "ignored", reason: expect.stringMatching(/only container packages/) });
    expect(await planDelivery("push", { ref: "refs/heads/main", repository: { ...repository, owner: { login: "initech" } } }, { org: "acme" })).toMatchObject({ status: "ignored", reason: "about the organization initech, not acme" });
  });

  it("coalesces: list changes first, pushes under the names they lead to, one scan per repository and package", () => {
    const w = (work: unknown[]) => JSON.stringify(work);
    const units = planUnits([
      { id: 1, work: w([{ kind: "repo", repo: "api" }]) },
      { id: 2, work: w([{ kind: "repo", repo: "api" }]) },
      { id: 3, work: w([{ kind: "renamed", from: "web", to: "site" }]) },
      { id: 4, work: w([{ kind: "repo", repo: "web" }]) },
      { id: 5, work: w([{ kind: "package", package: "api" }]) },
      { id: 6, work: w([{ kind: "gone", repo: "worker", reason: "deleted" }]) },
      { id: 7, work: w([{ kind: "repo", repo: "worker" }]) },
    ]);
    expect(units.map((u) => [u.scope.label, u.deliveries])).toEqual([["repos", [3, 6, 4, 7]], ["repo:api", [1, 2]], ["package:api", [5]]]);
  });
});
