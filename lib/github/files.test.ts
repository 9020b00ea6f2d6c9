import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "@/lib/demo/fake-github/server";
import { createGitHub, newStats } from "./client";
import { fetchFilesByPath, fetchWorkflowFiles, filesKey, normalizeRepoPath } from "./files";
import { listOrgRepos } from "./repos";
import { json, startTestServer } from "./test-http";

let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

const blob = (text: string, more: Record<string, unknown> = {}) => ({ oid: "a".repeat(40), text, isBinary: false, isTruncated: false, byteSize: Buffer.byteLength(text), ...more });

/** A GraphQL endpoint that refuses queries with more than `maxAliases` repositories as too complex. */
async function complexityServer(maxAliases: number, opts: { hugeBlob?: boolean } = {}) {
  const seen: number[] = [];
  const s = await startTestServer((req, res) => {
    if (req.url !== "/graphql") return json(res, 404, { message: "Not Found" });
    const { query, variables } = JSON.parse(req.body) as { query: string; variables: Record<string, string> };
    const aliases = [...query.matchAll(/\b(r\d+): repository\(owner: \$owner, name: \$(n\d+)\)/g)];
    seen.push(aliases.length);
    if (aliases.length > maxAliases) {
      return json(res, 200, { errors: [{ message: `Query has complexity of ${aliases.length * 100}, which exceeds max complexity of ${maxAliases * 100}` }] });
    }
    const data: Record<string, unknown> = {};
    for (const [, alias, v] of aliases) {
      const name = variables[v];
      data[alias] = {
        object: {
          __typename: "Tree",
          entries: [
            { name: "ci.yml", path: ".github/workflows/ci.yml", type: "blob", oid: "a".repeat(40), object: blob(`# ${name}\n`) },
            ...(opts.hugeBlob ? [{ name: "big.yml", path: ".github/workflows/big.yml", type: "blob", oid: "b".repeat(40), object: blob("# trunc", { isTruncated: true, byteSize: 11 * 1024 * 1024 }) }] : []),
            { name: "sub", path: ".github/workflows/sub", type: "tree", oid: "c".repeat(40), object: {} },
          ],
        },
        root: { __typename: "Tree", entries: [{ name: ".github", type: "tree" }, { name: "docker-bake.hcl", type: "blob" }, { name: "vendor-lib", type: "commit" }] },
      };
    }
    json(res, 200, { data });
  });
  closers.push(s.close);
  return { ...s, seen };
}

describe("fetchWorkflowFiles batching", () => {
  it("halves a batch GitHub calls too complex until it fits, and loses no repository", async () => {
    const s = await complexityServer(7);
    const stats = newStats();
    const gh = createGitHub({ apiUrl: s.url, token: "t0ken-for-tests", warn: () => {} }, stats);
    const repos = Array.from({ length: 25 }, (_, i) => ({ name: `r-${i}` }));
    const got = await fetchWorkflowFiles(gh, "acme", repos, { batchSize: 25 });
    expect(got.size).toBe(25);
    for (const r of repos) {
      expect(got.get(r.name)).toEqual({
        files: [expect.objectContaining({ path: ".github/workflows/ci.yml", text: `# ${r.name}\n` })],
        // a submodule (type commit) is no file to read
        rootEntries: [{ name: ".github", type: "tree" }, { name: "docker-bake.hcl", type: "blob" }],
      });
    }
    // 25 -> 13+12 -> 7+6+6+6: seven requests, none retried blindly
    expect(s.seen).toEqual(expect.arrayContaining([25, 13, 12, 7, 6]));
    expect(s.seen.filter((n) => n <= 7).reduce((a, b) => a + b, 0)).toBe(25);
    expect(stats.graphql).toBe(s.seen.length);
  });

  it("reports a truncated blob over 10 MB instead of fetching it", async () => {
    const s = await complexityServer(50, { hugeBlob: true });
    const gh = createGitHub({ apiUrl: s.url, token: "t0ken-for-tests", warn: () => {} });
    const got = await fetchWorkflowFiles(gh, "acme", [{ name: "x" }]);
    const big = got.get("x")!.files.find((f) => f.path.endsWith("big.yml"))!;
    expect(big).toMatchObject({ text: null, truncated: true, binary: false });
    expect(big.error).toMatch(/11\.0 MB, over the 10 MB limit/);
    expect(big.permanent).toBe(true);
    expect(s.requests.filter((r) => r.url.includes("/git/blobs/"))).toHaveLength(0);
  });
});

