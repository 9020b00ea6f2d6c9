import { type AnalysisResult, analyzeRepos, sortFindings } from "@/lib/engine/analyze";
import { applyIgnores } from "@/lib/engine/ignores";
import { checkRegistryTags } from "@/lib/engine/rules/registry-tag-holds-cache";
import { type ActionsCacheInfo, checkActionsCache, reposWithGhaBuilds } from "@/lib/engine/rules/gha-cache-near-quota";
import { type GitHubClient, type RequestStats, createGitHub, newStats } from "@/lib/github/client";
import type { RegistryTagInfo } from "@/lib/engine/rules/registry-tag-holds-cache";
import { redact } from "@/lib/github/redact";
import type { RepoModel } from "@/lib/engine/types";
import { chunks } from "@/lib/server/chunk";
import type { Db } from "@/lib/server/db";
import { buildMapOfModel } from "@/lib/server/build-map";
import { coverageOf, storeCoverage, summarize } from "@/lib/server/scan/coverage";
import { persistFindings } from "@/lib/server/scan/findings";
import { persistProblems } from "@/lib/server/scan/problems";
import { DEFAULT_RETENTION_DAYS, pruneResolvedFindings } from "@/lib/server/scan/retention";
import { openWhere } from "@/lib/server/suppressions";
import { refreshFixPullRequests } from "@/lib/server/fix-prs/track";
import { type AfterScanTask, runAfterScan } from "@/lib/server/after-scan";
import { AFTER_SCAN_TASKS } from "@/lib/server/after-scan/tasks";
import { type ProgressReporter, beginScan, concurrentProgress, progressReporter } from "@/lib/server/scan/lifecycle";
import { type PackagesPhaseResult, scanPackages } from "@/lib/server/scan/packages";
import { type CacheSideResult, readCacheUsage, scanActionsCache } from "@/lib/server/scan/actions-cache";
import { type OtherRegistriesResult, scanOtherRegistries } from "@/lib/server/scan/other-registries";
import { storagePhase } from "@/lib/server/storage/phase";
import { type RepoFiles, type ReposPhaseResult, scanRepos } from "@/lib/server/scan/repos";
import type { OnProgress, RepoError, ScanAuth, ScanConfig, ScanStatus, ScanSummary } from "@/lib/server/scan/types";

export interface ScanOptions {
  config: ScanConfig;
  /** manual | schedule | cli | startup (webhook: an incremental scan, lib/server/scan/incremental.ts) */
  trigger: string;
  onProgress?: OnProgress;
  /** what runs after the scan (default: alerts, code scanning, issues as configured) */
  afterScanTasks?: readonly AfterScanTask[];
}

/** What the reading phases of a scan give its analysis, however they ran: in this process, or as queue jobs (lib/server/queue). */
export interface ScanReads {
  repos: ReposPhaseResult;
  pkgs: PackagesPhaseResult;
  /** the org's analysis of `repos.repos` (made beside the registry side, in process) */
  analysis: AnalysisResult;
  cache: CacheSideResult;
}

/** What a reader of a scan is given: the scan's clients and counters, and the summary (storage figures go there). */
export interface ScanReadContext {
  db: Db;
  gh: GitHubClient;
  packagesGh: GitHubClient | null;
  stats: RequestStats;
  config: ScanConfig;
  orgId: number;
  scanId: number;
  progress: ProgressReporter;
  summary: ScanSummary;
  /** errors known before a reader failed (kept on the failed scan) */
  errors: RepoError[];
}

export type ScanReader = (ctx: ScanReadContext) => Promise<ScanReads>;

