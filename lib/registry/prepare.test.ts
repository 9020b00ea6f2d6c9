import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixturePackageWriter, OCI_CONFIG, OCI_MANIFEST } from "@/lib/demo/oci-fixture";
import { type FakeGitHub, startFakeGitHub } from "@/lib/demo/fake-github/server";
import { createRegistryClient } from "./client";

let dir: string;
let fake: FakeGitHub;
const NAMES = Array.from({ length: 25 }, (_, i) => `acme/svc-${String(i).padStart(2, "0")}`);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "cg-prepare-"));
  writeFileSync(path.join(dir, "org.json"), JSON.stringify({ login: "acme" }));
  for (const n of NAMES) {
    const w = new FixturePackageWriter(path.join(dir, "registries", "docker.io", "acme"), n.split("/")[1], n.endsWith("13") ? { visibility: "private" } : {});
    w.tag("latest", { schemaVersion: 2, mediaType: OCI_MANIFEST, config: w.blob("config", { architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } }, OCI_CONFIG), layers: [] });
  }
  fake = await startFakeGitHub({ fixture: dir, port: 0, reload: "manual" });
});
afterAll(async () => {
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("prepare: pull tokens for many repositories, a batch per token request", () => {
  it("25 repositories cost one /v2/ challenge and 3 token requests; a repository the token does not grant gets its own, and is refused", async () => {
    const client = createRegistryClient({ registryUrl: fake.hub.url, host: "docker.io", maxRetries: 0 });
    await client.prepare(NAMES);
    const tokens = fake.hub.requests().filter((r) => r.path.startsWith("/token"));
    expect(tokens).toHaveLength(3);
    expect(tokens.map((t) => new URL(t.path, "http://x").searchParams.getAll("scope").length).sort((a, b) => b - a)).toEqual([10, 10, 5]);
    expect(fake.hub.requests().filter((r) => r.path === "/v2/")).toHaveLength(1);

    fake.hub.resetStats();
    const heads = await Promise.all(NAMES.map((n) => client.headManifest(n, "latest").then((h) => h?.mediaType, (e: Error) => e.message)));
    expect(heads.filter((h) => h === OCI_MANIFEST)).toHaveLength(24);
    expect(heads[13]).toMatch(/refused to let acme\/svc-13 be read without credentials \(401\)/);
    // no more tokens for the 24 granted: only the private one asked again, for itself
    const again = fake.hub.requests().filter((r) => r.path.startsWith("/token"));
    expect(again).toHaveLength(1);
    expect(decodeURIComponent(again[0].path)).toContain("scope=repository:acme/svc-13:pull");
  });

  it("an open registry (no challenge on /v2/) needs no token at all", async () => {
    const calls: string[] = [];
    const client = createRegistryClient({
      registryUrl: "http://open.example", host: "open.example", maxRetries: 0,
      fetch: async (input) => {
        calls.push(String(input));
        return new Response("{}", { status: 200, headers: { "content-type": "application/json" } });
      },
    });
    await client.prepare(["a/b", "c/d"]);
    expect(calls).toEqual(["http://open.example/v2/"]);
  });
});
