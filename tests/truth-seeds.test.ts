import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAULT_KINDS } from "@/lib/demo/fake-github/faults";
import { type Populated, lostFindings, populated, populatedCopy, rescanWithFaults, storedReason } from "./truth-helpers";

/**
 * A rescan of a populated database through a very bad network (60 % of requests fail, every fault
 * kind, on every endpoint) changes nothing a user relies on: whatever the seed, no finding is
 * resolved and no package or tag is forgotten, and a scan that is not complete says so.
 */
const RATE = 0.6;
const SEEDS = process.env.CG_TRUTH_SEEDS
  ? process.env.CG_TRUTH_SEEDS.split(",").map(Number)
  : Array.from({ length: 20 }, (_, i) => i + 1);

let p: Populated;

beforeAll(async () => {
  p = await populated();
}, 120_000);

afterAll(async () => {
  await p?.close();
});

describe.concurrent(`a populated database rescanned with ${RATE * 100} % faults`, () => {
  for (const [mode, reread] of [["plain rescan", false], ["everything re-read", true]] as const) {
    for (const seed of SEEDS) {
      it(`${mode}, seed ${seed}: nothing resolved, no package or tag forgotten`, async () => {
        const db = await populatedCopy(p, { reread });
        try {
          const { summary, after, server } = await rescanWithFaults(p, db, { rate: RATE, kinds: [...FAULT_KINDS], seed, timeoutMs: 1_000 });
          const resolved = await db.finding.findMany({ where: { resolvedScanId: { not: null } }, select: { fingerprint: true } });
          console.log(
            `[truth-seeds] ${mode}, seed ${seed}: ${server.faults.injected} faults ${JSON.stringify(server.faults.byKind)}, status ${summary.status}, ` +
              `errors ${summary.repoErrors.length}${summary.error ? ` (${summary.error.slice(0, 80)})` : ""}, resolved ${resolved.length}, ` +
              `packages ${after.packages.length}/${p.truth.packages.length}, tags ${after.tags.length}/${p.truth.tags.length}`,
          );
          // a plain rescan makes a handful of requests: a seed may miss them all, and then all is well
          if (reread) expect(server.faults.injected).toBeGreaterThan(0);
          else if (server.faults.injected === 0) expect(summary.status).toBe("succeeded");
          expect(resolved.map((f) => f.fingerprint), "resolved findings").toEqual([]);
          expect(summary.resolvedCount).toBe(0);
          expect(lostFindings(p.truth, after)).toEqual([]);
          expect(after.packages, "packages kept").toEqual(p.truth.packages);
          expect(after.tags, "tags kept").toEqual(p.truth.tags);
          const stored = await storedReason(db, summary.scanId);
          expect(stored.status).toBe(summary.status);
          if (summary.status !== "succeeded") expect(stored.reason, "an incomplete scan says why").not.toBe("");
        } finally {
          await db.$disconnect();
        }
      }, 300_000);
    }
  }
});
