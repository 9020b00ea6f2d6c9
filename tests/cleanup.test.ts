// `cacheguard cleanup` on the demo org, against the fake GitHub + GHCR: the plan, --keep-last,
// --older-than, --apply deleting exactly what was planned, and the refusals.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run as cleanup } from "@/lib/cli/commands/cleanup";
import { runScan } from "@/lib/server/scan";
import { DEMO_FIXTURE, type ScanEnv, scanEnv } from "./scan-helpers";

type Json = Record<string, unknown>;
interface Planned { id: number; digest: string; kind: string | null; reason: string }
interface KeptOut { id: number; digest: string; why: string; reason: string }
interface PkgOut { name: string; status: string; problem: string | null; delete: Planned[]; keep: KeptOut[]; storage: Json; applied?: { deleted: number[]; alreadyGone: number[]; failed: unknown[] } }
interface Report { mode: string; packages: PkgOut[]; totals: { planned: number; deleted: number; failed: number }; stopped: string | null; apply: string | null }

const PKGS = path.join(DEMO_FIXTURE, "packages");
const ACCEPT = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";
const manifest = (pkg: string, file: string) => JSON.parse(readFileSync(path.join(PKGS, pkg, file), "utf8")) as { manifests?: Array<{ digest: string }>; layers?: Array<{ digest: string; size: number }> };
const digestOf = (pkg: string, file: string) => `sha256:${createHash("sha256").update(readFileSync(path.join(PKGS, pkg, file))).digest("hex")}`;

function capture() {
  const out = { stdout: "", stderr: "" };
  return { out, io: { stdout: (s: string) => void (out.stdout += s), stderr: (s: string) => void (out.stderr += s) } };
}

let env: ScanEnv;
async function scanned(prepare?: (fixture: string) => void): Promise<ScanEnv> {
  const e = await scanEnv(prepare);
  const s = await runScan(e.db, { config: e.config, trigger: "cli", afterScanTasks: [] });
  expect(s.status).toBe("succeeded");
  return e;
}
beforeAll(async () => {
  env = await scanned();
}, 120_000);
afterAll(() => env?.close());

async function run(args: string[], token = "demo-token") {
  const c = capture();
  // deletes unpaced against the local fake (GitHub gets one a second)
  const code = await cleanup(["--org", "acme", "--api-url", env.server.url, "--registry-url", env.server.url, ...args], c.io,
    { DATABASE_URL: env.dbUrl, GITHUB_TOKEN: token, CACHEGUARD_DELETE_INTERVAL_MS: "0" });
  return { code, ...c.out, json: () => JSON.parse(c.out.stdout) as Report };
}

async function versionsOf(pkg: string): Promise<Array<{ id: number; name: string; metadata: { container: { tags: string[] } } }>> {
  const all = [];
  for (let page = 1; ; page++) {
    const res = await fetch(`${env.server.url}/orgs/acme/packages/container/${pkg}/versions?per_page=100&page=${page}`, { headers: { authorization: "Bearer demo-token" } });
    const items = (await res.json()) as Array<{ id: number; name: string; metadata: { container: { tags: string[] } } }>;
    all.push(...items);
    if (items.length < 100) return all;
  }
}

/** What the registry's tags hold and need, read from the fake as a client would, independent of cacheguard. */
async function referencedByTags(pkg: string): Promise<Set<string>> {
  const auth = { authorization: `Basic ${Buffer.from("x:demo-token").toString("base64")}` };
  const token = ((await (await fetch(`${env.server.url}/token?scope=repository:acme/${pkg}:pull`, { headers: auth })).json()) as { token: string }).token;
  const h = { authorization: `Bearer ${token}`, accept: ACCEPT };
  const { tags } = (await (await fetch(`${env.server.url}/v2/acme/${pkg}/tags/list`, { headers: h })).json()) as { tags: string[] };
  const out = new Set<string>();
  for (const tag of tags) {
    const res = await fetch(`${env.server.url}/v2/acme/${pkg}/manifests/${tag}`, { headers: h });
    out.add(res.headers.get("docker-content-digest")!);
    // an index's manifests (a cache index lists layer blobs: those are no manifests)
    for (const m of ((await res.json()) as { manifests?: Array<{ digest: string; mediaType: string }> }).manifests ?? []) if (/manifest|index/.test(m.mediaType)) out.add(m.digest);
    const cosign = /^sha256-([0-9a-f]{64})\.(sig|att|sbom)$/.exec(tag);
    if (cosign) out.add(`sha256:${cosign[1]}`);
  }
  return out;
}

