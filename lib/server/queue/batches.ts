import { type RequestStats, createGitHub, newStats } from "@/lib/github/client";
import type { Db } from "@/lib/server/db";
import type { Queue } from "@/lib/server/queue/boss";
import { type BatchPayload, packagesInput, reposInput } from "@/lib/server/queue/jobs";
import { analyzeWhenDone, completeBatch, scanActive } from "@/lib/server/queue/progress";
import { mapLimit, packageReader, readPackageTags } from "@/lib/server/scan/packages";
import { readRepoBatch } from "@/lib/server/scan/repos";
import { readStorageBatch } from "@/lib/server/queue/storage";
import { packagesClient } from "@/lib/server/scan/run";
import type { RegistryEvidence, ScanConfig } from "@/lib/server/scan/types";

export interface BatchOutcome {
  items: number;
  errors: number;
  /** another attempt of a batch a worker took before (a retry after a kill or an expiry) */
  retried: boolean;
}

/**
 * `scan.repos` / `scan.packages`: read one batch with the in-process scan's functions (readRepoBatch,
 * readPackageTags), which store as they read by replacing what a repository or package holds, so a
 * batch read twice stores the same rows once. Then done, counted, and the analysis enqueued when it was
 * the last batch. A batch that is done already (its worker died after finishing it) only asks for the analysis.
 */
export async function runBatch(db: Db, queue: Queue, payload: BatchPayload, config: ScanConfig): Promise<BatchOutcome | null> {
  const scan = await scanActive(db, payload.scanId);
  if (!scan) return null;
  const key = { scanId_kind_batch: { scanId: scan.id, kind: payload.kind, batch: payload.batch } };
  const job = await db.scanJob.findUnique({ where: key });
  if (!job) throw new Error(`scan #${scan.id} has no ${payload.kind} batch ${payload.batch}`);
  if (job.done) {
    await analyzeWhenDone(db, queue, payload);
    return null;
  }
  await db.scanJob.update({ where: { id: job.id }, data: { attempts: { increment: 1 } } });
  const stats: RequestStats = newStats();
  const gh = createGitHub({ apiUrl: config.apiUrl, token: config.token, app: config.app ? { org: config.org, ...config.app } : undefined }, stats);
  let outcome: BatchOutcome;
  if (payload.kind === "storage") {
    const pages = await readStorageBatch(db, queue, config, payload, scan.orgId, job);
    // -1: its time was up and it goes on in a new job, which asks for the analysis when it is done
    if (pages < 0) return null;
    outcome = { items: pages, errors: 0, retried: job.attempts > 0 && payload.round === undefined };
  } else if (payload.kind === "repos") {
    const { repos } = reposInput.parse(JSON.parse(job.input));
    const rows = new Map((await db.repo.findMany({ where: { orgId: scan.orgId, name: { in: repos.map((r) => r.name) } } })).map((r) => [r.name, r]));
    const got = await readRepoBatch(db, gh, config, scan.id, repos, rows);
    await completeBatch(db, scan.id, job.id, { errors: got.errors, warnings: got.warnings }, repos.length, stats);
    outcome = { items: repos.length, errors: got.errors.length, retried: job.attempts > 0 };
  } else {
    const { packages } = packagesInput.parse(JSON.parse(job.input));
    const packagesGh = packagesClient(config, gh, stats);
    if (!packagesGh) throw new Error("this worker cannot read packages (a GitHub App without GHCR_TOKEN)");
    const evidence: RegistryEvidence = { packagesComplete: true, packages: new Map() };
    const reader = packageReader(db, stats, config, scan.orgId, evidence);
    const stored = new Map((await db.package.findMany({ where: { orgId: scan.orgId, name: { in: packages.map((p) => p.name) } } })).map((r) => [r.name, r]));
    await mapLimit(packages, reader.concurrency, (p) => readPackageTags(reader, p, stored.get(p.name)));
    const result = {
      errors: reader.errors,
      evidence: [...evidence.packages].map(([name, e]) => ({ name, listed: e.listed ? [...e.listed] : null, current: [...e.current] })),
    };
    await completeBatch(db, scan.id, job.id, result, 0, stats);
    outcome = { items: packages.length, errors: reader.errors.length, retried: job.attempts > 0 };
  }
  await analyzeWhenDone(db, queue, payload);
  return outcome;
}

