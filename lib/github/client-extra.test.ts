import { generateKeyPairSync } from "node:crypto";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeGitHub } from "@/lib/demo/fake-github/server";
import { createGitHub, newStats } from "./client";
import { RateLimitError } from "./errors";
import { fetchWorkflowFiles } from "./files";
import { listOrgRepos, listOrgReposReport } from "./repos";
import { json, startTestServer } from "./test-http";

let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

describe("GitHub App installation auth", () => {
  it("exchanges the app JWT for an installation token once and uses it", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    const s = await startTestServer((req, res) => {
      if (req.method === "POST" && req.url === "/app/installations/42/access_tokens") {
        return json(res, 201, { token: "ghs_installationTokenABCDEF123456", expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: { contents: "read" }, repository_selection: "all" });
      }
      if (req.headers.authorization !== "token ghs_installationTokenABCDEF123456") return json(res, 401, { message: "Bad credentials" });
      return json(res, 200, []);
    });
    closers.push(s.close);
    const stats = newStats();
    const gh = createGitHub({ apiUrl: s.url, app: { appId: "123", privateKey, installationId: 42 }, warn: () => {} }, stats);
    await gh.octokit.request("GET /orgs/{org}/packages", { org: "acme", package_type: "container" });
    await gh.octokit.request("GET /orgs/{org}/packages", { org: "acme", package_type: "container" });
    expect(s.requests[0].headers.authorization).toMatch(/^bearer /i); // the app JWT
    expect(s.requests.filter((r) => r.url.includes("access_tokens"))).toHaveLength(1); // token cached
    expect(stats.rest).toBe(3);
  });
});

describe("GraphQL rate limit against the fake server", () => {
  it("gives up on a RATE_LIMITED answer whose reset is far away, with a RateLimitError", async () => {
    const fake = await startFakeGitHub({ fixture: path.resolve("lib/demo/fixture"), port: 0, rateLimit: 1 });
    closers.push(fake.close);
    const gh = createGitHub({ apiUrl: fake.url, token: "demo-token", maxRateLimitWaitMs: 2000, warn: () => {} });
    await listOrgRepos(gh, "acme");
    const err = await fetchWorkflowFiles(gh, "acme", [{ name: "api" }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as Error).message).toMatch(/rate limit hit; the wait would be \d+ min \(over the 2 s limit\)/);
  });
});

describe("the demo org", () => {
  it("costs one GraphQL request to list and one per 25 repositories to read every workflow", async () => {
    const fake = await startFakeGitHub({ fixture: path.resolve("lib/demo/fixture"), port: 0 });
    closers.push(fake.close);
    const stats = newStats();
    const gh = createGitHub({ apiUrl: fake.url, token: "demo-token" }, stats);
    const { repos, skipped } = await listOrgReposReport(gh, "acme");
    expect(repos.length).toBeGreaterThan(3);
    expect(repos.length).toBeLessThanOrEqual(100); // one page of the listing
    const files = await fetchWorkflowFiles(gh, "acme", repos);
    const expected = 1 + Math.ceil(repos.length / 25);
    expect(stats.graphql).toBe(expected);
    expect(fake.stats().graphql).toBe(expected);
    const withWorkflows = [...files.values()].filter((f) => f.files.length > 0);
    expect(withWorkflows.length).toBeGreaterThan(3);
    for (const [, f] of files) expect(f.error).toBeUndefined();
    expect(skipped.archived + skipped.forks + skipped.empty).toBeGreaterThanOrEqual(0);
  });
});

describe("a GraphQL answer cut short", () => {
  it("is asked for again, so the workflows still arrive and no repo is reported as failed", async () => {
    let served = 0;
    const s = await startTestServer((req, res) => {
      served++;
      const body = JSON.stringify({ data: { r0: { object: { entries: [] }, root: { entries: [] } } } });
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      // the first answer loses its second half on the way, as a dropped connection would
      res.end(served === 1 ? body.slice(0, body.length / 2) : body);
    });
    closers.push(s.close);
    const stats = newStats();
    const gh = createGitHub({ apiUrl: s.url, token: "t0k3n-for-test", retryBaseMs: 1, warn: () => {} }, stats);
    const files = await fetchWorkflowFiles(gh, "acme", [{ name: "api" }]);
    expect(files.get("api")?.error).toBeUndefined();
    expect(stats.graphql).toBe(2);
  });

  it("reports a repeatedly broken answer as a network failure of that repo, not as an empty repo", async () => {
    const s = await startTestServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"data": {"r0": {"obj');
    });
    closers.push(s.close);
    const gh = createGitHub({ apiUrl: s.url, token: "t0k3n-for-test", retryBaseMs: 1, warn: () => {} });
    const files = await fetchWorkflowFiles(gh, "acme", [{ name: "api" }]);
    expect(files.get("api")?.error).toMatch(/incomplete GraphQL answer/);
  });
});
