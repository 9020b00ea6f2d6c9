import { afterEach, describe, expect, it } from "vitest";
import { createGitHub, newStats } from "./client";
import { fetchWorkflowFiles, normalizeRepoPath } from "./files";
import { json, startTestServer } from "./test-http";

let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

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
          entries: [
            { name: "ci.yml", path: ".github/workflows/ci.yml", type: "blob", oid: "a".repeat(40), object: { oid: "a".repeat(40), text: `# ${name}\n`, isBinary: false, isTruncated: false, byteSize: name.length + 3 } },
            ...(opts.hugeBlob ? [{ name: "big.yml", path: ".github/workflows/big.yml", type: "blob", oid: "b".repeat(40), object: { oid: "b".repeat(40), text: "# trunc", isBinary: false, isTruncated: true, byteSize: 11 * 1024 * 1024 } }] : []),
            { name: "sub", path: ".github/workflows/sub", type: "tree", oid: "c".repeat(40), object: {} },
          ],
        },
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
    for (const r of repos) expect(got.get(r.name)).toEqual({ files: [expect.objectContaining({ path: ".github/workflows/ci.yml", text: `# ${r.name}\n` })] });
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
    expect(s.requests.filter((r) => r.url.includes("/git/blobs/"))).toHaveLength(0);
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
