/**
 * Incremental scans: what a webhook asks for, through the same lock, reads and analysis as a full
 * scan, but reading only what changed. A repository scope reads that repository (tree + blobs, the
 * full scan's code path with a filter), a package scope re-reads that package's tags, a `repos`
 * scope applies changes to the repository list (renamed, gone) and reads the repositories that
 * appeared. The analysis always takes the whole org (fresh files for what was read, stored files
 * for the rest), so cross-repository collisions stay right; only the scope's findings are stored,
 * re-opened or resolved (and, for a repository, other repositories' findings that its change alters).
 */
import { fingerprint } from "@/lib/engine/fingerprint";
import { type GitHubClient, type RequestStats, createGitHub, newStats } from "@/lib/github/client";
import { type RepoInfo, getOrgRepo, listOrgRepos } from "@/lib/github/repos";
import { redact } from "@/lib/github/redact";
import type { AfterScanTask } from "@/lib/server/after-scan";
import { AFTER_SCAN_TASKS } from "@/lib/server/after-scan/tasks";
import { chunks } from "@/lib/server/chunk";
import type { Db } from "@/lib/server/db";
import { persistFindings } from "@/lib/server/scan/findings";
import { beginScan, progressReporter } from "@/lib/server/scan/lifecycle";
import { scanOnePackage, storedTags } from "@/lib/server/scan/packages";
import { lastUsageRead, storedCacheInfos } from "@/lib/server/scan/actions-cache";
import { storedOtherRegistries } from "@/lib/server/scan/other-registries";
import { type RepoFiles, goneTracked, markGoneTracked, readRepos, repoRowChanged, repoRowData, storedRepoFiles } from "@/lib/server/scan/repos";
import { afterScan, analyseAndStore, emptySummary, packagesClient, recordScanEnd, repoIdsOf } from "@/lib/server/scan/run";
import type { OnProgress, RegistryEvidence, RepoError, ScanConfig, ScanSummary } from "@/lib/server/scan/types";
import { openWhere } from "@/lib/server/suppressions";

const REGISTRY_RULE = "registry-tag-holds-cache";

/** A change to the repository list that a webhook reported. */
export type RepoChange =
  | { kind: "renamed"; from: string; to: string }
  /** deleted, removed from the App installation: its findings resolve as a full scan resolves a gone repository's */
  | { kind: "gone"; repo: string; reason: string };

export interface IncrementalScope {
  /** stored as Scan.scope: `repo:NAME`, `package:NAME`, `repos` */
  label: string;
  /** applied first, in order */
  changes: RepoChange[];
  /** repositories to read again (names after the renames); one GitHub says is gone is treated as gone */
  repos: string[];
  /** container packages whose tags to read again */
  packages: string[];
}

export interface IncrementalOptions {
  config: ScanConfig;
  scope: IncrementalScope;
  /** default `webhook` */
  trigger?: string;
  onProgress?: OnProgress;
  afterScanTasks?: readonly AfterScanTask[];
}

export interface IncrementalSummary extends ScanSummary {
  /** what the scan did besides reading, one line each (renamed, gone, not found) */
  notes: string[];
}

export function repoScope(name: string): IncrementalScope {
  return { label: `repo:${name}`, changes: [], repos: [name], packages: [] };
}

export function packageScope(name: string): IncrementalScope {
  return { label: `package:${name}`, changes: [], repos: [], packages: [name] };
}

type RepoRow = Awaited<ReturnType<Db["repo"]["findMany"]>>[number];

/**
 * Repo.goneScanId is set by every full scan since it exists; until one has run, rows of
 * repositories deleted before then look live. One listing (a few GraphQL pages) settles it once.
 */
async function ensureGoneTracked(db: Db, gh: GitHubClient, config: ScanConfig, orgId: number, scanId: number): Promise<void> {
  if (await goneTracked(db, orgId)) return;
  const listed = new Set((await listOrgRepos(gh, config.org, { includeArchived: config.includeArchived, includeForks: config.includeForks })).map((r) => r.name));
  const stale = (await db.repo.findMany({ where: { orgId, goneScanId: null }, select: { id: true, name: true } })).filter((r) => !listed.has(r.name));
  for (const ids of chunks(stale.map((r) => r.id))) await db.repo.updateMany({ where: { id: { in: ids } }, data: { goneScanId: scanId } });
  await markGoneTracked(db, orgId);
}

