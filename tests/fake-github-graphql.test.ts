import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "@/lib/demo/fake-github/server";

const DEMO = path.resolve(import.meta.dirname, "../lib/demo/fixture");
const AUTH = { authorization: "bearer demo-token" };
let fixture: string;
let gh: FakeGitHub;

beforeAll(async () => {
  fixture = mkdtempSync(path.join(tmpdir(), "fake-github-gql-"));
  cpSync(DEMO, fixture, { recursive: true });
  gh = await startFakeGitHub({ fixture });
});
afterAll(async () => {
  await gh.close();
  rmSync(fixture, { recursive: true, force: true });
});

type Body = { data?: Record<string, any> | null; errors?: Array<Record<string, unknown>> };
async function gql(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = AUTH): Promise<{ status: number; body: Body }> {
  const res = await fetch(`${gh.url}/graphql`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, body: (await res.json()) as Body };
}

const WORKFLOWS = /* GraphQL */ `
  fragment Wf on Repository {
    nameWithOwner
    defaultBranchRef { name target { oid } }
    workflows: object(expression: "HEAD:.github/workflows") {
      ... on Tree { entries { name path type mode object { ... on Blob { oid byteSize isBinary isTruncated text } } } }
    }
  }
  query Many($owner: String!) {
    api: repository(owner: $owner, name: "api") { ...Wf }
    docs: repository(owner: $owner, name: "docs-site") { ...Wf }
    handbook: repository(owner: $owner, name: "handbook") { ...Wf isArchived isFork isPrivate visibility }
  }
`;

