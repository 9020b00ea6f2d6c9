import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGitHub, startFakeGitHub } from "@/lib/demo/fake-github/server";
import { runScan, type ScanSummary } from "@/lib/server/scan";
import { type ScanEnv, scanEnv } from "./scan-helpers";

/**
 * Issue 5, "must show": the demo org scanned with 20 % injected faults (every kind, seeded) ends
 * succeeded or partial, finds exactly what a fault-free scan finds in every repo it completed,
 * and loses no earlier finding anywhere else.
 */
const FAULT_RATE = 0.2;
const SEEDS = process.env.CG_FAULT_SEEDS ? process.env.CG_FAULT_SEEDS.split(",").map(Number) : [7, 42, 1234, 2026];

type FindingRow = { fingerprint: string; repoId: number | null; resolvedScanId: number | null };

function byRepo(rows: FindingRow[]): Map<number | null, string[]> {
  const m = new Map<number | null, string[]>();
  for (const r of rows) m.set(r.repoId, [...(m.get(r.repoId) ?? []), r.fingerprint].sort());
  return m;
}

/**
 * Run `fn` while counting HTTP requests repeated with the same method, URL and body: a retry.
 * (The scanner's clients call globalThis.fetch, looked up when the scan creates them.)
 */
async function countRepeats<T>(fn: () => Promise<T>): Promise<{ result: T; repeats: number }> {
  const seen = new Map<string, number>();
  const original = globalThis.fetch;
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const key = `${init?.method ?? "GET"} ${url} ${typeof init?.body === "string" ? init.body : ""}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    return original(input, init);
  }) as typeof fetch;
  try {
    const result = await fn();
    return { result, repeats: [...seen.values()].reduce((n, c) => n + c - 1, 0) };
  } finally {
    globalThis.fetch = original;
  }
}

let env: ScanEnv;
let cleanRepeats: number;
let clean: ScanSummary;
let cleanRequests: number;
let reference: FindingRow[];

beforeAll(async () => {
  env = await scanEnv();
  const run = await countRepeats(() => runScan(env.db, { config: env.config, trigger: "manual" }));
  clean = run.result;
  // requests a fault-free scan repeats on purpose (e.g. a registry token per package scope)
  cleanRepeats = run.repeats;
  const s = env.server.stats();
  cleanRequests = s.rest + s.graphql + s.registry;
  reference = await env.db.finding.findMany({ where: { resolvedScanId: null }, select: { fingerprint: true, repoId: true, resolvedScanId: true } });
}, 120_000);

afterAll(async () => {
  await env?.close();
});

describe("a scan with injected faults", () => {
  it("the fault-free scan is the reference: it succeeds and finds the demo org's problems", () => {
    expect(clean.status).toBe("succeeded");
    expect(reference.length).toBeGreaterThanOrEqual(10);
  });

  for (const seed of SEEDS) {
    it(`seed ${seed}: ends succeeded or partial, same findings for completed repos, none lost`, async () => {
      // as if every repo and package had changed: the faulty scan must read everything again
      await env.db.repo.updateMany({ data: { scannedHeadSha: null } });
      await env.db.package.updateMany({ data: { updatedAt: null } });
      await env.db.manifestKind.deleteMany();

      let faulty: FakeGitHub | null = null;
      try {
        const server = await startFakeGitHub({
          fixture: env.fixture,
          faults: { rate: FAULT_RATE, kinds: ["500", "502", "429", "403-secondary", "timeout", "truncated"], seed, timeoutMs: 1_500 },
        });
        faulty = server;
        const started = Date.now();
        const { result: summary, repeats } = await countRepeats(() => runScan(env.db, {
          config: { ...env.config, apiUrl: server.url, registryUrl: server.url }, trigger: "schedule",
        }));
        const stats = server.stats();
        const requests = stats.rest + stats.graphql + stats.registry;

        const repos = await env.db.repo.findMany({ select: { id: true, name: true, lastCompleteScanId: true } });
        const completed = repos.filter((r) => r.lastCompleteScanId === summary.scanId);
        const after = await env.db.finding.findMany({ select: { fingerprint: true, repoId: true, resolvedScanId: true } });
        const open = after.filter((f) => f.resolvedScanId === null);
        const scansCompleted = await env.db.scan.count({ where: { status: { in: ["succeeded", "partial"] } } });
        console.log(
          `[resilience-faults] seed ${seed}: faults injected ${stats.faults.injected} ${JSON.stringify(stats.faults.byKind)}, ` +
            `requests ${requests} vs ${cleanRequests} fault-free, retried ${repeats - cleanRepeats}, ` +
            `status ${summary.status}, repos completed ${completed.length}/${summary.repos}, repo errors ${summary.repoErrors.length}, ` +
            `scans completed ${scansCompleted}, findings kept ${open.length}/${reference.length}, ${Math.round((Date.now() - started) / 1000)} s` +
            (open.length < reference.length ? `\n  lost: ${reference.filter((r) => !open.some((o) => o.fingerprint === r.fingerprint)).map((r) => r.fingerprint).join(", ")}\n  repo errors: ${JSON.stringify(summary.repoErrors)}\n  warnings: ${JSON.stringify(summary.warnings)}` : ""),
        );
        expect(["succeeded", "partial"]).toContain(summary.status);
        const scan = await env.db.scan.findUniqueOrThrow({ where: { id: summary.scanId } });
        expect(scan.status).toBe(summary.status);
        // a partial scan says what it missed; a succeeded one has nothing to say
        if (summary.status === "partial") expect(JSON.parse(scan.repoErrors)).not.toEqual([]);
        else expect(summary.repoErrors).toEqual([]);

        // completed repos: exactly the fault-free findings, as stored and as the scan reported them
        const want = byRepo(reference);
        const got = byRepo(open);
        const seen = byRepo(summary.findings.map((f) => ({ fingerprint: f.fingerprint, repoId: open.find((o) => o.fingerprint === f.fingerprint)?.repoId ?? null, resolvedScanId: null })));
        for (const r of completed) {
          if (process.env.CG_FAULT_DEBUG && JSON.stringify(got.get(r.id) ?? []) !== JSON.stringify(want.get(r.id) ?? [])) {
            console.log(r.name, JSON.stringify(await env.db.finding.findMany({ where: { OR: [{ repoId: r.id }, { fingerprint: { in: want.get(r.id) ?? [] } }] }, select: { fingerprint: true, repoId: true, resolvedScanId: true, message: true, ref: true } }), null, 1));
          }
          expect(got.get(r.id) ?? [], `stored findings of ${r.name}`).toEqual(want.get(r.id) ?? []);
          expect(seen.get(r.id) ?? [], `findings scan #${summary.scanId} reported for ${r.name}`).toEqual(want.get(r.id) ?? []);
        }
        // nothing earlier lost: every reference finding is still open, nothing was resolved
        expect(open.map((f) => f.fingerprint).sort()).toEqual(reference.map((f) => f.fingerprint).sort());
        expect(summary.resolvedCount).toBe(0);
        expect(stats.faults.injected).toBeGreaterThan(0);
      } finally {
        await faulty?.close();
      }
    }, 240_000);
  }
});
