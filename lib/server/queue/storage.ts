import { type RequestStats, createGitHub, newStats } from "@/lib/github/client";
import type { Db } from "@/lib/server/db";
import { planResult } from "@/lib/server/queue/jobs";
import { completeBatch } from "@/lib/server/queue/progress";
import { packagesClient } from "@/lib/server/scan/run";
import type { ScanConfig } from "@/lib/server/scan/types";
import { emptyStorage, readVersionsLists } from "@/lib/server/storage/phase";

const LOOK_EVERY_MS = 1_000;

/**
 * The `storage` batch: the versions lists, read beside the other batches within the same budget as in
 * process (a share of the scan's other requests, which here are the ones every worker adds to the Scan
 * row, looked at every second); it ends once the other batches are done and its tail is read. The
 * figures are stored by the analysis, after the tags.
 */
export async function readStorageBatch(db: Db, config: ScanConfig, scanId: number, orgId: number, jobRowId: number): Promise<number> {
  const own: RequestStats = newStats();
  const plan = planResult.parse(JSON.parse((await db.scanJob.findUniqueOrThrow({ where: { scanId_kind_batch: { scanId, kind: "plan", batch: 0 } } })).result ?? "null"));
  const gh = createGitHub({ apiUrl: config.apiUrl, token: config.token, app: config.app ? { org: config.org, ...config.app } : undefined }, own);
  const packagesGh = packagesClient(config, gh, own);
  if (!plan.packages || !packagesGh) {
    await completeBatch(db, scanId, jobRowId, emptyStorage(), 0, own);
    return 0;
  }
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
  // the budget counts every request of the scan: the other workers' (the Scan row) and this job's own pages
  const live: RequestStats = {
    get rest() { return row.rest + own.rest; },
    get graphql() { return row.graphql + own.graphql; },
    get registry() { return row.registry + own.registry; },
  };
  try {
    const out = await readVersionsLists(db, packagesGh, live, config, orgId, plan.packages, {
      othersDone: () => othersDone, tagsDone: () => tagsDone, ...config.versionPages,
    });
    await completeBatch(db, scanId, jobRowId, out, 0, own);
    return out.pages;
  } finally {
    clearInterval(timer);
  }
}
