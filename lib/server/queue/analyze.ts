import { reposWithGhaBuilds } from "@/lib/engine/rules/gha-cache-near-quota";
import type { Db } from "@/lib/server/db";
import { type PlanResult, type ScanPayload, packagesResult, planResult, reposResult, storageResult } from "@/lib/server/queue/jobs";
import { scanActive } from "@/lib/server/queue/progress";
import { readCacheUsage, scanActionsCache } from "@/lib/server/scan/actions-cache";
import { type PackagesPhaseResult, addUnchangedTags, storedTags } from "@/lib/server/scan/packages";
import { finishRepoWork, storedRepoFiles } from "@/lib/server/scan/repos";
import { type ScanReadContext, type ScanReads, analyzeOrg, conductScan } from "@/lib/server/scan/run";
import type { RegistryEvidence, RepoError, ScanConfig, ScanSummary } from "@/lib/server/scan/types";
import { emptyStorage, storeFigures } from "@/lib/server/storage/phase";

type JobRow = { kind: string; result: string | null };

/**
 * The registry side as the batches left it: the tags as stored (what the in-process scan holds in
 * memory is what it stored), the evidence each batch recorded of what it read completely, and the
 * unchanged packages' stored tags counted as read, as in process.
 */
async function gatherPackages(db: Db, config: ScanConfig, orgId: number, plan: PlanResult, jobs: JobRow[]): Promise<PackagesPhaseResult> {
  const tags = await storedTags(db, orgId, config.org);
  if (!plan.packages) {
    return { tags, packages: 0, packagesRead: 0, errors: [{ repo: "packages", message: plan.packagesError ?? "not read" }], evidence: { packagesComplete: false, packages: new Map() } };
  }
  const evidence: RegistryEvidence = { packagesComplete: true, packages: new Map(plan.packages.map((p) => [p.name.toLowerCase(), { listed: null, current: new Set<string>() }])) };
  const errors: RepoError[] = [];
  let read = 0;
  for (const j of jobs.filter((x) => x.kind === "packages")) {
    const r = packagesResult.parse(JSON.parse(j.result ?? "null"));
    errors.push(...r.errors);
    for (const e of r.evidence) evidence.packages.set(e.name, { listed: e.listed ? new Set(e.listed) : null, current: new Set(e.current) });
    read += r.evidence.length;
  }
  await addUnchangedTags(db, config, plan.unchangedPackages, evidence, []);
  return { tags, packages: plan.packages.length, packagesRead: read, errors, evidence, listed: plan.packages };
}

/** The storage figures of every package, from the versions lists the storage batch read beside the others. */
async function storageSide(ctx: ScanReadContext, pkgs: PackagesPhaseResult, jobs: JobRow[]) {
  if (!pkgs.listed || !ctx.packagesGh) return undefined;
  try {
    const row = jobs.find((j) => j.kind === "storage");
    const read = row ? storageResult.parse(JSON.parse(row.result ?? "null")) : emptyStorage();
    const figures = await storeFigures(ctx.db, ctx.stats, ctx.config, ctx.orgId, pkgs.listed, read);
    pkgs.errors.push(...figures.errors);
    return figures;
  } catch (e) {
    // storage figures never fail the scan: what was stored stays, the scan says what it missed
    pkgs.errors.push({ repo: "packages", message: `storage figures: ${e instanceof Error ? e.message : String(e)}` });
    return undefined;
  }
}

/** What the plan and the batches read, gathered from the database into what the analysis takes. */
function gatherReads(plan: PlanResult, jobs: JobRow[]) {
  return async (ctx: ScanReadContext): Promise<ScanReads> => {
    const { db, gh, config, orgId, scanId, progress } = ctx;
    const scan = await db.scan.findUniqueOrThrow({ where: { id: scanId } });
    // the plan's and the batches' requests, as counted by the workers that made them
    ctx.stats.rest += scan.restRequests;
    ctx.stats.graphql += scan.graphqlRequests;
    ctx.stats.registry += scan.registryRequests;
    await progress.update({ phase: "analyze", reposTotal: scan.reposTotal, reposDone: scan.reposDone, reposSkipped: scan.reposSkipped }, true);
    const errors: RepoError[] = [];
    const warnings: RepoError[] = [];
    for (const j of jobs.filter((x) => x.kind === "repos")) {
      const r = reposResult.parse(JSON.parse(j.result ?? "null"));
      errors.push(...r.errors);
      warnings.push(...r.warnings);
    }
    const props = plan.properties;
    await finishRepoWork(db, orgId, plan.topics.map(([name, topics]) => ({ name, topics })), plan.teamProperty, {
      values: props.values ? new Map(props.values.map(([k, v]) => [k, new Map(v)])) : null, note: props.note, keepStored: props.keepStored,
    });
    // every listed repository: read now by a batch, unchanged, or empty; one that failed keeps its stored files
    const failed = new Set(errors.map((e) => e.repo));
    const rows = await db.repo.findMany({ where: { orgId }, orderBy: { name: "asc" } });
    const repos = await storedRepoFiles(db, rows.filter((r) => r.goneScanId === null)
      .map((row) => ({ row, fullName: `${plan.owner}/${row.name}`, complete: !failed.has(row.name) })));
    const goneRepoIds = rows.filter((r) => r.goneScanId !== null).map((r) => r.id);
    const analysis = await analyzeOrg(repos);
    await progress.update({ phase: "actions-cache" });
    const cache = await scanActionsCache(db, gh, orgId, scanId, await readCacheUsage(db, gh, config, orgId), repos, reposWithGhaBuilds(analysis.models));
    const pkgs = await gatherPackages(db, config, orgId, plan, jobs);
    ctx.summary.storage = await storageSide(ctx, pkgs, jobs);
    return { repos: { repos, listed: plan.listed, fetched: plan.fetched, skipped: plan.skipped, errors, warnings, goneRepoIds }, pkgs, analysis, cache };
  };
}

/**
 * `scan.analyze`: once every batch is done, the scan's one analysis, findings, problems, end and
 * after-scan tasks (conductScan, as in process). A scan that has ended already (a duplicate delivery,
 * or a retry after its worker stored the end) is left as it is.
 */
export async function runAnalyze(db: Db, payload: ScanPayload, config: ScanConfig): Promise<ScanSummary | null> {
  const scan = await scanActive(db, payload.scanId);
  if (!scan) return null;
  const jobs = await db.scanJob.findMany({ where: { scanId: scan.id }, select: { kind: true, batch: true, result: true, done: true } });
  if (jobs.some((j) => !j.done)) throw new Error(`scan #${scan.id}: the analysis was asked for before every batch was done`);
  const planRow = jobs.find((j) => j.kind === "plan");
  if (!planRow) throw new Error(`scan #${scan.id} has no plan`);
  const plan = planResult.parse(JSON.parse(planRow.result ?? "null"));
  return conductScan(db, scan.id, scan.orgId, { config, trigger: payload.trigger }, gatherReads(plan, jobs));
}