/** A GraphQL endpoint answering with `answer(variables)`, and git/blobs by REST from `blobs` (404 otherwise). */
async function cannedServer(answer: (vars: Record<string, string>) => unknown, blobs: Record<string, Buffer> = {}) {
  const s = await startTestServer((req, res) => {
    const m = /\/git\/blobs\/([0-9a-f]+)$/.exec(req.url);
    if (m) return blobs[m[1]] ? json(res, 200, { sha: m[1], size: blobs[m[1]].length, content: blobs[m[1]].toString("base64"), encoding: "base64" }) : json(res, 404, { message: "Not Found" });
    json(res, 200, answer((JSON.parse(req.body) as { variables: Record<string, string> }).variables));
  });
  closers.push(s.close);
  return { ...s, gh: createGitHub({ apiUrl: s.url, token: "t0ken-for-tests", retryBaseMs: 1, warn: () => {} }) };
}

describe("an answer that does not add up is an error, never a missing file", () => {
  const full = "services:\n  app:\n    image: ghcr.io/acme/app:latest\n";
  const cut = blob(full.slice(0, 20), { byteSize: Buffer.byteLength(full) });

  it("a blob text shorter than its byteSize: read again by REST, an error when that fails too", async () => {
    const s = await cannedServer(() => ({ data: { r0: { f0: { __typename: "Blob", ...cut }, f1: null } } }));
    const got = await fetchFilesByPath(s.gh, "acme", [{ repo: "app", paths: ["compose.yaml", "docker-bake.hcl"] }]);
    expect(got.get("app")).toEqual([expect.objectContaining({ path: "compose.yaml", text: null })]);
    expect(got.get("app")![0].error).toMatch(/text of compose\.yaml is not its 52 bytes; .*not found/i);
    expect(got.get("app")![0].permanent).toBeUndefined();
    expect(s.requests.filter((r) => r.url.includes("/git/blobs/"))).toHaveLength(1);

    const ok = await cannedServer(() => ({ data: { r0: { f0: { __typename: "Blob", ...cut } } } }), { ["a".repeat(40)]: Buffer.from(full) });
    const again = await fetchFilesByPath(ok.gh, "acme", [{ repo: "app", paths: ["compose.yaml"] }]);
    expect(again.get("app")).toEqual([expect.objectContaining({ path: "compose.yaml", text: full, truncated: false })]);
    expect(again.get("app")![0].error).toBeUndefined();
  });

  it("an alias the query asked for and the answer lacks: per file, per repository, and the root tree", async () => {
    const s = await cannedServer(() => ({ data: { r0: { f0: { __typename: "Blob", ...blob(full) } } } }));
    const got = await fetchFilesByPath(s.gh, "acme", [{ repo: "app", paths: ["compose.yaml", "docker-bake.hcl"] }, { repo: "lib", ref: "v1", paths: ["action.yml"] }]);
    expect(got.get("app")![0]).toMatchObject({ path: "compose.yaml", text: full });
    expect(got.get("app")![1]).toMatchObject({ path: "docker-bake.hcl", text: null, error: expect.stringMatching(/lacks docker-bake\.hcl/) });
    expect(got.get("lib@v1")).toEqual([expect.objectContaining({ path: "action.yml", error: expect.stringMatching(/lacks repository acme\/lib/) })]);

    const noRoot = await cannedServer(() => ({ data: { r0: { object: { __typename: "Tree", entries: [] } } } }));
    const wf = await fetchWorkflowFiles(noRoot.gh, "acme", [{ name: "app" }]);
    expect(wf.get("app")).toEqual({ files: [], rootEntries: [], error: expect.stringMatching(/lacks the root tree of acme\/app/) });
  });
});

