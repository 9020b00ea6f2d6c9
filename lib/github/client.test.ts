import { afterEach, describe, expect, it } from "vitest";
import { createGitHub, graphqlUrlFor, newStats } from "./client";
import { RateLimitError } from "./errors";
import { listContainerPackages } from "./packages";
import { listOrgRepos } from "./repos";
import { json, startTestServer, type Handler } from "./test-http";

const TOKEN = "ghp_clientTestSecret0123456789abcdef";
let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});
async function serve(h: Handler) {
  const s = await startTestServer(h);
  closers.push(s.close);
  return s;
}
const quiet = { warn: () => {} };

describe("graphqlUrlFor", () => {
  it("maps github.com, GHES and other bases", () => {
    expect(graphqlUrlFor("https://api.github.com")).toBe("https://api.github.com/graphql");
    expect(graphqlUrlFor("https://ghe.example.com/api/v3")).toBe("https://ghe.example.com/api/graphql");
    expect(graphqlUrlFor("http://127.0.0.1:4000/")).toBe("http://127.0.0.1:4000/graphql");
  });
});

describe("createGitHub", () => {
  it("counts REST and GraphQL requests and sends the token", async () => {
    const s = await serve((req, res) => {
      if (req.url === "/graphql") return json(res, 200, { data: { viewer: { login: "octocat" } } });
      return json(res, 200, { login: "octocat" });
    });
    const stats = newStats();
    const gh = createGitHub({ apiUrl: s.url, token: TOKEN, ...quiet }, stats);
    await gh.octokit.request("GET /user");
    await gh.octokit.request("GET /user");
    expect(await gh.graphql<{ viewer: { login: string } }>("{ viewer { login } }")).toEqual({ viewer: { login: "octocat" } });
    expect(stats).toMatchObject({ rest: 2, graphql: 1, registry: 0 });
    expect(s.requests[0].headers.authorization).toBe(`token ${TOKEN}`);
  });

  it("never retries a 404 and names the missing organization", async () => {
    const s = await serve((_req, res) => json(res, 404, { message: "Not Found" }));
    const stats = newStats();
    const gh = createGitHub({ apiUrl: s.url, token: TOKEN, retryBaseMs: 1, ...quiet }, stats);
    const err = (await listContainerPackages(gh, "nope").catch((e: unknown) => e)) as Error;
    expect(err.message).toBe("Organization 'nope' not found or not visible to this token");
    expect(s.requests).toHaveLength(1);
    expect(stats.rest).toBe(1);
  });

  it("retries 5xx with backoff", async () => {
    let n = 0;
    const s = await serve((_req, res) => (n++ < 2 ? json(res, 502, { message: "Bad Gateway" }) : json(res, 200, [])));
    const gh = createGitHub({ apiUrl: s.url, token: TOKEN, retryBaseMs: 1, ...quiet });
    expect(await listContainerPackages(gh, "acme")).toEqual([]);
    expect(s.requests).toHaveLength(3);
  });

  it("honours retry-after on a secondary rate limit, then succeeds", async () => {
    let n = 0;
    const s = await serve((_req, res) =>
      n++ === 0
        ? json(res, 403, { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." }, { "retry-after": "1" })
        : json(res, 200, []),
    );
    const stats = newStats();
    const gh = createGitHub({ apiUrl: s.url, token: TOKEN, ...quiet }, stats);
    const t0 = Date.now();
    await listContainerPackages(gh, "acme");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(s.requests).toHaveLength(2);
    expect(stats.rateLimitWaits).toBe(1);
  });

  it("gives up with a RateLimitError saying how long the wait would be", async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    const s = await serve((_req, res) =>
      json(res, 403, { message: "API rate limit exceeded for user ID 1." }, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) }),
    );
    const gh = createGitHub({ apiUrl: s.url, token: TOKEN, maxRateLimitWaitMs: 5000, ...quiet });
    const t0 = Date.now();
    const err = await listContainerPackages(gh, "acme").catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).message).toMatch(/wait would be (59|60|61) min \(over the 5 s limit\)/);
    expect((err as RateLimitError).waitMs).toBeGreaterThan(3_500_000);
    expect(s.requests).toHaveLength(1);
  });

  it("says the token was rejected on 401, without the token", async () => {
    const s = await serve((_req, res) => json(res, 401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" }));
    const gh = createGitHub({ apiUrl: s.url, token: TOKEN, ...quiet });
    const err = (await listOrgRepos(gh, "acme").catch((e: unknown) => e)) as Error;
    expect(err.message).toContain("GitHub rejected the token (401 Bad credentials)");
    expect(err.message).not.toContain(TOKEN);
    expect(s.requests).toHaveLength(1);
  });

  it("names the missing scope on 403", async () => {
    const s = await serve((_req, res) =>
      json(res, 403, { message: "You need at least read:packages scope to list packages." }, { "x-accepted-oauth-scopes": "read:packages", "x-oauth-scopes": "repo, read:org" }),
    );
    const gh = createGitHub({ apiUrl: s.url, token: TOKEN, ...quiet });
    const err = (await listContainerPackages(gh, "acme").catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/lacks the 'read:packages' scope/);
    expect(s.requests).toHaveLength(1);
  });

  it("names the missing scope from a GraphQL INSUFFICIENT_SCOPES error", async () => {
    const s = await serve((_req, res) =>
      json(res, 200, {
        data: null,
        errors: [{ type: "INSUFFICIENT_SCOPES", message: "Your token has not been granted the required scopes to execute this query. The 'repositories' field requires one of the following scopes: ['read:org'], but your token has only been granted the: ['repo'] scopes." }],
      }),
    );
    const gh = createGitHub({ apiUrl: s.url, token: TOKEN, ...quiet });
    await expect(listOrgRepos(gh, "acme")).rejects.toThrow(/missing a required scope \(needs read:org\)/);
  });

  it("reports an unknown organization from GraphQL NOT_FOUND", async () => {
    const s = await serve((_req, res) =>
      json(res, 200, { data: { organization: null }, errors: [{ type: "NOT_FOUND", path: ["organization"], message: "Could not resolve to an Organization with the login of 'ghost'." }] }),
    );
    const gh = createGitHub({ apiUrl: s.url, token: TOKEN, ...quiet });
    await expect(listOrgRepos(gh, "ghost")).rejects.toThrow("Organization 'ghost' not found or not visible to this token");
  });

  it("keeps the token out of errors and warnings even when the server echoes it", async () => {
    const warnings: string[] = [];
    const s = await serve((req, res) => json(res, 500, { message: `internal error for ${req.headers.authorization}` }));
    const gh = createGitHub({ apiUrl: s.url, token: TOKEN, retryBaseMs: 1, warn: (m) => warnings.push(m) });
    const err = (await listContainerPackages(gh, "acme").catch((e: unknown) => e)) as Error;
    expect(err.message).toContain("server error (500)");
    expect(err.message).not.toContain(TOKEN);
    expect(warnings.join("\n")).not.toContain(TOKEN);
  });

  it("never has more requests in flight than maxConcurrency", async () => {
    let inFlight = 0;
    let peak = 0;
    const s = await serve(async (_req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      json(res, 200, { ok: true });
    });
    const gh = createGitHub({ apiUrl: s.url, token: TOKEN, maxConcurrency: 2, ...quiet });
    await Promise.all(Array.from({ length: 8 }, () => gh.octokit.request("GET /x")));
    expect(peak).toBe(2);
    expect(gh.stats.rest).toBe(8);
  });
});
