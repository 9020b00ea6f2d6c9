import { type RequestStats, createGitHub, newStats } from "@/lib/github/client";
import type { Db } from "@/lib/server/db";
import type { Queue } from "@/lib/server/queue/boss";
import { type BatchPayload, QUEUES, jobId, planResult, storageResult } from "@/lib/server/queue/jobs";
import { addRequests, completeBatch } from "@/lib/server/queue/progress";
import { packagesClient } from "@/lib/server/scan/run";
import type { ScanConfig } from "@/lib/server/scan/types";
import { type VersionsPhaseResult, emptyStorage, readVersionsLists } from "@/lib/server/storage/phase";

const LOOK_EVERY_MS = 1_000;

/**
 * The `storage` batch: the versions lists, read beside the other batches within the same budget as in
 * process (a share of the scan's other requests, which here are the ones every worker adds to the Scan
 * row, looked at every second). It may wait on the others for as long as the scan reads, so it never
 * holds a job past half its expiry: it stores what it has and continues in a new job (the lists' read
 * state is in the Package rows already), so a killed worker's storage job is retried as soon as a
 * batch's would be. It is done once the other batches are and its tail is read; the analysis stores the figures.
 */
export async function readStorageBatch(db: Db, queue: Queue, config: ScanConfig, payload: BatchPayload, orgId: number, job: { id: number; result: string | null }): Promise<number> {
  const { scanId } = payload;
  const own: RequestStats = newStats();
  const plan = planResult.parse(JSON.parse((await db.scanJob.findUniqueOrThrow({ where: { scanId_kind_batch: { scanId, kind: "plan", batch: 0 } } })).result ?? "null"));
  const gh = createGitHub({ apiUrl: config.apiUrl, token: config.token, app: config.app ? { org: config.org, ...config.app } : undefined }, own);
  const packagesGh = packagesClient(config, gh, own);
  if (!plan.packages || !packagesGh) {
    await completeBatch(db, scanId, job.id, emptyStorage(), 0, own);
    return 0;
  }
  const before: VersionsPhaseResult = job.result ? storageResult.parse(JSON.parse(job.result)) : emptyStorage();
  let row = { rest: 0, graphql: 0, registry: 0 };
  let tagsDone = false;
  let othersDone = false;
  const look = async () => {
    const s = await db.scan.findUniqueOrThrow({ where: { id: scanId }, select: { restRequests: true, graphqlRequests: true, registryRequests: true } });
    row = { rest: s.restRequests, graphql: s.graphqlRequests, registry: s.registryRequests };
    tagsDone = (await db.scanJob.count({ where: { scanId, kind: "packages", done: false } })) === 0;
    othersDone = tagsDone && (await db.scanJob.count({ where: { scanId, kind: "repos", done: false } })) === 0;
  };
  await look();
  const timer = setInterval(() => void look().catch(() => {}), LOOK_EVERY_MS);
  // the budget counts every request of the scan: the other workers' and earlier rounds' (the Scan row), and this job's own
  const live: RequestStats = {
    get rest() { return row.rest + own.rest; },
    get graphql() { return row.graphql + own.graphql; },
    get registry() { return row.registry + own.registry; },
  };
  const deadline = Date.now() + (queue.tuning.CACHEGUARD_QUEUE_EXPIRE_SECONDS * 1000) / 2;
  const timeUp = () => !othersDone && Date.now() > deadline;
  try {
    const got = await readVersionsLists(db, packagesGh, live, config, orgId, plan.packages, {
      othersDone: () => othersDone, tagsDone: () => tagsDone, ...config.versionPages, alreadyTaken: before.pages, stop: timeUp,
    });
    const out: VersionsPhaseResult = {
      pages: before.pages + got.pages, registryRequests: before.registryRequests + got.registryRequests, packagesRead: before.packagesRead + got.packagesRead,
      complete: got.complete, pending: got.pending, errors: [...before.errors, ...got.errors],
    };
    if (timeUp()) {
      // not done: keep the count so far, and go on in a new job (another round's id)
      await db.scanJob.update({ where: { id: job.id }, data: { result: JSON.stringify(out) } });
      await addRequests(db, scanId, own);
      const round = (payload.round ?? 0) + 1;
      await queue.send(QUEUES.storage, { ...payload, round }, jobId("storage-round", scanId, payload.started, round));
      return -1;
    }
    await completeBatch(db, scanId, job.id, out, 0, own);
    return out.pages;
  } finally {
    clearInterval(timer);
  }
}
