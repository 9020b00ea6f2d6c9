import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FaultKind, FaultMatch } from "@/lib/demo/fake-github/faults";
import { runScan } from "@/lib/server/scan";
import { type Populated, lostFindings, populated, populatedCopy, rescanWithFaults, storedReason, truthOf } from "./truth-helpers";

/**
 * "Complete or failed" (DESIGN.md, Identity, completeness, coverage): a rescan of the unchanged demo
 * org through a fault on one list the scan relies on ends partial or failed and says why, resolves
 * nothing and forgets no package or tag; the next clean scan finds nothing new (history kept).
 */
const ENDPOINTS: Array<{ name: string; match: FaultMatch; kinds: FaultKind[] }> = [
  { name: "GraphQL repository listing", match: { route: "POST /graphql", query: /\brepositories\s*\(/ }, kinds: ["truncated", "disconnect", "500", "wrong-page-count"] },
  { name: "GraphQL workflow batches", match: { route: "POST /graphql", query: /\brepository\s*\(\s*owner/ }, kinds: ["truncated", "disconnect", "500"] },
  { name: "REST package list", match: "GET /orgs/:org/packages", kinds: ["truncated", "disconnect", "500", "wrong-page-count"] },
  { name: "registry tags/list", match: "GET /v2/:name/tags/list", kinds: ["truncated", "disconnect", "500", "404", "wrong-page-count"] },
  { name: "registry manifest reads", match: /^(GET|HEAD) \/v2\/.+\/manifests\//, kinds: ["truncated", "disconnect", "500", "404"] },
];

let p: Populated;

beforeAll(async () => {
  p = await populated();
}, 120_000);

afterAll(async () => {
  await p?.close();
});

describe.concurrent("a rescan through a fault on one list", () => {
  it("starts from a populated database: a clean scan with findings, registry findings, packages and tags", () => {
    expect(p.clean.status).toBe("succeeded");
    expect(p.truth.open.size).toBeGreaterThanOrEqual(10);
    expect(p.clean.findings.some((f) => f.ruleId === "registry-tag-holds-cache")).toBe(true);
    expect(p.truth.packages.length).toBeGreaterThanOrEqual(10);
    expect(p.truth.tags.length).toBeGreaterThan(p.truth.packages.length);
  });

  for (const e of ENDPOINTS) {
    for (const kind of e.kinds) {
      it(`${kind} on the ${e.name}: partial or failed with the reason, nothing resolved, nothing forgotten`, async () => {
        const db = await populatedCopy(p);
        try {
          const run = await rescanWithFaults(p, db, { rate: 1, kinds: [kind], match: e.match, timeoutMs: 1_000 });
          const { summary, after } = run;
          expect(run.server.faults.injected, "the fault was met").toBeGreaterThan(0);
          expect(["partial", "failed"]).toContain(summary.status);
          const stored = await storedReason(db, summary.scanId);
          expect(stored.status).toBe(summary.status);
          expect(stored.reason, "the scan says why it is not complete").not.toBe("");
          expect(summary.resolvedCount).toBe(0);
          expect(await db.finding.count({ where: { resolvedScanId: summary.scanId } })).toBe(0);
          expect(lostFindings(p.truth, after), "findings resolved or re-created").toEqual([]);
          expect(after.packages, "packages kept").toEqual(p.truth.packages);
          expect(after.tags, "tags kept").toEqual(p.truth.tags);

          // the next clean scan: nothing new, nothing resolved, the same findings with their history
          const next = await runScan(db, { config: p.env.config, trigger: "manual" });
          expect(next.status).toBe("succeeded");
          expect([next.newCount, next.resolvedCount]).toEqual([0, 0]);
          const healed = await truthOf(db);
          expect(lostFindings(p.truth, healed)).toEqual([]);
          expect([healed.packages, healed.tags]).toEqual([p.truth.packages, p.truth.tags]);
        } finally {
          await db.$disconnect();
        }
      }, 120_000);
    }
  }
});

describe.concurrent("one fault that a retry heals", () => {
  const once: Array<{ name: string; match: FaultMatch; kind: FaultKind }> = [
    { name: "a REST package page cut short", match: "GET /orgs/:org/packages", kind: "truncated" },
    { name: "a package list that skips a page", match: "GET /orgs/:org/packages", kind: "wrong-page-count" },
    { name: "a repository page short of its totalCount", match: { route: "POST /graphql", query: /\brepositories\s*\(/ }, kind: "wrong-page-count" },
    { name: "a tags/list page whose Link skips a tag", match: "GET /v2/:name/tags/list", kind: "wrong-page-count" },
    { name: "a manifest body dropped mid-way", match: /^GET \/v2\/.+\/manifests\//, kind: "disconnect" },
  ];
  for (const c of once) {
    it(`${c.name}: read again, the scan succeeds with everything kept`, async () => {
      const db = await populatedCopy(p);
      try {
        const { summary, after, server } = await rescanWithFaults(p, db, { rate: 1, max: 1, kinds: [c.kind], match: c.match });
        expect(server.faults.injected).toBe(1);
        expect(summary.status, JSON.stringify(summary.repoErrors)).toBe("succeeded");
        expect([summary.newCount, summary.resolvedCount]).toEqual([0, 0]);
        expect(lostFindings(p.truth, after)).toEqual([]);
        expect([after.packages, after.tags]).toEqual([p.truth.packages, p.truth.tags]);
      } finally {
        await db.$disconnect();
      }
    }, 120_000);
  }
});
