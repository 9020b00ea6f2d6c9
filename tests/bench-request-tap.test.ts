import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RequestTap } from "@/bench/request-tap";
import { type GeneratedOrg, generateOrg } from "@/lib/demo/generate-org";
import { type FakeGitHub, startFakeGitHub } from "@/lib/demo/fake-github/server";
import { createGitHub } from "@/lib/github/client";
import { fetchWorkflowFiles } from "@/lib/github/files";
import { listOrgRepos } from "@/lib/github/repos";
import { createRegistryClient } from "@/lib/registry/client";

/** The benchmark's per-purpose request counts must describe what the real clients send. */
describe("bench RequestTap", () => {
  const root = mkdtempSync(path.join(tmpdir(), "cg-tap-"));
  let server: FakeGitHub;
  let tap: RequestTap;
  let org: GeneratedOrg;
  beforeAll(async () => {
    org = generateOrg({ repos: 60, seed: 2, out: root });
    server = await startFakeGitHub({ fixture: root, port: 0 });
    tap = new RequestTap(server.url);
    tap.install();
  });
  afterAll(async () => {
    tap.uninstall();
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("splits GraphQL into repo listing and workflow content, and records manifest digests", async () => {
    const gh = createGitHub({ apiUrl: server.url, token: "demo-token" });
    const repos = await listOrgRepos(gh, "acme");
    const files = await fetchWorkflowFiles(gh, "acme", repos, { batchSize: 25 });
    expect([...files.values()].some((f) => f.files.length > 0)).toBe(true);
    const registry = createRegistryClient({ registryUrl: server.url, token: "demo-token" });
    const pkg = org.repos.find((r) => r.archetype === "matrix" || r.archetype === "gha");
    const name = `acme/${pkg!.name}`;
    const tags = await registry.listTags(name);
    const m = await registry.getManifest(name, tags[0]);

    const c = tap.take();
    expect(c.byPurpose["graphql:repo-list"]).toBe(1);
    expect(c.byPurpose["graphql:workflow-trees"]).toBe(Math.ceil(repos.length / 25));
    // the first registry request meets the WWW-Authenticate challenge, fetches a token and is sent again
    expect(c.byPurpose["registry:tags-list"]).toBe(2);
    expect(c.byPurpose["registry:token"]).toBe(1);
    expect(c.byPurpose["registry:manifest-get"]).toBe(1);
    // a GET by tag is marked apart from a GET by digest (manifestGetsPerDigest counts them apart)
    expect(c.manifestGets).toEqual([`${name}@${m.digest} by-tag`]);
    await registry.getManifest(name, m.digest);
    expect(tap.take().manifestGets).toEqual([`${name}@${m.digest}`]);
    // after take(), counting starts again from zero
    expect(tap.take().byPurpose).toEqual({});
  });
});
