/**
 * Finding identity (issue "truth", item 2): distinct findings keep distinct fingerprints, the same
 * finding keeps its fingerprint across line moves, `check` and the org scan store the same findings
 * with the same SARIF fingerprints, and rows stored with the 0.1 fingerprint are re-keyed in place.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { legacyFingerprint } from "@/lib/engine/fingerprint";
import { exportFindings } from "@/lib/server/queries/findings";
import { findingsToSarif } from "@/lib/server/queries/export";
import { runScan } from "@/lib/server/scan";
import { cli } from "./cli-helpers";
import { type ScanEnv, scanEnv } from "./scan-helpers";

// One repository with three pulls of one cache-only ref (two in one job) and two builds sharing the
// default gha scope: 0.1 stored these five findings as two.
const WORKFLOW = `name: shop
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/acme/shop:edge
          cache-to: type=registry,ref=ghcr.io/acme/shop:buildcache,mode=max
  smoke:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: docker run --rm ghcr.io/acme/shop:buildcache --version
      - run: docker run --rm ghcr.io/acme/shop:buildcache selftest
  e2e:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: docker pull ghcr.io/acme/shop:buildcache
`;
const IMAGES = `name: images
on: push
jobs:
  images:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          context: api
          push: true
          tags: ghcr.io/acme/shop-api:latest
          cache-from: type=gha
          cache-to: type=gha,mode=max
      - id: web
        uses: docker/build-push-action@v6
        with:
          context: web
          push: true
          tags: ghcr.io/acme/shop-web:latest
          cache-from: type=gha
          cache-to: type=gha,mode=max
`;

interface SarifLog { runs: Array<{ results: Array<{ ruleId: string; partialFingerprints: Record<string, string>; properties?: { repository?: string } }> }> }

let env: ScanEnv;
let repoDir: string;

function writeRepo(fixture: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(fixture, "repos", "shop", rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}

async function shopRows() {
  const org = await env.db.org.findUniqueOrThrow({ where: { login: "acme" }, select: { id: true, login: true } });
  const rows = await exportFindings(env.db, org, { status: "open", repo: "shop", sort: "path", dir: "asc", page: 1, pageSize: 500 });
  return rows.filter((r) => r.repo === "shop");
}

function sarifFingerprints(log: SarifLog): string[] {
  return log.runs.flatMap((r) => r.results.map((x) => Object.values(x.partialFingerprints)[0])).sort();
}

beforeAll(async () => {
  env = await scanEnv((fixture) => writeRepo(fixture, { ".github/workflows/shop.yml": WORKFLOW, ".github/workflows/images.yml": IMAGES }));
  repoDir = path.join(env.fixture, "repos", "shop");
  const s = await runScan(env.db, { config: env.config, trigger: "manual" });
  expect(s.status).toBe("succeeded");
}, 120_000);

afterAll(async () => {
  await env?.close();
});

describe("finding identity", () => {
  it("stores every distinct finding: three pulls of one cache ref and two builds of one gha scope", async () => {
    const rows = await shopRows();
    const pulls = rows.filter((r) => r.ruleId === "cache-ref-used-as-image");
    const scopes = rows.filter((r) => r.ruleId === "gha-cache-scope-shared");
    expect(pulls.map((r) => r.line)).toEqual([16, 17, 22]);
    expect(scopes.map((r) => r.line)).toEqual([13, 21]);
    expect(new Set(rows.map((r) => r.fingerprint)).size).toBe(rows.length);
  });

  it("check and the scan report the same findings, with the same SARIF fingerprints", async () => {
    const json = await cli(["check", repoDir, "--format", "json"], env.dir);
    const checked = (JSON.parse(json.stdout) as { findings: Array<{ ruleId: string; line: number; fingerprint: string }> }).findings;
    const rows = await shopRows();
    expect(checked.length).toBe(rows.length);
    expect(checked.map((f) => `${f.ruleId}:${f.line}`).sort()).toEqual(rows.map((r) => `${r.ruleId}:${r.line}`).sort());

    const sarif = await cli(["check", repoDir, "--format", "sarif"], env.dir);
    const fromCli = sarifFingerprints(JSON.parse(sarif.stdout) as SarifLog);
    const fromDashboard = sarifFingerprints(findingsToSarif("acme", rows, "http://127.0.0.1") as unknown as SarifLog);
    expect(new Set(fromCli).size).toBe(rows.length);
    expect(fromDashboard).toEqual(fromCli);
    expect(checked.map((f) => f.fingerprint).sort()).toEqual(fromCli);
  });

  it("keeps every fingerprint when lines move and steps are inserted", async () => {
    const before = await shopRows();
    // a comment and a step above everything; the pulls and builds keep their jobs and places
    const moved = WORKFLOW.replace("jobs:\n", "# moved down\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo lint\n")
      .replace("  smoke:\n    needs: build\n    runs-on: ubuntu-latest\n    steps:\n", "  smoke:\n    needs: build\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo warm-up\n");
    const images = IMAGES.replace("    steps:\n", "    steps:\n      - uses: actions/checkout@v4\n");
    writeRepo(env.fixture, { ".github/workflows/shop.yml": moved, ".github/workflows/images.yml": images });
    const s = await runScan(env.db, { config: env.config, trigger: "manual" });
    expect(s.status).toBe("succeeded");
    const after = await shopRows();
    expect(after.map((r) => r.fingerprint).sort()).toEqual(before.map((r) => r.fingerprint).sort());
    expect(after.every((r) => !r.isNew)).toBe(true);
    // the lines did move: the stored positions follow the file
    expect(after.filter((r) => r.ruleId === "cache-ref-used-as-image").map((r) => r.line)).toEqual([22, 23, 28]);
    const resolved = await env.db.finding.count({ where: { resolvedScanId: s.scanId } });
    expect(resolved).toBe(0);
    writeRepo(env.fixture, { ".github/workflows/shop.yml": WORKFLOW, ".github/workflows/images.yml": IMAGES });
    expect(readFileSync(path.join(repoDir, ".github/workflows/shop.yml"), "utf8")).toBe(WORKFLOW);
  }, 120_000);

  it("re-keys rows stored with the 0.1 fingerprint, keeping their first-seen scan", async () => {
    // What 0.1 stored: one row per rule + repo + file + ref, keyed by the legacy fingerprint.
    const all = await env.db.finding.findMany({ where: { resolvedScanId: null }, include: { repo: { select: { name: true } } }, orderBy: { id: "asc" } });
    const kept = new Map<string, (typeof all)[number]>();
    for (const f of all) {
      const legacy = legacyFingerprint({ ruleId: f.ruleId, repo: f.repo ? `acme/${f.repo.name}` : undefined, path: f.path, ref: f.ref });
      if (kept.has(legacy)) await env.db.finding.delete({ where: { id: f.id } });
      else {
        kept.set(legacy, f);
        await env.db.finding.update({ where: { id: f.id }, data: { fingerprint: legacy, locationKey: null, firstSeenScanId: 1 } });
      }
    }
    const merged = all.length - kept.size;
    expect(merged).toBeGreaterThanOrEqual(3); // the shop repo's 5 were 2, at least

    const s = await runScan(env.db, { config: env.config, trigger: "manual" });
    expect(s.status).toBe("succeeded");
    const now = await env.db.finding.findMany({ where: { resolvedScanId: null } });
    // every legacy row was taken over by a current finding: same id, first seen in scan 1, re-keyed
    for (const [legacy, old] of kept) {
      const row = now.find((r) => r.id === old.id);
      expect(row, `${old.ruleId} ${old.path} ${old.ref}`).toBeDefined();
      expect(row!.firstSeenScanId).toBe(1);
      expect(row!.locationKey).not.toBeNull();
      expect(row!.fingerprint).not.toBe(legacy);
    }
    expect(now.filter((r) => r.locationKey === null)).toEqual([]);
    // the findings 0.1 had merged come back as new; nothing was resolved
    expect(now.length).toBe(all.length);
    expect(s.newCount).toBe(merged);
    expect(await env.db.finding.count({ where: { resolvedScanId: s.scanId } })).toBe(0);
  }, 120_000);
});