describe("GraphQL", () => {
  it("answers an aliased multi-repo query with fragments and variables: tree entries and blob texts", async () => {
    const { status, body } = await gql(WORKFLOWS, { owner: "acme" });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const docs = body.data!.docs;
    expect(docs.nameWithOwner).toBe("acme/docs-site");
    expect(docs.workflows.entries.map((e: { path: string }) => e.path)).toEqual([".github/workflows/preview.yml", ".github/workflows/publish.yml"]);
    expect(docs.workflows.entries[0]).toMatchObject({ type: "blob", mode: 0o100644 });
    const ci = body.data!.api.workflows.entries[0].object;
    expect(ci.text).toBe(readFileSync(path.join(DEMO, "repos/api/.github/workflows/ci.yml"), "utf8"));
    expect(ci).toMatchObject({ isBinary: false, isTruncated: false });
    expect(body.data!.api.defaultBranchRef.target.oid).toMatch(/^[0-9a-f]{40}$/);
    expect(body.data!.handbook).toMatchObject({ isArchived: false, isFork: false, isPrivate: false, visibility: "PUBLIC" });
  });

  it("lists the org's repositories 100 a page with filters and cursors", async () => {
    const q = `query($after: String) { organization(login: "acme") { repositories(first: 4, after: $after, isFork: false, orderBy: {field: NAME, direction: ASC}) {
      totalCount pageInfo { hasNextPage endCursor } nodes { name isArchived isEmpty defaultBranchRef { target { oid } } } } } }`;
    const names: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (let i = 0; i < 10; i++) {
      const { body } = await gql(q, { after });
      const conn = body.data!.organization.repositories;
      total = conn.totalCount;
      names.push(...conn.nodes.map((n: { name: string }) => n.name));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(names).toHaveLength(total);
    expect(names).not.toContain("buildx-fork");
    expect(names).toEqual([...names].sort());
    const tooMany = await gql(`{ organization(login: "acme") { repositories(first: 101) { totalCount } } }`);
    expect(tooMany.body.errors![0]).toMatchObject({ type: "EXCESSIVE_PAGINATION" });
  });

  it("reports an unknown organization with GitHub's NOT_FOUND error shape", async () => {
    const { status, body } = await gql(`{ organization(login: "nope") { login } }`);
    expect(status).toBe(200);
    expect(body).toEqual({
      data: { organization: null },
      errors: [{ type: "NOT_FOUND", path: ["organization"], locations: [{ line: 1, column: 3 }], message: "Could not resolve to an Organization with the login of 'nope'." }],
    });
    const hidden = await gql(`{ repository(owner: "acme", name: "payments") { name } }`, undefined, { authorization: "bearer nope" });
    expect(hidden.status).toBe(401);
  });

  it("hides private repositories from tokens of non-members", async () => {
    writeFileSync(path.join(fixture, "tokens.json"), JSON.stringify({ "demo-token": { login: "octocat", scopes: ["repo", "read:org", "read:packages"], member: true }, outsider: { login: "mallory", scopes: ["repo"] } }));
    try {
      const outsider = { authorization: "bearer outsider" };
      const { body } = await gql(`{ repository(owner: "acme", name: "payments") { name } }`, undefined, outsider);
      expect(body.errors![0]).toMatchObject({ type: "NOT_FOUND", message: "Could not resolve to a Repository with the name 'acme/payments'." });
      const count = `{ organization(login: "acme") { repositories(first: 1) { totalCount } } }`;
      const seenByOutsider = (await gql(count, undefined, outsider)).body.data!.organization.repositories.totalCount;
      const seenByMember = (await gql(count)).body.data!.organization.repositories.totalCount;
      expect(seenByMember - seenByOutsider).toBe(1);
    } finally {
      rmSync(path.join(fixture, "tokens.json"));
    }
  });

  it("flags binary blobs and truncates text at 512,000 bytes like GitHub", async () => {
    const wf = path.join(fixture, "repos/handbook/.github/workflows");
    writeFileSync(path.join(wf, "huge.yml"), `# ${"x".repeat(600_000)}\n`);
    writeFileSync(path.join(wf, "binary.yml"), Buffer.from([0x6e, 0x61, 0x00, 0x01, 0x02]));
    try {
      const { body } = await gql(`{ repository(owner: "acme", name: "handbook") { object(expression: "HEAD:.github/workflows") { ... on Tree { entries { name object { ... on Blob { byteSize isBinary isTruncated text } } } } } } }`);
      const byName = Object.fromEntries(body.data!.repository.object.entries.map((e: { name: string; object: unknown }) => [e.name, e.object]));
      expect(byName["binary.yml"]).toEqual({ byteSize: 5, isBinary: true, isTruncated: false, text: null });
      expect(byName["huge.yml"].isTruncated).toBe(true);
      expect(byName["huge.yml"].text).toHaveLength(512_000);
      expect(byName["lint.yml"].isTruncated).toBe(false);
    } finally {
      rmSync(path.join(wf, "huge.yml"));
      rmSync(path.join(wf, "binary.yml"));
    }
  });

  it("changes a repo's head oid when one of its files changes, and only that repo's", async () => {
    const q = `{ a: repository(owner: "acme", name: "api") { defaultBranchRef { target { oid } } } w: repository(owner: "acme", name: "web") { defaultBranchRef { target { oid } } } }`;
    const oids = async () => {
      const { body } = await gql(q);
      return { api: body.data!.a.defaultBranchRef.target.oid as string, web: body.data!.w.defaultBranchRef.target.oid as string };
    };
    const before = await oids();
    expect(await oids()).toEqual(before);
    const file = path.join(fixture, "repos/api/.github/workflows/ci.yml");
    const original = readFileSync(file, "utf8");
    writeFileSync(file, original.replace("ghcr.io/acme/api:test,mode=max", "ghcr.io/acme/api:test-cache,mode=max"));
    try {
      const after = await oids();
      expect(after.api).not.toBe(before.api);
      expect(after.web).toBe(before.web);
      const { body } = await gql(`{ repository(owner: "acme", name: "api") { object(expression: "HEAD:.github/workflows/ci.yml") { ... on Blob { text } } } }`);
      expect(body.data!.repository.object.text).toContain("api:test-cache,mode=max");
    } finally {
      writeFileSync(file, original);
    }
    expect((await oids()).api).toBe(before.api);
  });

  it("counts requests by kind in /__stats and resets them", async () => {
    await fetch(`${gh.url}/__stats/reset`, { method: "POST" });
    await gql(`{ viewer { login } rateLimit { remaining cost } }`);
    await fetch(`${gh.url}/orgs/acme`, { headers: AUTH });
    await fetch(`${gh.url}/v2/`);
    const stats = await (await fetch(`${gh.url}/__stats`)).json();
    expect(stats).toMatchObject({ rest: 1, graphql: 1, registry: 1, byRoute: { "POST /graphql": 1, "GET /orgs/:org": 1, "GET /v2/": 1 } });
    await fetch(`${gh.url}/__stats/reset`, { method: "POST" });
    expect(gh.stats()).toMatchObject({ rest: 0, graphql: 0, registry: 0, byRoute: {} });
  });
});