/** The in-process reader: repositories and packages side by side, the analysis and Actions cache as soon as the repositories are read. */
const readInProcess: ScanReader = async (ctx) => {
  const { db, gh, packagesGh, stats, config, orgId, scanId, progress, summary } = ctx;
  // repos/workflows (GitHub API) and packages (mostly the registry, its own limiter) are
  // independent until the analysis: run them side by side, reported as one phase
  const both = concurrentProgress(progress);
  // the Actions cache usage list needs nothing the other two read: it is asked alongside (it never throws);
  // which repositories' entries to list is known once their builds are, so the repo side analyses as soon
  // as it has read, and lists them while the registry side may still be reading
  const usageRead = readCacheUsage(db, gh, config, orgId);
  const reposRun = scanRepos(db, gh, config, orgId, scanId, both);
  const reposSide = reposRun.then(async (read) => {
    await both.update({ phase: "analyze" });
    const analysis = await analyzeOrg(read.repos);
    await both.update({ phase: "actions-cache" });
    const cache = await scanActionsCache(db, gh, orgId, scanId, await usageRead, read.repos, reposWithGhaBuilds(analysis.models));
    return { read, analysis, cache };
  });
  // the storage phase (lib/server/storage) reads versions lists beside both, once the package list is known
  const storage = storagePhase(db, packagesGh, stats, config, orgId);
  const pkgsRun = scanPackages(db, packagesGh, stats, config, orgId, both, storage.listed);
  const [reposOut, pkgsOut, versionsOut] = await Promise.allSettled([reposSide, pkgsRun, storage.read(reposSide, pkgsRun)]);
  if (pkgsOut.status === "fulfilled") summary.storage = await storage.figures(pkgsOut.value, versionsOut);
  // each side stores what it read as it goes; wait for both before failing, so nothing writes after the scan ends
  if (pkgsOut.status === "fulfilled") ctx.errors = pkgsOut.value.errors;
  if (reposOut.status === "rejected") throw reposOut.reason;
  if (pkgsOut.status === "rejected") throw pkgsOut.reason;
  return { repos: reposOut.value.read, analysis: reposOut.value.analysis, cache: reposOut.value.cache, pkgs: pkgsOut.value };
};

async function execute(db: Db, scanId: number, orgId: number, opts: ScanOptions): Promise<ScanSummary> {
  return conductScan(db, scanId, orgId, opts, readInProcess);
}

/**
 * A scan from its clients to its stored end: `read` reads the org (in process, or by gathering what
 * queue workers read), then the one analysis, findings, problems and end every scan has, and the
 * after-scan tasks. Every failure ends as a `failed` scan in the summary.
 */
export async function conductScan(db: Db, scanId: number, orgId: number, opts: ScanOptions, read: ScanReader): Promise<ScanSummary> {
  const { config } = opts;
  const stats: RequestStats = newStats();
  const progress = progressReporter(db, scanId, opts.onProgress);
  const summary = emptySummary(scanId, config.org);
  let repoErrors: RepoError[] = [];
  let gh: ReturnType<typeof createGitHub> | null = null;
  let completeRepoIds: number[] = [];
  try {
    gh = createGitHub({ apiUrl: config.apiUrl, token: config.token, app: config.app ? { org: config.org, ...config.app } : undefined }, stats);
    // an App finds its installation and gets its first token here: a refusal fails the scan now, saying why
    await gh.ready();
    summary.auth = { ...gh.authInfo(), registry: registryAuth(config) };
    // the Packages API is read with GHCR_TOKEN when there is one (it shares the scan's stats and limiter);
    // an App without one cannot read it at all
    const packagesGh = packagesClient(config, gh, stats);
    const ctx: ScanReadContext = { db, gh, packagesGh, stats, config, orgId, scanId, progress, summary, errors: [] };
    const { repos, analysis, cache, pkgs } = await read(ctx).catch((e: unknown) => {
      repoErrors = ctx.errors;
      throw e;
    });
    summary.repos = repos.listed;
    summary.reposFetched = repos.fetched;
    summary.reposSkipped = repos.skipped;
    // Actions cache entries that could not be listed: said on the finding and the page, the usage still judged
    summary.warnings = [...repos.warnings, ...cache.warnings];
    summary.packages = pkgs.packages;
    repoErrors = [...repos.errors, ...pkgs.errors, ...cache.errors];

    await progress.update({ phase: "analyze" });
    // tags on other registries are the ones the analysed workflows name: read between analysis and the rule
    let other: OtherRegistriesResult | null = null;
    const { findings, coverage } = await analyseAndStore(db, scanId, repos.repos, pkgs.tags, {
      analysis, actionsCache: cache.infos,
      moreTags: async (models) => {
        other = await scanOtherRegistries(db, orgId, scanId, config.registries, models, stats, progress);
        if (other.hosts.length > 0) await progress.update({ phase: "analyze" }); // the rule and the build maps
        return other.tags;
      },
    });
    summary.coverage = coverage;
    const others = other as OtherRegistriesResult | null;
    if (others) {
      repoErrors = [...repoErrors, ...others.errors];
      if (others.hosts.length > 0) summary.registries = others.hosts;
    }

    await progress.update({ phase: "findings" });
    const repoIds = repoIdsOf(repos.repos);
    completeRepoIds = repos.repos.filter((r) => r.complete).map((r) => r.repoId);
    const resolvable = new Set([...repos.repos.filter((r) => r.complete).map((r) => r.repoId), ...repos.goneRepoIds]);
    const persisted = await persistFindings(db, {
      orgId, scanId, findings, repoIds, resolvableRepoIds: resolvable, actionsCacheRead: cache.read,
      registry: { ...pkgs.evidence, ...(others ? { other: others.evidence } : {}) },
    });
    await persistProblems(db, orgId, scanId);
    await pruneResolvedFindings(db, orgId, config.retentionDays ?? DEFAULT_RETENTION_DAYS);
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
    summary.error = redact(e instanceof Error ? e.message : String(e), [config.token, config.registryToken]);
    summary.repoErrors = repoErrors;
    summary.openCount = await db.finding.count({ where: { orgId, ...openWhere() } }).catch(() => 0);
  } finally {
    await recordScanEnd(db, scanId, summary, stats, progress, config);
  }
  // alerts, code scanning, issues: after the scan is stored, so its page and links exist; they never change its status
  if (gh && summary.status !== "failed") {
    summary.actions = await afterScan(db, gh, config, orgId, scanId, summary, completeRepoIds, opts.afterScanTasks ?? AFTER_SCAN_TASKS);
  }
  summary.requests = { rest: stats.rest, graphql: stats.graphql, registry: stats.registry };
  return summary;
}

