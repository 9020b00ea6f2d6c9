/**
 * Coverage is visible (issue "truth", item 3): every file a scan did not analyse is stored with the
 * reason, per scan and repository, and shown where a user looks: the scan's summary and `cacheguard
 * scan` output, the repo page, the scan's page and the report's coverage line. A rescan that reuses
 * the stored files (nothing changed) still says what it could not read.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run as scanCommand } from "@/lib/cli/commands/scan";
import { getRepo } from "@/lib/server/queries/repos";
import { getScanDetail } from "@/lib/server/queries/scans";
import { reportSummary } from "@/lib/server/queries/summary";
import { runScan, type ScanSummary } from "@/lib/server/scan";
import { type ScanEnv, scanEnv, hubEnv } from "./scan-helpers";

const SEED_STEP = `      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/acme/odd:test
          cache-to: type=registry,ref=ghcr.io/acme/odd:test,mode=max
`;
const bomb = () => {
  const lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 8; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(",")}]`);
  return `name: bomb\non: push\n${lines.join("\n")}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n${SEED_STEP}`;
};

/** The reasons a real organization's files are not analysed, one file each, in repo `odd`. */
function addOddRepo(fixture: string): void {
  const files: Record<string, string | Buffer> = {
    ".github/workflows/good.yml": `name: good\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n${SEED_STEP}`,
    // a YAML syntax error hides the same mistake
    ".github/workflows/broken.yml": `name: broken\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n${SEED_STEP}      - run: echo "unterminated\n    bad: [\n`,
    ".github/workflows/binary.yml": Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x00, 0x01, 0x02, 0xff]),
    ".github/workflows/latin1.yml": Buffer.concat([Buffer.from("name: caf"), Buffer.from([0xe9]), Buffer.from("\non: push\njobs: {}\n")]),
    ".github/workflows/bomb.yml": bomb(),
  };
  for (const [rel, body] of Object.entries(files)) {
    const file = path.join(fixture, "repos", "odd", rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, body);
  }
}

let env: ScanEnv;
let first: ScanSummary;

beforeAll(async () => {
  env = await scanEnv(addOddRepo);
  first = await runScan(env.db, { config: env.config, trigger: "manual" });
}, 120_000);

afterAll(async () => {
  await env?.close();
});

const odd = (s: ScanSummary) => s.coverage!.notAnalysed.filter((m) => m.repo === "odd").map((m) => `${m.path}: ${m.message}`);

