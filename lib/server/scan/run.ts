import { analyzeRepos, sortFindings } from "@/lib/engine/analyze";
import { checkRegistryTags } from "@/lib/engine/rules/registry-tag-holds-cache";
import { type RequestStats, createGitHub, newStats } from "@/lib/github/client";
import { redact } from "@/lib/github/redact";
import type { RepoModel } from "@/lib/engine/types";
import { chunks } from "@/lib/server/chunk";
import type { Db } from "@/lib/server/db";
import { buildMapOfModel } from "@/lib/server/build-map";
import { coverageOf, storeCoverage, summarize } from "@/lib/server/scan/coverage";
import { persistFindings } from "@/lib/server/scan/findings";
import { persistProblems } from "@/lib/server/scan/problems";
import { openWhere } from "@/lib/server/suppressions";
import { refreshFixPullRequests } from "@/lib/server/fix-prs/track";
import { type AfterScanTask, runAfterScan } from "@/lib/server/after-scan";
import { AFTER_SCAN_TASKS } from "@/lib/server/after-scan/tasks";
import { beginScan, concurrentProgress, progressReporter } from "@/lib/server/scan/lifecycle";
import { scanPackages } from "@/lib/server/scan/packages";
import { type RepoFiles, scanRepos } from "@/lib/server/scan/repos";
import type { OnProgress, RepoError, ScanConfig, ScanStatus, ScanSummary } from "@/lib/server/scan/types";

export interface ScanOptions {
  config: ScanConfig;
  /** manual | schedule | cli | startup */
  trigger: string;
  onProgress?: OnProgress;
  /** what runs after the scan (default: alerts, code scanning, issues as configured) */
  afterScanTasks?: readonly AfterScanTask[];
}

async function execute(db: Db, scanId: number, orgId: number, opts: ScanOptions): Promise<ScanSummary> {
  const { config } = opts;
  const stats: RequestStats = newStats();
  const progress = progressReporter(db, scanId, opts.onProgress);
  const summary: ScanSummary = {
    scanId, org: config.org, status: "running" as ScanStatus, repos: 0, reposFetched: 0, reposSkipped: 0, packages: 0,
    newCount: 0, resolvedCount: 0, openCount: 0, requests: { rest: 0, graphql: 0, registry: 0 }, repoErrors: [], warnings: [], findings: [], suppressed: [],
  };
  let repoErrors: RepoError[] = [];
  let gh: ReturnType<typeof createGitHub> | null = null;
  let completeRepoIds: number[] = [];
  try {
    gh = createGitHub({ apiUrl: config.apiUrl, token: config.token, app: config.app }, stats);
    // repos/workflows (GitHub API) and packages (mostly the registry, its own limiter) are
    // independent until the analysis: run them side by side, reported as one phase
    const both = concurrentProgress(progress);
    const [reposOut, pkgsOut] = await Promise.allSettled([
      scanRepos(db, gh, config, orgId, scanId, both),
      scanPackages(db, gh, stats, config, orgId, both),
    ]);
    // each side stores what it read as it goes; wait for both before failing, so nothing writes after the scan ends
    if (pkgsOut.status === "fulfilled") repoErrors = pkgsOut.value.errors;
    if (reposOut.status === "rejected") throw reposOut.reason;
    if (pkgsOut.status === "rejected") throw pkgsOut.reason;
    const repos = reposOut.value;
    const pkgs = pkgsOut.value;
    summary.repos = repos.listed;
    summary.reposFetched = repos.fetched;
    summary.reposSkipped = repos.skipped;
    summary.warnings = repos.warnings;
    summary.packages = pkgs.packages;
    repoErrors = [...repos.errors, ...pkgs.errors];

    await progress.update({ phase: "analyze" });
    // the whole org at once, stored and fetched files alike, so cross-repo collisions are found
    const analysis = await analyzeRepos(repos.repos.map((r) => ({ repo: r.fullName, files: r.files })));
    const texts = new Map(repos.repos.flatMap((r) => r.files.map((f) => [`${r.fullName}:${f.path}`, f.text] as const)));
    // silenced findings are stored too (the "Suppressed" filter shows them); they leave every count
    const findings = sortFindings([...analysis.findings, ...analysis.suppressed, ...checkRegistryTags(analysis.models, pkgs.tags, texts)]);
    // what was not analysed, and each repository's build map, from this analysis
    const coverage = coverageOf(repos.repos, analysis.models);
    await db.$transaction([...storeCoverage(db, scanId, coverage), ...(await buildMapWrites(db, repos.repos, analysis.models))]);
    summary.coverage = summarize(coverage);

    await progress.update({ phase: "findings" });
    const repoIds = new Map<string, number>();
    for (const r of repos.repos) {
      repoIds.set(r.fullName, r.repoId);
      repoIds.set(r.name, r.repoId);
    }
    completeRepoIds = repos.repos.filter((r) => r.complete).map((r) => r.repoId);
    const resolvable = new Set([...repos.repos.filter((r) => r.complete).map((r) => r.repoId), ...repos.goneRepoIds]);
    const persisted = await persistFindings(db, {
      orgId, scanId, findings, repoIds, resolvableRepoIds: resolvable, registry: pkgs.evidence,
    });
    await persistProblems(db, orgId, scanId);
    Object.assign(summary, {
      status: repoErrors.length > 0 ? "partial" : "succeeded",
      newCount: persisted.newCount, resolvedCount: persisted.resolvedCount, openCount: persisted.openCount,
      findings: persisted.findings.filter((f) => !f.suppressed), suppressed: persisted.findings.filter((f) => f.suppressed), repoErrors,
    });
    await refreshFixPullRequests(db, gh, config.org, orgId);
    await progress.update({ phase: "done" });
  } catch (e) {
    // org unreachable, bad credentials, …: nothing earlier is lost, findings were not touched
    summary.status = "failed";
    summary.error = redact(e instanceof Error ? e.message : String(e), [config.token]);
    summary.repoErrors = repoErrors;
    summary.openCount = await db.finding.count({ where: { orgId, ...openWhere() } }).catch(() => 0);
  } finally {
    await db.scan.update({
      where: { id: scanId },
      data: {
        status: summary.status, activeKey: null, finishedAt: new Date(), heartbeatAt: new Date(),
        error: summary.error ?? null,
        repoErrors: JSON.stringify(summary.repoErrors.map((r) => ({ repo: r.repo, message: redact(r.message, [config.token]) }))),
        reposTotal: summary.repos || progress.state.reposTotal, reposDone: progress.state.reposDone,
        reposSkipped: summary.reposSkipped, phase: progress.state.phase,
        restRequests: stats.rest, graphqlRequests: stats.graphql, registryRequests: stats.registry,
        newCount: summary.newCount, resolvedCount: summary.resolvedCount, openCount: summary.openCount,
      },
    });
  }
  // alerts, code scanning, issues: after the scan is stored, so its page and links exist; they never change its status
  if (gh && summary.status !== "failed") {
    const completeRepos = await db.repo.findMany({
      where: { id: { in: completeRepoIds } }, select: { id: true, name: true, defaultBranch: true, headSha: true }, orderBy: { name: "asc" },
    });
    summary.actions = await runAfterScan(
      { db, gh, config, orgId, scanId, summary, secrets: [], completeRepos: completeRepos.map(({ id, ...r }) => ({ repoId: id, ...r })) },
      opts.afterScanTasks ?? AFTER_SCAN_TASKS,
    );
  }
  summary.requests = { rest: stats.rest, graphql: stats.graphql, registry: stats.registry };
  return summary;
}

