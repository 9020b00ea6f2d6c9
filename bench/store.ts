/**
 * Storing findings (`--only store --findings 100000`): a scan that finds N findings in an org whose
 * database holds none, a rescan that finds the same ones (nothing to write), and a rescan where 1 %
 * changed (half moved a line, a quarter fixed, a quarter new). Times persistFindings and reports the rows
 * each wrote (Prisma's counts). The database is a temp SQLite file unless `--database-url` names another
 * or `--database postgres` starts a throwaway PostgreSQL (bench/run.ts).
 */
import path from "node:path";
import type { Finding } from "../lib/engine/types";
import { createDb } from "../lib/server/db";
import { type Provider, providerOf } from "../lib/server/dialect";
import { ensureDatabase } from "../lib/server/migrate";
import { persistFindings } from "../lib/server/scan/findings";
import { BENCH_RULES } from "./seed-findings";

export interface StoreStep { name: string; findings: number; ms: number; written: { created: number; updated: number; resolved: number }; rowsWritten: number }
export interface StoreRun { /** which database stored them */ database: Provider; findings: number; repos: number; /** rows the 1 % rescan had to write (moved + fixed + new) */ changed: number; steps: StoreStep[] }

function synthetic(n: number, repos: number, from = 0): Finding[] {
  return Array.from({ length: n }, (_, j) => {
    const i = from + j;
    const [ruleId, severity] = BENCH_RULES[i % BENCH_RULES.length];
    const repo = `acme/service-${String(i % repos).padStart(4, "0")}`;
    const ref = `ghcr.io/${repo}:t${i}`;
    return {
      ruleId, severity: severity as Finding["severity"], confidence: "high", repo, path: `.github/workflows/build-${i % 5}.yml`,
      line: 10 + (i % 200), column: 11, ref, key: `job:build-${i}/step:0/cache`,
      message: `The build pushes ${ref} and exports its registry cache to the same tag: the cache manifest replaces the image.`,
      fix: { description: "Export the cache to its own tag.", diff: `--- a/x\n+++ b/x\n-${ref}\n+${ref}-cache\n` },
    };
  });
}

export async function benchStore(opts: { tmp: string; findings: number; repos?: number; databaseUrl?: string }): Promise<StoreRun> {
  const n = opts.findings;
  const repos = opts.repos ?? 1000;
  const url = opts.databaseUrl ?? `file:${path.join(opts.tmp, "store.db")}`;
  await ensureDatabase(url);
  const db = createDb(url);
  try {
    const org = await db.org.create({ data: { login: "acme" } });
    await db.repo.createMany({ data: Array.from({ length: repos }, (_, i) => ({ orgId: org.id, name: `service-${String(i).padStart(4, "0")}` })) });
    const repoRows = await db.repo.findMany({ where: { orgId: org.id }, select: { id: true, name: true } });
    const repoIds = new Map(repoRows.flatMap((r) => [[`acme/${r.name}`, r.id], [r.name, r.id]] as Array<[string, number]>));
    const resolvable = new Set(repoRows.map((r) => r.id));
    const steps: StoreStep[] = [];
    const run = async (name: string, findings: Finding[]) => {
      const scan = await db.scan.create({ data: { orgId: org.id, trigger: "bench", status: "running" } });
      const t0 = performance.now();
      const r = await persistFindings(db, {
        orgId: org.id, scanId: scan.id, findings, repoIds, resolvableRepoIds: resolvable, registry: { packagesComplete: true, packages: new Map() },
      });
      const ms = Math.round(performance.now() - t0);
      await db.scan.update({ where: { id: scan.id }, data: { status: "succeeded", finishedAt: new Date(), openCount: r.openCount } });
      steps.push({ name, findings: findings.length, ms, written: r.written, rowsWritten: r.written.created + r.written.updated + r.written.resolved });
    };
    const first = synthetic(n, repos);
    await run("first scan", first);
    await run("rescan, nothing changed", first);
    // 1 %: half of it moved down a line, a quarter fixed (gone), a quarter new
    const changed = Math.max(4, Math.round(n / 100));
    const moved = new Set(Array.from({ length: changed / 2 }, (_, j) => j * 97 % n));
    const gone = new Set(Array.from({ length: changed / 4 }, (_, j) => (j * 89 + 13) % n));
    const next = first.map((f, i) => (moved.has(i) ? { ...f, line: f.line + 1 } : f)).filter((_, i) => !gone.has(i) || moved.has(i));
    await run("rescan, 1 % changed", [...next, ...synthetic(changed / 4, repos, n)]);
    const expected = moved.size + [...gone].filter((i) => !moved.has(i)).length + changed / 4;
    return { database: providerOf(url), findings: n, repos, changed: expected, steps };
  } finally {
    await db.$disconnect();
  }
}