function registryAuth(config: ScanConfig): ScanAuth["registry"] {
  if (config.registryToken) return "ghcr-token";
  if (config.app) return "not-read";
  return config.token ? "github-token" : "anonymous";
}

/**
 * The client for GitHub's Packages API: GHCR_TOKEN's when given, the scan's own with a PAT, none for a
 * GitHub App without GHCR_TOKEN (installation tokens cannot read packages: the registry is not read).
 */
export function packagesClient(config: ScanConfig, gh: GitHubClient, stats: RequestStats): GitHubClient | null {
  if (config.registryToken) return createGitHub({ apiUrl: config.apiUrl, token: config.registryToken }, stats);
  return config.app ? null : gh;
}

/** A new summary of a scan that has just begun. */
export function emptySummary(scanId: number, org: string): ScanSummary {
  return {
    scanId, org, status: "running" as ScanStatus, repos: 0, reposFetched: 0, reposSkipped: 0, packages: 0,
    newCount: 0, resolvedCount: 0, openCount: 0, requests: { rest: 0, graphql: 0, registry: 0 }, repoErrors: [], warnings: [], findings: [], suppressed: [],
  };
}

/** Repo ids by `org/name` and by `name`, as persistFindings looks them up. */
export function repoIdsOf(repos: RepoFiles[]): Map<string, number> {
  const repoIds = new Map<string, number>();
  for (const r of repos) {
    repoIds.set(r.fullName, r.repoId);
    repoIds.set(r.name, r.repoId);
  }
  return repoIds;
}

/** The whole org's analysis, stored and fetched files alike, so cross-repo collisions are found. */
export function analyzeOrg(repos: RepoFiles[]): Promise<AnalysisResult> {
  return analyzeRepos(repos.map((r) => ({ repo: r.fullName, files: r.files })));
}

/** What the live rules take besides the files: each repository's Actions cache reading, and an analysis already made. */
export interface LiveInputs {
  /** analyzeOrg(repos), when the caller made it already */
  analysis?: AnalysisResult;
  /** the stored Actions cache readings of the repositories (gha-cache-near-quota) */
  actionsCache?: ActionsCacheInfo[];
  /** more registry tags, read once the analysis says which tags the workflows name (other registries) */
  moreTags?: (models: RepoModel[]) => Promise<RegistryTagInfo[]>;
}

/**
 * Analyse the whole org at once (or take `live.analysis`), store what was not analysed and each
 * repository's build map. The findings include silenced ones (the "Suppressed" filter shows them; they
 * leave every count), the registry rule's and the Actions cache rule's.
 */