/** Updates of the repositories whose build map changed (most scans change few). */
async function buildMapWrites(db: Db, repos: RepoFiles[], models: RepoModel[]) {
  const byRepo = new Map(models.map((m) => [m.repo, m]));
  const stored = new Map<number, string | null>();
  for (const ids of chunks(repos.map((r) => r.repoId))) {
    for (const row of await db.repo.findMany({ where: { id: { in: ids } }, select: { id: true, buildMap: true } })) stored.set(row.id, row.buildMap);
  }
  const writes = [];
  for (const r of repos) {
    const m = byRepo.get(r.fullName);
    if (!m) continue;
    const json = JSON.stringify(buildMapOfModel(m));
    if (stored.get(r.repoId) !== json) writes.push(db.repo.update({ where: { id: r.repoId }, data: { buildMap: json } }));
  }
  return writes;
}

/**
 * Run one org scan to the end. Throws ScanAlreadyRunningError when another scan of the org is
 * running; every other failure ends as a `failed` scan in the summary.
 */
export async function runScan(db: Db, opts: ScanOptions): Promise<ScanSummary> {
  const { scanId, orgId } = await beginScan(db, opts.config.org, opts.trigger);
  return execute(db, scanId, orgId, opts);
}

/** Start a scan in the background; returns once the Scan row exists (or throws ScanAlreadyRunningError). */
export async function startScan(db: Db, opts: ScanOptions): Promise<{ scanId: number }> {
  const { scanId, orgId } = await beginScan(db, opts.config.org, opts.trigger);
  void execute(db, scanId, orgId, opts).catch((e: unknown) => {
    // execute records its own failures; this only fires if the database itself went away
    console.error(`scan #${scanId} crashed: ${redact(e instanceof Error ? e.message : String(e), [opts.config.token])}`);
  });
  return { scanId };
}
