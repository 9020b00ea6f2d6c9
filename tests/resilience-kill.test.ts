import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGitHub, startFakeGitHub } from "@/lib/demo/fake-github/server";
import { runScan } from "@/lib/server/scan";
import { type ScanEnv, scanEnv, hubEnv } from "./scan-helpers";

/**
 * Issue 5, "must show": a scan killed mid-way (SIGKILL: no cleanup runs) is found `interrupted`
 * by the next scan, which completes; no finding is lost or changed on the way.
 */
const ROOT = path.resolve(import.meta.dirname, "..");

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

let env: ScanEnv;
let slow: FakeGitHub;

beforeAll(async () => {
  env = await scanEnv();
  // slow enough that a full scan takes several seconds
  slow = await startFakeGitHub({ fixture: env.fixture, latencyMs: 250 });
}, 60_000);

afterAll(async () => {
  await slow?.close();
  await env?.close();
});

function startCliScan(): { child: ChildProcess; output: () => string } {
  // `npx tsx lib/cli/main.ts scan …` in one process (tsx as a loader, not a wrapper that forks):
  // the scan's own process is our child, so SIGKILL hits it and we reap it (no zombie left behind)
  const child = spawn(process.execPath, ["--import", "tsx", "lib/cli/main.ts", "scan", "--org", "acme", "--api-url", slow.url, "--registry-url", slow.url], {
    cwd: ROOT, stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, GITHUB_TOKEN: "demo-token", DATABASE_URL: env.dbUrl, NO_COLOR: "1", ...hubEnv(slow) },
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

describe("a scan killed mid-way", () => {
  it("is marked interrupted by the next scan, which completes with the findings intact", async () => {
    const first = await runScan(env.db, { config: env.config, trigger: "manual" });
    expect(first.status).toBe("succeeded");
    const before = await env.db.finding.findMany({ where: { resolvedScanId: null }, select: { fingerprint: true, lastSeenScanId: true } });
    expect(before.length).toBeGreaterThanOrEqual(10);
    // as if every repo had new commits: the next scan has real work to do
    await env.db.repo.updateMany({ data: { scannedHeadSha: null } });
    await env.db.package.updateMany({ data: { updatedAt: null } });

    const { child, output } = startCliScan();
    let killed: { id: number; phase: string; reposDone: number; pid: number | null } | null = null;
    try {
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && child.exitCode === null) {
        const running = await env.db.scan.findFirst({ where: { status: "running", trigger: "cli" } });
        // mid-way: past listing, reading repositories or packages
        if (running && ["workflows", "bake-files", "packages", "workflows+packages"].includes(running.phase)) {
          killed = { id: running.id, phase: running.phase, reposDone: running.reposDone, pid: running.pid };
          break;
        }
        await sleep(100);
      }
      expect(killed, `the CLI scan never got going:\n${output()}`).not.toBeNull();
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once("exit", r)));

    // nothing ran on the way out: the row still says running
    const left = await env.db.scan.findUniqueOrThrow({ where: { id: killed!.id } });
    expect(left).toMatchObject({ status: "running", finishedAt: null });
    expect(left.pid).not.toBe(process.pid);
    expect(left.pid).toBe(child.pid);

    const next = await runScan(env.db, { config: env.config, trigger: "manual" });
    const dead = await env.db.scan.findUniqueOrThrow({ where: { id: killed!.id } });
    expect(dead.status).toBe("interrupted");
    expect(dead.activeKey).toBeNull();
    expect(dead.error).toMatch(/Interrupted/);
    expect(next.status).toBe("succeeded");
    expect(next.scanId).toBeGreaterThan(killed!.id);

    const after = await env.db.finding.findMany({ where: { resolvedScanId: null }, select: { fingerprint: true, lastSeenScanId: true } });
    expect(after.map((f) => f.fingerprint).sort()).toEqual(before.map((f) => f.fingerprint).sort());
    // each was seen by the next scan (it reports them; their rows, unchanged, are not rewritten)
    const seen = new Set([...next.findings, ...next.suppressed].map((f) => f.fingerprint));
    expect(after.every((f) => seen.has(f.fingerprint))).toBe(true);
    expect(next.resolvedCount).toBe(0);
    expect(next.newCount).toBe(0);
    console.log(
      `[resilience-kill] killed scan #${killed!.id} (pid ${killed!.pid}) in phase ${killed!.phase} at ${killed!.reposDone} repos; ` +
        `it was marked ${dead.status}; scan #${next.scanId} ${next.status} with ${after.length}/${before.length} findings kept`,
    );
  }, 120_000);
});
