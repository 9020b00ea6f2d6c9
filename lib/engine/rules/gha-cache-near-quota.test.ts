import { describe, expect, it } from "vitest";
import { analyzeRepos } from "../analyze";
import { type ActionsCacheInfo, DEFAULT_CACHE_LIMIT_BYTES, checkActionsCache, summarizeListing } from "./gha-cache-near-quota";

const workflow = (cache: string) => [
  "on: push", "jobs:", "  image:", "    runs-on: ubuntu-latest", "    steps:", "      - uses: docker/build-push-action@v6", "        with:",
  "          push: true", "          tags: ghcr.io/acme/app:latest", cache, "",
].join("\n");

async function modelsOf(cache: string) {
  return (await analyzeRepos([{ repo: "acme/app", files: [{ path: ".github/workflows/ci.yml", text: workflow(cache) }] }])).models;
}

const usage = (usedBytes: number, over: Partial<ActionsCacheInfo> = {}): ActionsCacheInfo =>
  ({ repo: "acme/app", usedBytes, activeCaches: 40, readAt: "2026-12-01T12:00:00Z", limitBytes: null, ...over });

describe("gha-cache-near-quota", () => {
  it("warns past 80 % of the limit, not at it, at the build's type=gha cache export", async () => {
    const models = await modelsOf("          cache-to: type=gha,mode=max");
    const at80 = DEFAULT_CACHE_LIMIT_BYTES * 0.8;
    expect(checkActionsCache(models, [usage(at80)])).toEqual([]);
    const [f] = checkActionsCache(models, [usage(at80 + 1)]);
    expect(f).toMatchObject({ ruleId: "gha-cache-near-quota", severity: "warning", confidence: "medium", path: ".github/workflows/ci.yml", line: 10, ref: "actions-cache:acme/app" });
    expect(f.message).toContain("80 % of GitHub's default limit of 10 GB (assumed: the repository's own limit was not read)");
  });

  it("holds usage against a limit read from the repository (high confidence), and imports count as type=gha builds", async () => {
    const models = await modelsOf("          cache-from: type=gha,scope=app");
    expect(checkActionsCache(models, [usage(9 * 1024 ** 3, { limitBytes: 50 * 1024 ** 3 })])).toEqual([]);
    const [f] = checkActionsCache(models, [usage(9 * 1024 ** 3, { limitBytes: 10 * 1024 ** 3 })]);
    expect(f).toMatchObject({ confidence: "high", line: 10 });
    expect(f.message).toContain("90 % of its limit of 10 GB.");
  });

  it("says nothing about a repository whose builds use no type=gha cache, however full its Actions cache", async () => {
    const models = await modelsOf("          cache-to: type=registry,ref=ghcr.io/acme/app:buildcache");
    expect(checkActionsCache(models, [usage(DEFAULT_CACHE_LIMIT_BYTES)])).toEqual([]);
  });

  it("calls it thrash when every entry still listed is under a day old, and names BuildKit's share", async () => {
    const models = await modelsOf("          cache-to: type=gha,mode=max");
    const listedAt = "2026-12-01T12:00:00.000Z";
    const entry = (key: string, hoursAgo: number, size: number) => ({ key, sizeInBytes: size, createdAt: new Date(Date.parse(listedAt) - hoursAgo * 3_600_000).toISOString() });
    const young = summarizeListing([entry("buildkit-blob-1-sha256:aa", 23.9, 300), entry("index-buildkit-x", 1, 100), entry("Linux-npm-1", 2, 600)], listedAt);
    expect(young).toMatchObject({ entries: 3, bytes: 1000, buildkitEntries: 2, buildkitBytes: 400 });
    const [f] = checkActionsCache(models, [usage(9 * 1024 ** 3, { listing: young })]);
    expect(f.message).toContain("hold 400 B of it (40 %, 2 of 3 entries). It thrashes: the oldest entry still present was created 24 h before it was listed");
    const old = summarizeListing([entry("buildkit-blob-1-sha256:aa", 24, 300)], listedAt);
    expect(checkActionsCache(models, [usage(9 * 1024 ** 3, { listing: old })])[0].message).toContain("is 24 h old: no sign of entries evicted within a day.");
  });
});
