import path from "node:path";
import { describe, expect, it } from "vitest";
import { startFakeGitHub } from "@/lib/demo/fake-github/server";

const DEMO = path.resolve(import.meta.dirname, "../lib/demo/fixture");
const AUTH = { authorization: "Bearer demo-token" };

/** Outcome of one request as a client sees it: a status, or "broken" when the body never completes. */
async function outcome(url: string): Promise<string> {
  try {
    const res = await fetch(url, { headers: AUTH, signal: AbortSignal.timeout(2_000) });
    const text = await res.text();
    if (res.status === 200) JSON.parse(text);
    return String(res.status);
  } catch {
    return "broken";
  }
}

describe("fault injection", () => {
  it("injects the chosen faults at about the chosen rate, the same ones for the same seed", async () => {
    const run = async () => {
      const gh = await startFakeGitHub({ fixture: DEMO, faults: { rate: 0.4, kinds: ["500", "403-secondary", "truncated"], seed: 42 } });
      try {
        const seen: string[] = [];
        for (let i = 0; i < 60; i++) seen.push(await outcome(`${gh.url}/repos/acme/api/contents/.github/workflows/ci.yml`));
        return { seen, stats: gh.stats() };
      } finally {
        await gh.close();
      }
    };
    const a = await run();
    const b = await run();
    expect(a.seen).toEqual(b.seen);
    expect(new Set(a.seen)).toEqual(new Set(["200", "500", "403", "broken"]));
    expect(a.stats.faults.injected).toBe(a.seen.filter((s) => s !== "200").length);
    expect(a.stats.faults.injected).toBeGreaterThan(10);
    expect(a.stats.faults.injected).toBeLessThan(40);
    expect(a.stats.rest).toBe(60);
  });

  it("holds a request on a timeout fault until the client gives up", async () => {
    const gh = await startFakeGitHub({ fixture: DEMO, faults: { rate: 1, kinds: ["timeout"], timeoutMs: 10_000 } });
    try {
      const started = Date.now();
      const err = await fetch(`${gh.url}/orgs/acme`, { headers: AUTH, signal: AbortSignal.timeout(300) }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      // the stats endpoint never faults, so a test can always read the counts
      expect(await (await fetch(`${gh.url}/__stats`)).json()).toMatchObject({ rest: 1, faults: { injected: 1, byKind: { timeout: 1 } } });
    } finally {
      await gh.close();
    }
  });
});