export async function analyseAndStore(db: Db, scanId: number, repos: RepoFiles[], tags: RegistryTagInfo[], live: LiveInputs = {}) {
  const analysis = live.analysis ?? (await analyzeOrg(repos));
  const texts = new Map(repos.flatMap((r) => r.files.map((f) => [`${r.fullName}:${f.path}`, f.text] as const)));
  const allTags = live.moreTags ? [...tags, ...(await live.moreTags(analysis.models))] : tags;
  const cache = actionsCacheFindings(repos, analysis.models, live.actionsCache ?? []);
  const findings = sortFindings([
    ...analysis.findings, ...analysis.suppressed, ...checkRegistryTags(analysis.models, allTags, texts), ...cache.findings, ...cache.suppressed,
  ]);
  // what was not analysed, and each repository's build map, from this analysis
  const coverage = coverageOf(repos, analysis.models);
  await db.$transaction([...storeCoverage(db, scanId, coverage), ...(await buildMapWrites(db, repos, analysis.models))]);
  return { findings, coverage: summarize(coverage) };
}

/**
 * The Actions cache rule's findings, silenced as workflow findings are: `# cacheguard: ignore[gha-cache-near-quota]`
 * on (or above) the line it stands at, or the repository's .github/cacheguard.yml.
 */
function actionsCacheFindings(repos: RepoFiles[], models: RepoModel[], caches: ActionsCacheInfo[]) {
  const found = checkActionsCache(models, caches);
  if (found.length === 0) return { findings: [], suppressed: [] };
  const mine = new Set(found.map((f) => f.repo));
  const files = repos.filter((r) => mine.has(r.fullName)).flatMap((r) => r.files.map((f) => ({ ...f, repo: r.fullName })));
  // what the files' ignores say was reported with the analysis already: only the split is taken here
  const { findings, suppressed } = applyIgnores(found, files);
  return { findings, suppressed };
}

/** Store how a scan ended (status, counts, requests) and free the org's scan slot. */
export async function recordScanEnd(db: Db, scanId: number, summary: ScanSummary, stats: RequestStats, progress: ProgressReporter, config: ScanConfig) {
  await db.scan.update({
    where: { id: scanId },
    data: {
      status: summary.status, activeKey: null, finishedAt: new Date(), heartbeatAt: new Date(),
      error: summary.error ?? null,
      repoErrors: JSON.stringify(summary.repoErrors.map((r) => ({ repo: r.repo, message: redact(r.message, [config.token, config.registryToken]) }))),
      reposTotal: summary.repos || progress.state.reposTotal, reposDone: progress.state.reposDone,
      reposSkipped: summary.reposSkipped, phase: progress.state.phase,
      restRequests: stats.rest, graphqlRequests: stats.graphql, registryRequests: stats.registry,
      newCount: summary.newCount, resolvedCount: summary.resolvedCount, openCount: summary.openCount,
    },
  });
}

/** The after-scan tasks of a scan that reached its findings, given the repositories it read completely. */
export async function afterScan(
  db: Db, gh: GitHubClient, config: ScanConfig, orgId: number, scanId: number, summary: ScanSummary, completeRepoIds: number[], tasks: readonly AfterScanTask[],
) {
  const completeRepos = await db.repo.findMany({
    where: { id: { in: completeRepoIds } }, select: { id: true, name: true, defaultBranch: true, headSha: true }, orderBy: { name: "asc" },
  });
  return runAfterScan(
    { db, gh, config, orgId, scanId, summary, secrets: [], completeRepos: completeRepos.map(({ id, ...r }) => ({ repoId: id, ...r })) },
    tasks,
  );
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
  // with a job queue (lib/server/queue), `cacheguard worker` processes run it; loaded lazily, as the queue's jobs import this file
  const { queueForScans } = await import("@/lib/server/queue/boss");
  const queue = await queueForScans();
  if (queue) return (await import("@/lib/server/queue/enqueue")).enqueueScan(db, queue, opts);
  const { scanId, orgId } = await beginScan(db, opts.config.org, opts.trigger);
  void execute(db, scanId, orgId, opts).catch((e: unknown) => {
    // execute records its own failures; this only fires if the database itself went away
    console.error(`scan #${scanId} crashed: ${redact(e instanceof Error ? e.message : String(e), [opts.config.token, opts.config.registryToken])}`);
  });
  return { scanId };
}
