import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFixture } from "@/lib/demo/fake-github/fixture";
import { startFakeGitHub, type FakeGitHub } from "@/lib/demo/fake-github/server";

// Branches, tags and commit shas in `Repository.object(expression:)`, `ref(qualifiedName:)` and REST `?ref=`.
const AUTH = { authorization: "bearer demo-token" };
const ACTION = "name: docker-build\nruns:\n  using: composite\n  steps: []\n";
let root: string;
let gh: FakeGitHub;

function write(rel: string, content: string) {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), content);
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), "fake-github-refs-"));
  write("org.json", JSON.stringify({ login: "acme" }));
  write("repos/ci-actions.json", JSON.stringify({ default_branch: "trunk", tags: ["v1", "v1.2.0"], branches: ["dev", "release/1.x"] }));
  write("repos/ci-actions/docker-build/action.yml", ACTION);
  write("repos/ci-actions/README.md", "# actions\n");
  write("repos/plain/docker-bake.hcl", "group \"default\" {}\n");
  gh = await startFakeGitHub({ fixture: root });
});
afterAll(async () => {
  await gh.close();
  rmSync(root, { recursive: true, force: true });
});

type Body = { data?: Record<string, any> | null; errors?: Array<Record<string, unknown>> };
async function gql(query: string, variables?: Record<string, unknown>): Promise<Body> {
  const res = await fetch(`${gh.url}/graphql`, { method: "POST", headers: { ...AUTH, "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  expect(res.status).toBe(200);
  return (await res.json()) as Body;
}

async function headOid(repo: string): Promise<string> {
  const body = await gql(`query($n: String!) { repository(owner: "acme", name: $n) { defaultBranchRef { name target { oid } } } }`, { n: repo });
  return body.data!.repository.defaultBranchRef.target.oid;
}

/** object(expression:) for each expression, aliased e0, e1, … in one query. */
async function objects(repo: string, expressions: string[]) {
  const fields = expressions.map((_, i) => `e${i}: object(expression: $x${i}) { __typename oid ... on Blob { text byteSize isBinary isTruncated } ... on Tree { entries { name path type oid object { __typename oid } } } }`);
  const decl = expressions.map((_, i) => `$x${i}: String!`).join(", ");
  const vars = Object.fromEntries(expressions.map((e, i) => [`x${i}`, e]));
  const body = await gql(`query($n: String!, ${decl}) { repository(owner: "acme", name: $n) { ${fields.join(" ")} } }`, { n: repo, ...vars });
  expect(body.errors).toBeUndefined();
  return expressions.map((_, i) => body.data!.repository[`e${i}`]);
}

describe("Repository.object(expression:) at a ref", () => {
  it("reads REF:path at HEAD, the default branch, every declared branch and tag, and the head commit's sha", async () => {
    const oid = await headOid("ci-actions");
    const refs = ["HEAD", "trunk", "refs/heads/trunk", "dev", "release/1.x", "v1", "v1.2.0", "refs/tags/v1", oid, oid.slice(0, 7)];
    const got = await objects("ci-actions", refs.map((r) => `${r}:docker-build/action.yml`));
    for (const blob of got) expect(blob).toEqual({ __typename: "Blob", oid: got[0].oid, text: ACTION, byteSize: ACTION.length, isBinary: false, isTruncated: false });
  });

  it("answers REF: with the root tree, whose entries carry GitHub's fields", async () => {
    const oid = await headOid("ci-actions");
    const [head, tag, sha] = await objects("ci-actions", ["HEAD:", "v1:", `${oid}:`]);
    expect(head.__typename).toBe("Tree");
    expect(head.entries.map((e: { name: string; type: string }) => `${e.type}:${e.name}`)).toEqual(["blob:README.md", "tree:docker-build"]);
    expect(head.entries[1]).toMatchObject({ path: "docker-build", oid: expect.stringMatching(/^[0-9a-f]{40}$/), object: { __typename: "Tree" } });
    expect(tag).toEqual(head);
    expect(sha).toEqual(head);
    const [sub] = await objects("ci-actions", ["v1.2.0:docker-build"]);
    expect(sub.entries).toEqual([{ name: "action.yml", path: "docker-build/action.yml", type: "blob", oid: expect.any(String), object: { __typename: "Blob", oid: expect.any(String) } }]);
  });

  it("answers null, without an error, for an unknown ref, path, or revision syntax it does not model", async () => {
    const oid = await headOid("ci-actions");
    const other = await headOid("plain");
    const got = await objects("ci-actions", [
      "v9:docker-build/action.yml", "main:docker-build/action.yml", "refs/heads/v1:docker-build/action.yml", "refs/tags/dev:docker-build/action.yml",
      "v1:docker-build/nope.yml", "v1:nope/", `${"0".repeat(40)}:README.md`, `${other}:docker-bake.hcl`, "HEAD~1:README.md", ":README.md",
    ]);
    expect(got).toEqual(got.map(() => null));
    // the other repo's commit is readable in its own repository
    expect((await objects("plain", [`${other}:docker-bake.hcl`]))[0].text).toContain("group");
    expect(oid).not.toBe(other);
  });
});

describe("Repository.ref(qualifiedName:)", () => {
  it("finds branches and tags by full or short name, all pointing at the head commit", async () => {
    const oid = await headOid("ci-actions");
    const body = await gql(`{ repository(owner: "acme", name: "ci-actions") {
      a: ref(qualifiedName: "refs/tags/v1.2.0") { name prefix target { oid } }
      b: ref(qualifiedName: "dev") { name prefix target { oid } }
      c: ref(qualifiedName: "v1") { name prefix }
      d: ref(qualifiedName: "refs/heads/v1") { name }
      e: ref(qualifiedName: "v2") { name }
      f: defaultBranchRef { name prefix }
    } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data!.repository).toEqual({
      a: { name: "v1.2.0", prefix: "refs/tags/", target: { oid } },
      b: { name: "dev", prefix: "refs/heads/", target: { oid } },
      c: { name: "v1", prefix: "refs/tags/" },
      d: null,
      e: null,
      f: { name: "trunk", prefix: "refs/heads/" },
    });
  });
});

describe("REST at a ref", () => {
  it("serves contents and trees at a tag or branch, and 404 for an unknown ref", async () => {
    const get = (p: string) => fetch(`${gh.url}${p}`, { headers: AUTH });
    const file = await get("/repos/acme/ci-actions/contents/docker-build/action.yml?ref=v1");
    expect(file.status).toBe(200);
    expect(Buffer.from(((await file.json()) as { content: string }).content, "base64").toString("utf8")).toBe(ACTION);
    expect((await get("/repos/acme/ci-actions/contents/docker-build/action.yml?ref=release/1.x")).status).toBe(200);
    expect((await get("/repos/acme/ci-actions/contents/docker-build/action.yml?ref=v9")).status).toBe(404);
    const tree = await get("/repos/acme/ci-actions/git/trees/v1.2.0");
    expect(tree.status).toBe(200);
    expect(((await tree.json()) as { tree: Array<{ path: string }> }).tree.map((e) => e.path)).toEqual(["README.md", "docker-build"]);
    expect((await get("/repos/acme/ci-actions/git/trees/v9")).status).toBe(404);
  });
});

describe("repos/<repo>.json refs", () => {
  it("rejects a branch or tag that git would not accept as a ref name", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fake-github-badref-"));
    try {
      mkdirSync(path.join(dir, "repos/x"), { recursive: true });
      writeFileSync(path.join(dir, "org.json"), JSON.stringify({ login: "acme" }));
      writeFileSync(path.join(dir, "repos/x/a.txt"), "a\n");
      writeFileSync(path.join(dir, "repos/x.json"), JSON.stringify({ tags: ["v1", "v1:bad"] }));
      expect(() => loadFixture(dir)).toThrow(/x\.json: tags\.1 is not a valid git ref name/);
      writeFileSync(path.join(dir, "repos/x.json"), JSON.stringify({ tags: ["v1"], branches: ["feature/a"] }));
      expect(loadFixture(dir).repos.get("x")).toMatchObject({ branches: ["main", "feature/a"], tags: ["v1"] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