/**
 * Rename a stored repository, keeping its findings: each one is re-keyed to the fingerprint the new
 * name gives (first seen kept), its fix pull requests follow. `owner` is how GitHub spells the org.
 */
async function renameRepo(db: Db, orgId: number, owner: string, from: string, to: string, notes: string[]): Promise<number | null> {
  if (from === to) return null;
  const row = await db.repo.findUnique({ where: { orgId_name: { orgId, name: from } } });
  if (!row) {
    notes.push(`renamed ${from} → ${to}: nothing was stored under ${from}`);
    return null;
  }
  const clash = await db.repo.findUnique({ where: { orgId_name: { orgId, name: to } } });
  if (clash && clash.goneScanId === null) {
    notes.push(`renamed ${from} → ${to}: a repository ${to} is already stored; ${from} is left as it is`);
    return null;
  }
  // a repository of that name that was gone (deleted earlier) gives way to the renamed one
  if (clash) await db.repo.delete({ where: { id: clash.id } });
  await db.repo.update({ where: { id: row.id }, data: { name: to } });
  await db.fixPullRequest.updateMany({ where: { orgId, repoName: from }, data: { repoName: to } });
  const findings = await db.finding.findMany({ where: { repoId: row.id }, select: { id: true, fingerprint: true, ruleId: true, path: true, ref: true, locationKey: true } });
  let rekeyed = 0;
  for (const f of findings) {
    const key = f.locationKey ?? undefined;
    const was = fingerprint({ ruleId: f.ruleId, repo: `${owner}/${from}`, path: f.path, ref: f.ref, key });
    // a row keyed some other way (0.1 fingerprints) is left to the next scan's matching
    if (was !== f.fingerprint) continue;
    const now = fingerprint({ ruleId: f.ruleId, repo: `${owner}/${to}`, path: f.path, ref: f.ref, key });
    try {
      await db.finding.update({ where: { id: f.id }, data: { fingerprint: now } });
      rekeyed++;
    } catch {
      // the new fingerprint is taken already: that row stands for it
    }
  }
  notes.push(`renamed ${from} → ${to}: ${rekeyed} finding${rekeyed === 1 ? "" : "s"} kept under the new name`);
  return row.id;
}

async function markGone(db: Db, row: RepoRow, scanId: number, why: string, notes: string[], gone: number[]): Promise<void> {
  if (row.goneScanId === null) await db.repo.update({ where: { id: row.id }, data: { goneScanId: scanId } });
  gone.push(row.id);
  notes.push(`${row.name}: ${why}`);
}

/** Registry evidence from what is stored: a package last read completely counts as read now (as a full scan counts an unchanged one). */
async function storedEvidence(db: Db, orgId: number): Promise<RegistryEvidence> {
  const evidence: RegistryEvidence = { packagesComplete: false, packages: new Map() };
  const pkgs = await db.package.findMany({ where: { orgId, updatedAt: { not: null } }, select: { name: true, tags: { select: { tag: true } } } });
  for (const p of pkgs) {
    const tags = new Set(p.tags.map((t) => t.tag));
    evidence.packages.set(p.name.toLowerCase(), { listed: tags, current: new Set(tags) });
  }
  return evidence;
}

/** `ghcr.io/OWNER/PKG:TAG` -> `pkg` */
function packageOfRef(ref: string): string | null {
  const m = /^ghcr\.io\/[^/]+\/(.+):[^:/]+$/i.exec(ref);
  return m ? m[1].toLowerCase() : null;
}