describe("coverage", () => {
  it("names every file the scan did not analyse, with the reason, and still succeeds", () => {
    expect(first.status).toBe("succeeded");
    const missed = odd(first);
    expect(missed.find((m) => m.startsWith(".github/workflows/broken.yml:"))).toMatch(/YAML syntax error/);
    expect(missed.find((m) => m.startsWith(".github/workflows/binary.yml:"))).toMatch(/binary/);
    expect(missed.find((m) => m.startsWith(".github/workflows/latin1.yml:"))).toMatch(/not valid UTF-8/);
    expect(missed.find((m) => m.startsWith(".github/workflows/bomb.yml:"))).toMatch(/alias/i);
    expect(missed.some((m) => m.startsWith(".github/workflows/good.yml"))).toBe(false);
    // the demo org's own unanalysable workflow is counted too
    expect(first.coverage!.notAnalysed.filter((m) => m.repo === "release-bot").map((m) => m.path)).toEqual([".github/workflows/release.yml"]);
    const distinct = new Set(first.coverage!.notAnalysed.map((m) => `${m.repo}/${m.path}`));
    expect(first.coverage!.files - first.coverage!.analysed).toBe(distinct.size);
    // the good file's finding is there; the broken one's (same mistake) is not claimed either way
    expect(first.findings.filter((f) => f.repo === "acme/odd").map((f) => `${f.ruleId} ${f.path}`)).toEqual(["cache-overwrites-image-tag .github/workflows/good.yml"]);
  });

  it("stores it with the scan and shows it on the repo page, the scan page and the report", async () => {
    const org = await env.db.org.findUniqueOrThrow({ where: { login: "acme" }, select: { id: true, login: true } });
    const scan = await env.db.scan.findUniqueOrThrow({ where: { id: first.scanId } });
    expect(scan.filesTotal).toBe(first.coverage!.files);
    expect(scan.filesAnalysed).toBe(first.coverage!.analysed);

    const repo = await getRepo(env.db, org, "odd");
    expect(repo!.coverage!.scanId).toBe(first.scanId);
    expect([...new Set(repo!.coverage!.notAnalysed.map((f) => f.path))].sort()).toEqual([
      ".github/workflows/binary.yml", ".github/workflows/bomb.yml", ".github/workflows/broken.yml", ".github/workflows/latin1.yml",
    ]);
    expect(repo!.coverage!.notAnalysed.find((f) => f.path.endsWith("binary.yml"))!.kind).toBe("unread");
    // a repository that analysed everything says nothing
    expect((await getRepo(env.db, org, "web"))!.coverage!.notAnalysed).toEqual([]);

    const detail = await getScanDetail(env.db, org, first.scanId);
    expect(detail!.issues.filter((i) => i.kind !== "warning").map((i) => `${i.repo}/${i.path}`)).toContain("odd/.github/workflows/broken.yml");

    const summary = await reportSummary(env.db, org);
    expect(summary.coverage).toMatchObject({ scanId: first.scanId, files: first.coverage!.files, analysed: first.coverage!.analysed });
    expect(summary.coverage!.notAnalysed.length).toBeGreaterThan(0);
    expect(summary.coverage!.notAnalysed.length).toBeLessThanOrEqual(5);
  });

  it("the repo page's build map is the one the scan stored, not an analysis of the stored files", async () => {
    const org = await env.db.org.findUniqueOrThrow({ where: { login: "acme" }, select: { id: true, login: true } });
    const row = await env.db.repo.findUniqueOrThrow({ where: { orgId_name: { orgId: org.id, name: "odd" } } });
    const files = await env.db.sourceFile.findMany({ where: { repoId: row.id } });
    // without its stored files the page still shows what the scan found
    await env.db.sourceFile.deleteMany({ where: { repoId: row.id } });
    try {
      const repo = await getRepo(env.db, org, "odd");
      expect(repo!.buildMap!.builds.map((b) => `${b.path} ${b.tags.map((t) => t.ref).join(",")}`)).toEqual([".github/workflows/good.yml ghcr.io/acme/odd:test"]);
      expect(repo!.buildMap!.builds[0].cacheTo.map((c) => c.ref)).toEqual(["ghcr.io/acme/odd:test"]);
    } finally {
      await env.db.sourceFile.createMany({ data: files.map(({ id: _id, ...f }) => f) });
    }
  });

  it("a rescan of the unchanged org still reports the files it could not read", async () => {
    const again = await runScan(env.db, { config: env.config, trigger: "manual" });
    expect(again.reposSkipped).toBe(again.repos);
    expect(odd(again).sort()).toEqual(odd(first).sort());
    expect(again.coverage!.files).toBe(first.coverage!.files);
  }, 120_000);

  it("`cacheguard scan` says so in its status line and lists the files", async () => {
    let stdout = "";
    let stderr = "";
    const code = await scanCommand(
      ["--org", "acme", "--api-url", env.server.url, "--registry-url", env.server.url],
      { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) },
      { DATABASE_URL: env.dbUrl, GITHUB_TOKEN: "demo-token", ...hubEnv(env.server) },
    );
    expect(code, stderr).toBe(1);
    const missed = first.coverage!.files - first.coverage!.analysed;
    expect(stdout).toMatch(new RegExp(`^Scan #\\d+ of acme: succeeded, ${missed} files not analysed$`, "m"));
    expect(stdout).toMatch(/coverage: \d+ of \d+ files analysed; \d+ not/);
    expect(stdout).toContain("~ odd: .github/workflows/broken.yml:");
    expect(stdout).toContain("~ release-bot: .github/workflows/release.yml:");

    stdout = "";
    await scanCommand(
      ["--org", "acme", "--api-url", env.server.url, "--registry-url", env.server.url, "--format", "json"],
      { stdout: (s) => (stdout += s), stderr: () => {} },
      { DATABASE_URL: env.dbUrl, GITHUB_TOKEN: "demo-token", ...hubEnv(env.server) },
    );
    const json = JSON.parse(stdout) as { scan: { coverage: { files: number; analysed: number; notAnalysed: Array<{ repo: string; path: string }> } } };
    expect(json.scan.coverage.files - json.scan.coverage.analysed).toBe(missed);
    expect(json.scan.coverage.notAnalysed.map((m) => `${m.repo}/${m.path}`)).toContain("odd/.github/workflows/bomb.yml");
  }, 120_000);
});

describe("a file that could not be read for now", () => {
  it("makes its repository incomplete (findings kept), never a file 'not analysed' that resolves them", async () => {
    // a workflow over GitHub's 512,000-byte GraphQL text limit: its text comes by REST (git/blobs)
    const big = `name: big\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n${SEED_STEP}${"      - run: echo padding\n".repeat(22_000)}`;
    const e = await scanEnv((fixture) => {
      const file = path.join(fixture, "repos", "bulky", ".github", "workflows", "big.yml");
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, big);
    });
    try {
      const clean = await runScan(e.db, { config: e.config, trigger: "manual" });
      expect(clean.findings.filter((f) => f.repo === "acme/bulky").map((f) => f.ruleId)).toEqual(["cache-overwrites-image-tag"]);
      // the repo changes (so it is read again) and every blob read by REST fails
      writeFileSync(path.join(e.fixture, "repos", "bulky", "README.md"), "changed\n");
      const { startFakeGitHub } = await import("@/lib/demo/fake-github/server");
      const faulty = await startFakeGitHub({ fixture: e.fixture, port: 0, faults: { rate: 1, kinds: ["500"], match: "GET /repos/:owner/:repo/git/blobs/:sha" } });
      try {
        const s = await runScan(e.db, { config: { ...e.config, apiUrl: faulty.url, registryUrl: faulty.url }, trigger: "manual" });
        expect(s.status).toBe("partial");
        expect(s.repoErrors.map((r) => r.repo)).toEqual(["bulky"]);
        expect(s.resolvedCount).toBe(0);
        expect(await e.db.finding.count({ where: { repo: { name: "bulky" }, resolvedScanId: null } })).toBe(1);
      } finally {
        await faulty.close();
      }
    } finally {
      await e.close();
    }
  }, 180_000);
});
