import { type RequestStats, createGitHub, newStats } from "@/lib/github/client";
import { listContainerPackages } from "@/lib/github/packages";
import { chunks } from "@/lib/server/chunk";
import type { Db } from "@/lib/server/db";
import type { Queue } from "@/lib/server/queue/boss";
import { type PlanResult, QUEUES, type ScanPayload, jobId } from "@/lib/server/queue/jobs";
import { addRequests, analyzeWhenDone, scanActive } from "@/lib/server/queue/progress";
import { concurrentProgress, progressReporter } from "@/lib/server/scan/lifecycle";
import { REGISTRY_NOT_READ, dropGonePackages, planPackages } from "@/lib/server/scan/packages";
import { listRepoWork } from "@/lib/server/scan/repos";
import { packagesClient } from "@/lib/server/scan/run";
import type { ScanConfig } from "@/lib/server/scan/types";

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * `scan.plan`: list the org's repositories and packages as the in-process scan does (the same
 * functions), store the listing, and cut what needs reading into batch jobs, recorded as ScanJob rows
 * with the plan in one transaction. A retried plan whose rows exist only sends the jobs again (their ids
 * make that a no-op for those sent already); one that died before them plans again from the start.
 */
export async function runPlan(db: Db, queue: Queue, payload: ScanPayload, config: ScanConfig, log: (line: string) => void): Promise<void> {
  const scan = await scanActive(db, payload.scanId);
  if (!scan) return;
  const { scanId, orgId } = { scanId: scan.id, orgId: scan.orgId };
  const planned = await db.scanJob.findUnique({ where: { scanId_kind_batch: { scanId, kind: "plan", batch: 0 } } });
  if (!planned?.done) {
    await db.scan.update({ where: { id: scanId }, data: { status: "running", heartbeatAt: new Date() } });
    const stats: RequestStats = newStats();
    const gh = createGitHub({ apiUrl: config.apiUrl, token: config.token, app: config.app ? { org: config.org, ...config.app } : undefined }, stats);
    await gh.ready();
    const progress = progressReporter(db, scanId);
    const both = concurrentProgress(progress);
    const packagesGh = packagesClient(config, gh, stats);
    // the package list beside the repository listing, as in process
    const pkgSide = (async () => {
      if (!packagesGh) return { listed: null, error: REGISTRY_NOT_READ };
      try {
        return { listed: await listContainerPackages(packagesGh, config.org), error: null };
      } catch (e) {
        return { listed: null, error: errText(e) };
      }
    })();
    const work = await listRepoWork(db, gh, config, orgId, scanId, both);
    const pkgs = await pkgSide;
    let changed: NonNullable<typeof pkgs.listed> = [];
    let unchanged: Array<{ id: number; name: string }> = [];
    if (pkgs.listed) {
      const p = await planPackages(db, orgId, pkgs.listed);
      changed = p.changed;
      unchanged = p.unchanged.map((r) => ({ id: r.id, name: r.name }));
      await dropGonePackages(db, p.stored, pkgs.listed);
    }
    const props = await work.properties;
    const result: PlanResult = {
      listed: work.listed.length, fetched: work.toFetch.length, skipped: work.unchanged.length,
      owner: work.listed[0]?.nameWithOwner.split("/")[0] ?? config.org,
      topics: work.listed.map((r) => [r.name, r.topics]), teamProperty: work.teamProperty,
      properties: { values: props.values ? [...props.values].map(([k, v]) => [k, [...v]]) : null, note: props.note, keepStored: props.keepStored },
      packages: pkgs.listed, packagesError: pkgs.error, unchangedPackages: unchanged,
    };
    const repoBatches = chunks(work.toFetch, queue.tuning.CACHEGUARD_QUEUE_REPO_BATCH);
    const pkgBatches = chunks(changed, queue.tuning.CACHEGUARD_QUEUE_PACKAGE_BATCH);
    const rows = [
      ...repoBatches.map((repos, i) => ({ scanId, kind: "repos", batch: i + 1, input: JSON.stringify({ repos }) })),
      ...pkgBatches.map((packages, i) => ({ scanId, kind: "packages", batch: i + 1, input: JSON.stringify({ packages }) })),
      // the versions lists beside the batches, as in process (a package list is needed)
      ...(pkgs.listed && packagesGh ? [{ scanId, kind: "storage", batch: 1 }] : []),
    ];
    await db.$transaction([
      db.scanJob.deleteMany({ where: { scanId } }),
      ...chunks(rows, 100).map((data) => db.scanJob.createMany({ data })),
      db.scanJob.create({ data: { scanId, kind: "plan", batch: 0, done: true, doneAt: new Date(), result: JSON.stringify(result) } }),
    ]);
    await both.update({ phase: "workflows", reposTotal: work.listed.length, reposDone: work.empty.length + work.unchanged.length, reposSkipped: work.unchanged.length }, true);
    await addRequests(db, scanId, stats);
    log(`scan #${scanId} of ${config.org}: ${work.listed.length} repos (${work.toFetch.length} to read in ${repoBatches.length} batches, ${work.unchanged.length} unchanged), ` +
      `${pkgs.listed ? `${pkgs.listed.length} packages (${changed.length} to read in ${pkgBatches.length} batches)` : `packages not read: ${pkgs.error}`}`);
  }
  const pending = await db.scanJob.findMany({ where: { scanId, done: false }, select: { kind: true, batch: true } });
  for (const b of pending) {
    await queue.send(b.kind === "repos" ? QUEUES.repos : b.kind === "storage" ? QUEUES.storage : QUEUES.packages, { ...payload, kind: b.kind, batch: b.batch }, jobId(b.kind, scanId, payload.started, b.batch));
  }
  await analyzeWhenDone(db, queue, payload);
}
