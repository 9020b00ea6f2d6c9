// The fake's DELETE /orgs/{org}/packages/container/{name}/versions/{id}, answered as GitHub answers it
// and seen everywhere after: the versions list, version_count, tags/list and the registry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGitHub, startFakeGitHub } from "@/lib/demo/fake-github/server";
import { DEMO_FIXTURE } from "./scan-helpers";

let gh: FakeGitHub;
beforeAll(async () => {
  gh = await startFakeGitHub({ fixture: DEMO_FIXTURE, port: 0 });
});
afterAll(() => gh.close());

const api = (path: string, token = "demo-token", method = "GET") => fetch(`${gh.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
type Version = { id: number; name: string; metadata: { container: { tags: string[] } } };
async function registry(path: string): Promise<Response> {
  const t = ((await (await fetch(`${gh.url}/token?scope=repository:acme/web:pull`, { headers: { authorization: `Basic ${Buffer.from("x:demo-token").toString("base64")}` } })).json()) as { token: string }).token;
  return fetch(`${gh.url}/v2/acme/web/${path}`, { headers: { authorization: `Bearer ${t}`, accept: "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json" } });
}

describe("deleting package versions on the fake GitHub", () => {
  it("refuses a token without delete:packages with GitHub's 403, before looking the version up", async () => {
    for (const id of ["1", "999999999"]) {
      const res = await api(`/orgs/acme/packages/container/web/versions/${id}`, "demo-token", "DELETE");
      expect(res.status).toBe(403);
      expect(((await res.json()) as { message: string }).message).toBe("You need at least delete:packages and read:packages scopes to delete a package version.");
    }
    expect((await api("/orgs/acme/packages/container/web/versions/1", "demo-delete-token", "DELETE")).status).toBe(404);
    expect((await api("/orgs/acme/packages/container/nothing/versions/1", "demo-delete-token", "DELETE")).status).toBe(404);
    expect((await fetch(`${gh.url}/orgs/acme/packages/container/web/versions/1`, { method: "DELETE" })).status).toBe(401);
  });

  it("a deleted tagged version leaves the versions list, version_count, tags/list and the registry; the others stay", async () => {
    const before = (await (await api("/orgs/acme/packages/container/web/versions?per_page=100")).json()) as Version[];
    const count = async () => ((await (await api("/orgs/acme/packages/container/web")).json()) as { version_count: number }).version_count;
    expect(await count()).toBe(before.length);
    const cache = before.find((v) => v.metadata.container.tags.includes("buildcache"))!;
    const res = await api(`/orgs/acme/packages/container/web/versions/${cache.id}`, "demo-delete-token", "DELETE");
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    const after = (await (await api("/orgs/acme/packages/container/web/versions?per_page=100")).json()) as Version[];
    expect(after.map((v) => v.id)).toEqual(before.filter((v) => v.id !== cache.id).map((v) => v.id));
    expect(await count()).toBe(before.length - 1);
    expect(((await (await registry("tags/list")).json()) as { tags: string[] }).tags).not.toContain("buildcache");
    expect((await registry(`manifests/${cache.name}`)).status).toBe(404);
    expect((await registry("manifests/latest")).status).toBe(200);
    // deleting it again: it is not there
    expect((await api(`/orgs/acme/packages/container/web/versions/${cache.id}`, "demo-delete-token", "DELETE")).status).toBe(404);
  });

  it("serves each synthesized untagged version's manifest by digest: a cache export, named by the sha256 of its bytes", async () => {
    const page = (await (await api("/orgs/acme/packages/container/api/versions?per_page=100&page=21")).json()) as Version[];
    const untagged = page.at(-1)!;
    const t = ((await (await fetch(`${gh.url}/token?scope=repository:acme/api:pull`, { headers: { authorization: `Basic ${Buffer.from("x:demo-token").toString("base64")}` } })).json()) as { token: string }).token;
    const res = await fetch(`${gh.url}/v2/acme/api/manifests/${untagged.name}`, { headers: { authorization: `Bearer ${t}`, accept: "application/vnd.oci.image.manifest.v1+json" } });
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    const { createHash } = await import("node:crypto");
    expect(`sha256:${createHash("sha256").update(bytes).digest("hex")}`).toBe(untagged.name);
    expect((JSON.parse(bytes.toString()) as { config: { mediaType: string } }).config.mediaType).toBe("application/vnd.buildkit.cacheconfig.v0");
  });
});
