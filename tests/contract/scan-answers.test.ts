/**
 * A real scan of the demo org, recorded on the wire, held against GitHub's published descriptions:
 * every GraphQL document it sent is valid against the published schema and every answer is one that
 * schema can produce for it; every REST answer fits its operation's response schema, status and
 * headers. (The registry side, `/v2/…` and `/token`, is judged against a real registry elsewhere.)
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGitHub, startFakeGitHub } from "@/lib/demo/fake-github/server";
import { createDb, type Db } from "@/lib/server/db";
import { runScan, type ScanSummary } from "@/lib/server/scan";
import { DEMO_FIXTURE, freshDbUrl, hubRegistries } from "../scan-helpers";
import { publishedGraphQLSchema } from "./descriptions";
import { answerProblems, type GraphQLAnswer } from "./graphql-answer";
import { docId, documentProblems } from "./graphql-judge";
import { type Exchange, recordingProxy, type RecordingProxy } from "./recording-proxy";
import { answerId, apiPath, judgeRest } from "./rest-judge";
import { tally } from "./tally";

let dir = "";
let fake: FakeGitHub;
let proxy: RecordingProxy;
let db: Db;
const scans: ScanSummary[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "cg-contract-scan-"));
  const fixture = path.join(dir, "fixture");
  cpSync(DEMO_FIXTURE, fixture, { recursive: true });
  // small pages, so the package list is read through GitHub's Link pagination
  fake = await startFakeGitHub({ fixture, port: 0, reload: "manual", maxPerPage: 4 });
  proxy = await recordingProxy(fake.url);
  db = createDb(await freshDbUrl(dir));
  // docker.io is the fake's Docker Hub (not a GitHub route: its answers are judged in registry-other-real.test.ts)
  const config = { org: "acme", apiUrl: proxy.url, registryUrl: proxy.url, token: "demo-token", registries: hubRegistries(fake) };
  scans.push(await runScan(db, { config, trigger: "manual" }));
  // archived repos and forks too, read warm: the rescan's documents and answers are judged as well
  scans.push(await runScan(db, { config: { ...config, includeArchived: true, includeForks: true }, trigger: "manual" }));
}, 180_000);

afterAll(async () => {
  await db?.$disconnect();
  await proxy?.close();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

const isGraphQL = (e: Exchange) => e.method === "POST" && /\/graphql$/.test(apiPath(e.url));
const isRegistry = (e: Exchange) => /^\/(v2\/|v2$|token$)/.test(apiPath(e.url));

describe("a recorded scan of the demo org", () => {
  it("scanned the whole org, through GraphQL, REST pages and the registry", () => {
    for (const s of scans) expect(s.status, JSON.stringify(s.repoErrors)).toBe("succeeded");
    expect(proxy.exchanges.filter(isGraphQL).length).toBeGreaterThan(3);
    // the package list took several pages (4 a page), followed by Link
    expect(proxy.exchanges.filter((e) => /\/orgs\/acme\/packages\?/.test(e.url)).length).toBeGreaterThan(3);
  });

  it("every GraphQL document it sent is valid against GitHub's published schema", () => {
    const schema = publishedGraphQLSchema();
    for (const e of proxy.exchanges.filter(isGraphQL)) {
      const { query, variables } = JSON.parse(e.requestBody) as { query: string; variables?: Record<string, unknown> };
      expect(documentProblems(schema, query, variables ?? {}), query).toEqual([]);
      tally("GraphQL documents validated", docId(query));
    }
  });

  it("every GraphQL answer is a result the published schema can produce for its document", () => {
    const schema = publishedGraphQLSchema();
    const problems: string[] = [];
    for (const e of proxy.exchanges.filter(isGraphQL)) {
      const { query, variables, operationName } = JSON.parse(e.requestBody) as { query: string; variables?: Record<string, unknown>; operationName?: string };
      expect(e.status).toBe(200);
      expect(e.headers["content-type"]).toMatch(/^application\/json/);
      const found = answerProblems(schema, query, variables ?? {}, JSON.parse(e.body) as GraphQLAnswer, operationName);
      problems.push(...found.map((p) => `${docId(query)}: ${p}`));
      if (found.length === 0) tally("GraphQL answers validated", answerId(e));
      for (const h of ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-ratelimit-used"]) expect(e.headers[h], h).toMatch(/^\d+$/);
      expect(e.headers["x-ratelimit-resource"]).toBe("graphql");
    }
    expect(problems).toEqual([]);
  });

  it("a GraphQL answer with errors (a repository that does not exist, a bad cursor) is one GitHub's schema allows, errors in GitHub's form", async () => {
    const schema = publishedGraphQLSchema();
    const asks = [
      { query: "query($owner: String!, $n0: String!, $n1: String!) { r0: repository(owner: $owner, name: $n0) { name } r1: repository(owner: $owner, name: $n1) { name isPrivate } }", variables: { owner: "acme", n0: "api", n1: "no-such-repo" } },
      { query: "query($org: String!, $cursor: String) { organization(login: $org) { repositories(first: 100, after: $cursor) { totalCount } } }", variables: { org: "acme", cursor: "bm90IGEgY3Vyc29y" } },
    ];
    for (const ask of asks) {
      const res = await fetch(`${proxy.url}/graphql`, { method: "POST", headers: { authorization: "Bearer demo-token", "content-type": "application/json" }, body: JSON.stringify(ask) });
      const answer = (await res.json()) as GraphQLAnswer;
      expect(answer.errors?.length, JSON.stringify(answer)).toBeGreaterThan(0);
      expect(answerProblems(schema, ask.query, ask.variables, answer)).toEqual([]);
      for (const e of answer.errors ?? []) expect(typeof e.type).toBe("string");
      tally("GraphQL answers validated", answerId(proxy.exchanges.at(-1)!));
    }
  });

  it("every REST answer fits its operation's response schema, status, rate-limit headers and Link", () => {
    const rest = proxy.exchanges.filter((e) => !isGraphQL(e) && !isRegistry(e));
    expect(rest.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const e of rest) {
      const judged = judgeRest(e);
      problems.push(...judged.problems.map((p) => `${e.method} ${e.url}: ${p}`));
      if (judged.problems.length === 0) {
        tally("REST operations validated", judged.operation!.operationId);
        tally("REST answers validated", judged.id);
      }
    }
    expect(problems).toEqual([]);
  });
});