async function execute(db: Db, scanId: number, orgId: number, opts: IncrementalOptions): Promise<IncrementalSummary> {
  const { config, scope } = opts;
  const stats: RequestStats = newStats();
  const progress = progressReporter(db, scanId, opts.onProgress);
  const summary: IncrementalSummary = { ...emptySummary(scanId, config.org), notes: [] };
  const notes = summary.notes;
  let repoErrors: RepoError[] = [];
  let gh: GitHubClient | null = null;
  let completeRepoIds: number[] = [];
  try {
    gh = createGitHub({ apiUrl: config.apiUrl, token: config.token, app: config.app }, stats);
    await progress.update({ phase: "repos" });
    await ensureGoneTracked(db, gh, config, orgId, scanId);
    const gone: number[] = [];
    const renamed = new Map<string, string>();
    for (const c of scope.changes) {
      if (c.kind === "renamed") {
        renamed.set(c.from, c.to);
        continue;
      }
      const row = await db.repo.findUnique({ where: { orgId_name: { orgId, name: c.repo } } });
      if (row) await markGone(db, row, scanId, c.reason, notes, gone);
      else notes.push(`${c.repo}: ${c.reason} (nothing was stored)`);
    }

    // the repositories to read: each one asked of GitHub alone (not the org's listing)
    const infos: RepoInfo[] = [];
    const toRead = [...new Set([...scope.repos, ...renamed.values()])];
    for (const name of toRead) {
      const info = await getOrgRepo(gh, config.org, name);
      const owner = info?.nameWithOwner.split("/")[0] ?? config.org;
      for (const [from, to] of renamed) if (to === name) await renameRepo(db, orgId, owner, from, to, notes);
      if (info && info.name !== name) await renameRepo(db, orgId, owner, name, info.name, notes); // an old name GitHub redirected
      const rowName = info?.name ?? name;
      const row = await db.repo.findUnique({ where: { orgId_name: { orgId, name: rowName } } });
      const skipped = !info ? "not found on GitHub (deleted, or not visible to this token)"
        : info.archived && !config.includeArchived ? "archived (archived repositories are not scanned)"
        : info.fork && !config.includeForks ? "a fork (forks are not scanned)"
        : null;
      if (skipped) {
        if (row) await markGone(db, row, scanId, skipped, notes, gone);
        else notes.push(`${name}: ${skipped}`);
        continue;
      }
      const data = repoRowData(info!);
      if (!row) await db.repo.create({ data: { orgId, name: info!.name, ...data } });
      else if (repoRowChanged(row, data)) await db.repo.update({ where: { id: row.id }, data });
      infos.push(info!);
    }
    const rows = new Map((await db.repo.findMany({ where: { orgId, name: { in: infos.map((i) => i.name) } } })).map((r) => [r.name, r]));
    await progress.update({ phase: "workflows", reposTotal: infos.length, reposDone: 0 }, true);
    const read = await readRepos(db, gh, config, orgId, scanId, infos, rows);
    await progress.update({ phase: "workflows", reposDone: infos.length, reposSkipped: read.skipped });
    repoErrors = [...read.errors];
    summary.warnings = read.warnings;
    summary.repos = read.repos.length;
    summary.reposFetched = read.fetched;
    summary.reposSkipped = read.skipped;

    // the registry side: the scope's packages read again, everything else as stored
    let tags;
    let evidence: RegistryEvidence;
    const ownedPackages = new Set(scope.packages.map((p) => p.toLowerCase()));
    if (scope.packages.length > 0) {
      await progress.update({ phase: "packages" });
      const packagesGh = packagesClient(config, gh, stats);
      evidence = { packagesComplete: false, packages: new Map() };
      for (const name of scope.packages) {
        const got = await scanOnePackage(db, packagesGh, stats, config, orgId, name);
        repoErrors.push(...got.errors);
        for (const [k, v] of got.evidence.packages) evidence.packages.set(k, v);
        if (got.gone) notes.push(`package ${name}: gone from GitHub; its tags were dropped`);
        summary.packages++;
      }
      tags = await storedTags(db, orgId, config.org);
    } else {
      tags = await storedTags(db, orgId, config.org);
      evidence = await storedEvidence(db, orgId);
    }

    // the whole org in the analysis: fresh files for what was read, stored files for every other live repository
    await progress.update({ phase: "analyze" });
    const readIds = new Set(read.repos.map((r) => r.repoId));
    const others = (await db.repo.findMany({ where: { orgId, goneScanId: null } })).filter((r) => !readIds.has(r.id));
    const otherFiles: RepoFiles[] = await storedRepoFiles(db, others.map((row) => ({
      row, fullName: `${config.org}/${row.name}`, complete: row.lastError === null && row.lastCompleteScanId !== null,
    })));
    const all = [...read.repos, ...otherFiles];
    // the Actions cache as the last full scan read it, and tags on other registries as it read them:
    // a webhook reads neither
    const { findings, coverage } = await analyseAndStore(db, scanId, all, tags, {
      actionsCache: await storedCacheInfos(db, all),
      moreTags: async (models) => {
        const stored = await storedOtherRegistries(db, orgId, models);
        evidence = { ...evidence, other: stored.evidence };
        return stored.tags;
      },
    });
    summary.coverage = coverage;

    await progress.update({ phase: "findings" });
    const repoIds = repoIdsOf(all);
    completeRepoIds = read.repos.filter((r) => r.complete).map((r) => r.repoId);
    const resolvable = new Set([...completeRepoIds, ...gone]);
    // what this scope owns: the findings of the repositories it read completely (or found gone), and
    // the registry findings of the packages it read
    const ownsRepo = new Set(resolvable);
    let elsewhere = new Set<string>();
    if (ownsRepo.size > 0) {
      // another repository's findings that this change alters (a collision with an image the changed
      // repository pushes, a cache ref it no longer writes): the current analysis and the stored open
      // findings differ there, and nothing else about that repository changed
      const settled = new Set(otherFiles.filter((r) => r.complete).map((r) => r.repoId));
      const inOthers = (repoId: number | null) => (repoId === null ? true : settled.has(repoId));
      const now = new Set<string>();
      for (const f of findings) {
        const id = f.repo ? (repoIds.get(f.repo) ?? repoIds.get(f.repo.split("/").pop()!) ?? null) : null;
        if (!ownsRepo.has(id ?? -1) && inOthers(id)) now.add(fingerprint(f));
      }
      const before = new Set((await db.finding.findMany({ where: { orgId, resolvedScanId: null }, select: { fingerprint: true, repoId: true } }))
        .filter((f) => !ownsRepo.has(f.repoId ?? -1) && inOthers(f.repoId)).map((f) => f.fingerprint));
      elsewhere = new Set([...[...now].filter((fp) => !before.has(fp)), ...[...before].filter((fp) => !now.has(fp))]);
      for (const id of settled) resolvable.add(id);
    }
    const owns = (f: { fingerprint: string; repoId: number | null; ruleId: string; ref: string }) =>
      (f.repoId !== null && ownsRepo.has(f.repoId)) ||
      elsewhere.has(f.fingerprint) ||
      (f.ruleId === REGISTRY_RULE && ownedPackages.has(packageOfRef(f.ref) ?? ""));
    if (scope.packages.length > 0) for (const id of repoIds.values()) resolvable.add(id); // registry findings of any repository
    const actionsCacheRead = (await lastUsageRead(db, orgId)) !== null;
    const persisted = await persistFindings(db, { orgId, scanId, findings, repoIds, resolvableRepoIds: resolvable, registry: evidence, owns, actionsCacheRead });
    Object.assign(summary, {
      status: repoErrors.length > 0 ? "partial" : "succeeded",
      newCount: persisted.newCount, resolvedCount: persisted.resolvedCount, openCount: persisted.openCount,
      findings: persisted.findings.filter((f) => !f.suppressed), suppressed: persisted.findings.filter((f) => f.suppressed), repoErrors,
    });
    await progress.update({ phase: "done" });
  } catch (e) {
    summary.status = "failed";
    summary.error = redact(e instanceof Error ? e.message : String(e), [config.token]);
    summary.repoErrors = repoErrors;
    summary.openCount = await db.finding.count({ where: { orgId, ...openWhere() } }).catch(() => 0);
  } finally {
    await recordScanEnd(db, scanId, summary, stats, progress, config);
  }
  // the same after-scan tasks as a full scan's, told which repositories this one read
  if (gh && summary.status !== "failed") {
    summary.actions = await afterScan(db, gh, config, orgId, scanId, summary, completeRepoIds, opts.afterScanTasks ?? AFTER_SCAN_TASKS);
  }
  summary.requests = { rest: stats.rest, graphql: stats.graphql, registry: stats.registry };
  return summary;
}

/**
 * Run one incremental scan to the end. Throws ScanAlreadyRunningError while another scan of the org
 * (full or incremental) runs: the caller waits and tries again after it.
 */
export async function runIncrementalScan(db: Db, opts: IncrementalOptions): Promise<IncrementalSummary> {
  const { scanId, orgId } = await beginScan(db, opts.config.org, opts.trigger ?? "webhook", opts.scope.label);
  return execute(db, scanId, orgId, opts);
}