describe("against the fake GitHub server", () => {
  let root: string;
  let fake: FakeGitHub;
  const ACTION = "name: docker-build\nruns:\n  using: composite\n  steps:\n    - run: docker buildx build --cache-to type=registry,ref=ghcr.io/acme/app:cache .\n      shell: bash\n";
  const BUILD = "on: workflow_call\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make image\n";
  const write = (rel: string, content: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  };

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), "cg-files-"));
    write("org.json", JSON.stringify({ login: "acme" }));
    write("repos/app/.github/workflows/ci.yml", "on: push\njobs:\n  b:\n    uses: acme/workflows/.github/workflows/build.yml@main\n");
    write("repos/app/docker-bake.hcl", 'target "app" {}\n');
    write("repos/app/Makefile", "image:\n\tdocker buildx bake\n");
    write("repos/app/compose.yaml", "services: {}\n");
    write("repos/app/deploy/prod.hcl", "# not at the root\n");
    write("repos/ci-actions.json", JSON.stringify({ tags: ["v1", "v1.2.0"], branches: ["dev"] }));
    write("repos/ci-actions/docker-build/action.yml", ACTION);
    write("repos/workflows.json", JSON.stringify({ default_branch: "trunk", branches: ["release/1.x"] }));
    write("repos/workflows/.github/workflows/build.yml", BUILD);
    write("repos/owned/.github/workflows/ci.yml", "on: push\n");
    write("repos/owned/.github/CODEOWNERS", "* @acme/infra\n");
    write("repos/owned/CODEOWNERS", "* @acme/ignored\n");
    write("repos/docs-owned/docs/CODEOWNERS", "/.github/ @acme/writers\n");
    for (let i = 0; i < 60; i++) {
      write(`repos/svc-${String(i).padStart(2, "0")}.json`, JSON.stringify({ tags: ["v1"] }));
      write(`repos/svc-${String(i).padStart(2, "0")}/action.yml`, `name: svc-${i}\n`);
    }
    fake = await startFakeGitHub({ fixture: root, port: 0 });
  });
  afterAll(async () => {
    await fake?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const client = () => {
    const bodies: string[] = [];
    const recording: typeof fetch = (input, init) => {
      if (typeof init?.body === "string") bodies.push(init.body);
      return fetch(input, init);
    };
    const stats = newStats();
    return { gh: createGitHub({ apiUrl: fake.url, token: "demo-token", fetch: recording }, stats), stats, bodies };
  };

  it("lists the names at each repository's root in the same request as its workflows", async () => {
    const { gh, stats } = client();
    const got = await fetchWorkflowFiles(gh, "acme", [{ name: "app" }, { name: "ci-actions" }]);
    expect(stats.graphql).toBe(1);
    expect(got.get("app")!.files.map((f) => f.path)).toEqual([".github/workflows/ci.yml"]);
    expect(got.get("app")!.rootEntries).toEqual([
      { name: ".github", type: "tree" }, { name: "Makefile", type: "blob" }, { name: "compose.yaml", type: "blob" },
      { name: "deploy", type: "tree" }, { name: "docker-bake.hcl", type: "blob" },
    ]);
    expect(got.get("ci-actions")).toEqual({ files: [], rootEntries: [{ name: "docker-build", type: "tree" }], codeowners: null });
  });

  it("reads the CODEOWNERS file GitHub would use in the same request: .github/ before the root before docs/", async () => {
    const { gh, stats } = client();
    const got = await fetchWorkflowFiles(gh, "acme", [{ name: "owned" }, { name: "docs-owned" }, { name: "app" }]);
    expect(stats.graphql).toBe(1);
    expect(got.get("owned")!.codeowners).toEqual({ path: ".github/CODEOWNERS", text: "* @acme/infra\n" });
    expect(got.get("docs-owned")!.codeowners).toEqual({ path: "docs/CODEOWNERS", text: "/.github/ @acme/writers\n" });
    expect(got.get("app")!.codeowners).toBeNull();
  });

  it("reads files of other repositories at a tag, a branch and a commit sha, keyed apart, in one request", async () => {
    const { gh, stats } = client();
    const sha = (await listOrgRepos(gh, "acme")).find((r) => r.name === "ci-actions")!.headOid!;
    stats.graphql = 0;
    const action = "docker-build/action.yml";
    const build = ".github/workflows/build.yml";
    const got = await fetchFilesByPath(gh, "acme", [
      { repo: "ci-actions", ref: "v1", paths: [action] },
      { repo: "ci-actions", ref: "v1.2.0", paths: [action] },
      { repo: "ci-actions", ref: "refs/tags/v1", paths: [action] },
      { repo: "ci-actions", ref: "dev", paths: [action] },
      { repo: "ci-actions", ref: sha, paths: [action, "docker-build/missing.yml"] },
      { repo: "ci-actions", paths: [action] },
      { repo: "workflows", ref: "trunk", paths: [build] },
      { repo: "workflows", ref: "release/1.x", paths: [build] },
      { repo: "workflows", ref: "HEAD", paths: [build] },
      { repo: "workflows", paths: ["./.github/workflows/build.yml"] },
    ]);
    expect(stats.graphql).toBe(1);
    for (const ref of ["v1", "v1.2.0", "refs/tags/v1", "dev", sha, undefined]) {
      expect(got.get(filesKey("ci-actions", ref))).toEqual([expect.objectContaining({ path: action, text: ACTION })]);
    }
    expect(filesKey("ci-actions", sha)).toBe(`ci-actions@${sha}`);
    expect(filesKey("workflows", "HEAD")).toBe("workflows");
    for (const key of ["workflows@trunk", "workflows@release/1.x", "workflows"]) {
      expect(got.get(key)).toEqual([expect.objectContaining({ path: build, text: BUILD })]);
    }
    expect([...got.keys()].sort()).toEqual(["ci-actions", "ci-actions@dev", "ci-actions@refs/tags/v1", `ci-actions@${sha}`, "ci-actions@v1", "ci-actions@v1.2.0", "workflows", "workflows@release/1.x", "workflows@trunk"].sort());
  });

  it("leaves out files at a ref the repository does not have; errors for a repository that does not exist", async () => {
    const { gh } = client();
    const got = await fetchFilesByPath(gh, "acme", [
      { repo: "ci-actions", ref: "v9", paths: ["docker-build/action.yml"] },
      { repo: "ci-actions", ref: "c0ffee".repeat(6) + "c0ff", paths: ["docker-build/action.yml"] },
      { repo: "no-such-repo", ref: "v1", paths: ["action.yml", "action.yaml"] },
    ]);
    expect(got.get("ci-actions@v9")).toEqual([]);
    expect(got.get(`ci-actions@${"c0ffee".repeat(6)}c0ff`)).toEqual([]);
    expect(got.get("no-such-repo@v1")!.map((f) => [f.path, f.error])).toEqual([
      ["action.yml", "Repository 'acme/no-such-repo' not found or not visible to this token"],
      ["action.yaml", "Repository 'acme/no-such-repo' not found or not visible to this token"],
    ]);
  });

  it("refuses a ref that cannot be a git ref without sending it", async () => {
    const { gh, stats, bodies } = client();
    const bad = ["v1:docker-build", "main..dev", "HEAD~1", "v1^{tree}", "a b", "@{-1}", "", "feature/", "x.lock", "v1\n"];
    const got = await fetchFilesByPath(gh, "acme", bad.map((ref) => ({ repo: "ci-actions", ref, paths: ["docker-build/action.yml"] })));
    expect(stats.graphql).toBe(0);
    for (const ref of bad) {
      expect(got.get(`ci-actions@${ref}`)).toEqual([expect.objectContaining({ path: "docker-build/action.yml", text: null, error: expect.stringMatching(/is not a valid git ref name; not requested/), permanent: true })]);
    }
    const mixed = await fetchFilesByPath(gh, "acme", [{ repo: "ci-actions", ref: "v1", paths: ["docker-build/action.yml"] }, { repo: "ci-actions", ref: "HEAD~1", paths: ["docker-build/action.yml"] }]);
    expect(stats.graphql).toBe(1);
    expect(bodies.join("\n")).not.toContain("HEAD~1");
    expect(mixed.get("ci-actions@v1")![0].text).toBe(ACTION);
    expect(mixed.get("ci-actions@HEAD~1")![0].error).toMatch(/not a valid git ref name/);
  });

  it("sends one query per 200 repositories for named files, however many refs each is wanted at, and one per 25 for workflow trees", async () => {
    const { gh, stats } = client();
    const names = Array.from({ length: 60 }, (_, i) => `svc-${String(i).padStart(2, "0")}`);
    const got = await fetchFilesByPath(gh, "acme", names.flatMap((repo) => [{ repo, ref: "v1", paths: ["action.yml"] }, { repo, paths: ["action.yml", "Makefile"] }]));
    expect(stats.graphql).toBe(1);
    expect(got.size).toBe(120);
    for (const [i, repo] of names.entries()) {
      expect(got.get(`${repo}@v1`)).toEqual([expect.objectContaining({ text: `name: svc-${i}\n` })]);
      expect(got.get(repo)!.map((f) => f.path)).toEqual(["action.yml"]);
    }
    stats.graphql = 0;
    const wf = await fetchWorkflowFiles(gh, "acme", names.map((name) => ({ name })));
    expect(stats.graphql).toBe(3);
    expect(wf.get("svc-07")).toEqual({ files: [], rootEntries: [{ name: "action.yml", type: "blob" }], codeowners: null });
  });
});

describe("normalizeRepoPath", () => {
  it("keeps paths inside the repository", () => {
    expect(normalizeRepoPath("./docker-bake.hcl")).toBe("docker-bake.hcl");
    expect(normalizeRepoPath("deploy/../docker/bake.hcl")).toBe("docker/bake.hcl");
    expect(normalizeRepoPath("../other/bake.hcl")).toBeNull();
    expect(normalizeRepoPath(".")).toBeNull();
  });
});