describe("cacheguard cleanup --plan", () => {
  it("plans the orphans and keeps every tag, every child of a tagged multi-arch index and every attestation and signature", async () => {
    const r = await run(["--plan", "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const report = r.json();
    expect(report.mode).toBe("plan");
    const api = report.packages.find((p) => p.name === "api")!;
    const web = report.packages.find((p) => p.name === "web")!;

    // v1.8.0 (= latest): its two platform manifests and two attestation manifests, kept as children
    const release = manifest("api", "tags/v1.8.0.json").manifests!.map((m) => m.digest);
    expect(release).toHaveLength(4);
    const keptApi = new Map(api.keep.map((k) => [k.digest, k]));
    for (const d of release) expect(keptApi.get(d)?.why, d).toBe("child");
    expect(api.keep.filter((k) => k.reason.startsWith("attestation manifest of the index tagged latest, v1.8.0"))).toHaveLength(2);
    // web:latest likewise; web's untagged canary image is kept by its cosign signature tag
    for (const d of manifest("web", "tags/latest.json").manifests!.map((m) => m.digest)) expect(web.keep.find((k) => k.digest === d)?.why).toBe("child");
    const canary = digestOf("web", "manifests/canary-amd64.json");
    expect(web.keep.find((k) => k.digest === canary)).toMatchObject({ why: "signed", reason: expect.stringMatching(/^signed by the kept tag sha256-[0-9a-f]{64}\.sig$/) });

    // nothing planned is anything a tag names, lists or signs (asked of the registry itself)
    for (const p of report.packages) {
      const needed = await referencedByTags(p.name);
      for (const d of p.delete) expect(needed.has(d.digest), `${p.name} ${d.digest}`).toBe(false);
    }
    // what is planned: api's old release (index + its 4 manifests), 3 earlier test caches and the
    // 2,000 synthesized cache exports; web's previous buildcache export; nothing else in the org
    const apiDigests = new Set(api.delete.map((d) => d.digest));
    for (const f of ["v1.7.0", "v1.7.0-amd64", "v1.7.0-arm64", "v1.7.0-amd64-attestation", "v1.7.0-arm64-attestation", "test-export-1", "test-export-2", "test-export-3"]) {
      expect(apiDigests.has(digestOf("api", `manifests/${f}.json`)), f).toBe(true);
    }
    expect(api.delete).toHaveLength(2008);
    expect(api.delete.filter((d) => d.kind === "cache")).toHaveLength(2003);
    expect(api.delete.find((d) => d.digest === digestOf("api", "manifests/v1.7.0.json"))).toMatchObject({ kind: "index", reason: expect.stringContaining("a multi-platform index") });
    expect(web.delete.map((d) => d.digest)).toEqual([digestOf("web", "manifests/buildcache-export-1.json")]);
    expect(report.packages.filter((p) => p.name !== "api" && p.name !== "web").every((p) => p.delete.length === 0 && p.status === "planned")).toBe(true);
    expect(report.totals.planned).toBe(2009);
    expect(report.apply).toBe(`npm run --silent cacheguard -- cleanup --org acme --apply`);
    expect(api.storage).toMatchObject({ versionCount: 2015, tagged: 3, untagged: 2012, orphans: 2008 });
  }, 60_000);

  it("--keep-last keeps the newest cache exports, --older-than the recent versions; text lists each version", async () => {
    const kl = (await run(["--plan", "--package", "api", "--keep-last", "2", "--format", "json"])).json();
    const api = kl.packages[0];
    const kept = api.keep.filter((k) => k.why === "keep-last").map((k) => k.digest);
    // the two newest cache exports (Nov 1, Oct 15); the v1.7.0 index (Aug 1) is no cache export
    expect(kept).toEqual([digestOf("api", "manifests/test-export-3.json"), digestOf("api", "manifests/test-export-2.json")]);
    expect(api.delete).toHaveLength(2006);

    // within N days: test-export-2 (Oct 15) and -3 (Nov 1) are recent, test-export-1 (Oct 1) is not
    const days = Math.ceil((Date.now() - Date.parse("2026-10-08T00:00:00Z")) / 86_400_000);
    const ot = (await run(["--plan", "--package", "api", "--older-than", `${days}d`, "--format", "json"])).json().packages[0];
    const newer = new Set(ot.keep.filter((k) => k.why === "newer").map((k) => k.digest));
    expect(newer).toEqual(new Set([digestOf("api", "manifests/test-export-3.json"), digestOf("api", "manifests/test-export-2.json")]));
    expect(ot.delete.some((d) => d.digest === digestOf("api", "manifests/test-export-1.json"))).toBe(true);

    const text = await run(["--plan", "--package", "web"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Clean-up plan for acme: 1 version safe to delete in 1 package/);
    expect(text.stdout).toMatch(/web: 9 versions \(3 tagged, 6 untagged, 1 orphan\)/);
    expect(text.stdout).toMatch(/keep +\d+ +sha256:[0-9a-f]{12} +signed by the kept tag sha256-/);
    expect(text.stdout).toMatch(/delete +\d+ +sha256:[0-9a-f]{12} +2026-09-15 +cache export, [\d.]+ MB/);
    expect(text.stdout).toContain("To delete them: npm run --silent cacheguard -- cleanup --org acme --package web --apply");
  }, 60_000);

  it("refuses bad usage, an unknown package and an org with no stored scan (exit 2)", async () => {
    for (const [args, message] of [
      [[], /--plan .* or --apply/],
      [["--plan", "--apply"], /exclude each other/],
      [["--plan", "--older-than", "30 days"], /--older-than takes a duration/],
      [["--plan", "--keep-last", "-1"], /unknown option|--keep-last takes a whole number/],
      [["--plan", "--package", "no-such-package"], /found no container package 'no-such-package'/],
    ] as const) {
      const r = await run([...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const c = capture();
    expect(await cleanup(["--org", "other-org", "--plan", "--api-url", env.server.url], c.io, { DATABASE_URL: env.dbUrl, GITHUB_TOKEN: "demo-token" })).toBe(2);
    expect(c.out.stderr).toMatch(/no scan of other-org is stored.*cacheguard scan --org other-org/);
  }, 60_000);
});

describe("cacheguard cleanup --apply", () => {
  it("without delete:packages deletes nothing and says which scope it needs", async () => {
    env.server.resetStats();
    const r = await run(["--apply", "--package", "web"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/needs delete:packages/);
    expect(env.server.requests().filter((q) => q.method === "DELETE")).toHaveLength(0);
    expect((await versionsOf("web")).length).toBe(9);
  }, 60_000);

  it("deletes exactly the planned versions, one request each, and the kept images still pull", async () => {
    // a demo org whose api package holds 100 synthesized cache exports, not 2,000: the same plan, fewer deletes
    await env.close();
    env = await scanned((fixture) => {
      const meta = path.join(fixture, "packages", "api", "package.json");
      writeFileSync(meta, JSON.stringify({ ...JSON.parse(readFileSync(meta, "utf8")), untagged_versions: 100 }));
    });
    const plan = (await run(["--plan", "--format", "json"])).json();
    const planned = new Map(plan.packages.map((p) => [p.name, new Set(p.delete.map((d) => d.id))]));
    const before = new Map<string, Set<number>>();
    for (const p of plan.packages) before.set(p.name, new Set((await versionsOf(p.name)).map((v) => v.id)));

    env.server.resetStats();
    const r = await run(["--apply", "--format", "json"], "demo-delete-token");
    expect(r.code, r.stderr).toBe(0);
    const applied = r.json();
    expect(applied.totals).toMatchObject({ planned: 109, deleted: 109, failed: 0 });
    const deletes = env.server.requests().filter((q) => q.method === "DELETE");
    expect(deletes).toHaveLength(109);
    expect(new Set(deletes.map((q) => q.path)).size).toBe(109);
    // each planned id, and nothing else
    expect(new Set(deletes.map((q) => Number(q.path.split("/").pop())))).toEqual(new Set([...planned.values()].flatMap((s) => [...s])));
    expect(deletes.every((q) => q.status === 204)).toBe(true);

    for (const p of plan.packages) {
      const after = new Set((await versionsOf(p.name)).map((v) => v.id));
      const expected = new Set([...before.get(p.name)!].filter((id) => !planned.get(p.name)!.has(id)));
      expect(after, p.name).toEqual(expected);
    }
    // every tag still resolves, with every manifest its index lists (a pull of each platform works)
    for (const pkg of readdirSync(PKGS)) {
      for (const d of await referencedByTags(pkg)) {
        const token = ((await (await fetch(`${env.server.url}/token?scope=repository:acme/${pkg}:pull`, { headers: { authorization: `Basic ${Buffer.from("x:demo-token").toString("base64")}` } })).json()) as { token: string }).token;
        const res = await fetch(`${env.server.url}/v2/acme/${pkg}/manifests/${d}`, { method: "HEAD", headers: { authorization: `Bearer ${token}`, accept: ACCEPT } });
        expect(res.status, `${pkg}@${d}`).toBe(200);
      }
    }
    // and a deleted one is gone from the registry too
    const gone = digestOf("api", "manifests/v1.7.0.json");
    const token = ((await (await fetch(`${env.server.url}/token?scope=repository:acme/api:pull`, { headers: { authorization: `Basic ${Buffer.from("x:demo-token").toString("base64")}` } })).json()) as { token: string }).token;
    expect((await fetch(`${env.server.url}/v2/acme/api/manifests/${gone}`, { headers: { authorization: `Bearer ${token}`, accept: "application/vnd.oci.image.index.v1+json" } })).status).toBe(404);

    // the next plan finds nothing left to delete, and the figures say so
    const again = (await run(["--plan", "--format", "json"])).json();
    expect(again.totals.planned).toBe(0);
    expect(again.packages.find((p) => p.name === "api")!.storage).toMatchObject({ versionCount: 7, tagged: 3, untagged: 4, orphans: 0 });
  }, 180_000);
});
