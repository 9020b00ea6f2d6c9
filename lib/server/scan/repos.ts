import type { InputFile } from "@/lib/engine/types";
import type { GitHubClient } from "@/lib/github/client";
import { type FetchedFile, fetchWorkflowFiles, type RepoWorkflowFiles } from "@/lib/github/files";
import { type RepoInfo, listOrgRepos } from "@/lib/github/repos";
import type { Db } from "@/lib/server/db";
import { chunks } from "@/lib/server/chunk";
import { followBatch, type FollowedRepo } from "@/lib/server/scan/follow-files";
import { teamNoteKey } from "@/lib/server/queries/summary";
import { DEFAULT_TEAM_PROPERTY, codeownersTeam, readTeamProperties, resolveTeam } from "@/lib/server/scan/teams";
import type { ProgressReporter } from "@/lib/server/scan/lifecycle";
import type { FileProblem, RepoError, ScanConfig } from "@/lib/server/scan/types";

/**
 * Repos per fetchWorkflowFiles call: the client splits it into aliased GraphQL queries itself, and
 * the bake files of the whole batch are fetched together, so larger batches mean fewer requests;
 * this is also the progress granularity.
 */
const FETCH_BATCH = 200;

/**
 * Which files a scan reads for a repository (workflows only; then the files they call): stored files
 * of an unchanged repository are reused only when they were read by the same discovery.
 */
const DISCOVERY_VERSION = "3"; // 3: also reads .github/cacheguard.yml
const discoveryKey = (orgId: number) => `discovery-version:${orgId}`;

export interface RepoFiles {
  repoId: number;
  name: string;
  /** `org/name`: the repo id the engine and findings use */
  fullName: string;
  files: InputFile[];
  /** files of the repository that can never be read (binary, too large): not analysed */
  unread: FileProblem[];
  /** read completely in this scan (fetched, or unchanged since a complete scan): its findings may be resolved */
  complete: boolean;
}

export interface ReposPhaseResult {
  repos: RepoFiles[];
  listed: number;
  fetched: number;
  skipped: number;
  errors: RepoError[];
  /** files that can never be read (binary, too large): reported, but the repo still counts as complete */
  warnings: RepoError[];
  /** ids of stored repos that are no longer listed (deleted, archived, now a fork) */
  goneRepoIds: number[];
}

function lookup<T>(m: Map<string, T>, r: RepoInfo): T | undefined {
  return m.get(r.name) ?? m.get(r.nameWithOwner) ?? m.get(r.nameWithOwner.toLowerCase());
}

/**
 * Statements replacing the stored files of completely read repos with what this scan read, marking
 * them completely scanned: one delete and one insert for the whole batch, one update per repo.
 */
type Codeowners = { team: string | null; path: string | null };
type ReadRepo = { repoId: number; head: string | null; files: FetchedFile[]; unread: FileProblem[]; codeowners?: Codeowners };

function storeRepoFiles(db: Db, scanId: number, repos: ReadRepo[]) {
  if (repos.length === 0) return [];
  // every text read is stored (a text GitHub truncated and REST completed too): a later scan that
  // reuses the stored files must analyse what this one did
  const data = repos.flatMap((r) =>
    r.files.filter((f) => f.text != null && !f.binary).map((f) => ({ repoId: r.repoId, path: f.path, sha: f.sha, text: f.text! })),
  );
  return [
    ...chunks(repos.map((r) => r.repoId)).map((ids) => db.sourceFile.deleteMany({ where: { repoId: { in: ids } } })),
    ...(data.length > 0 ? [db.sourceFile.createMany({ data })] : []),
    ...repos.map((r) => db.repo.update({
      where: { id: r.repoId },
      data: {
        scannedHeadSha: r.head, lastCompleteScanId: scanId, lastError: null, unreadFiles: JSON.stringify(r.unread),
        ...(r.codeowners ? { codeownersTeam: r.codeowners.team, codeownersPath: r.codeowners.path } : {}),
      },
    })),
  ];
}

/**
 * Each listed repository's owner team from this scan's custom properties and topics and the stored
 * CODEOWNERS team (read with the files of a repository whose head changed); written where it changed.
 */
async function storeTeams(db: Db, orgId: number, listed: Array<Pick<RepoInfo, "name" | "topics">>, propertyName: string, props: Awaited<ReturnType<typeof readTeamProperties>>) {
  const rows = new Map((await db.repo.findMany({
    where: { orgId }, select: { id: true, name: true, team: true, teamSource: true, codeownersTeam: true, codeownersPath: true },
  })).map((r) => [r.name, r]));
  const writes = [];
  const fromProperty = `custom property ${propertyName}`;
  for (const r of listed) {
    const row = rows.get(r.name);
    if (!row) continue;
    let t = resolveTeam(propertyName, {
      property: props.values?.get(r.name)?.get(propertyName) ?? null, topics: r.topics,
      codeowners: { team: row.codeownersTeam, path: row.codeownersPath },
    });
    // properties not read for a reason that may pass: the team they gave stands
    if (props.keepStored && row.teamSource === fromProperty && row.team) t = { team: row.team, source: fromProperty };
    if ((t?.team ?? null) !== row.team || (t?.source ?? null) !== row.teamSource) {
      writes.push(db.repo.update({ where: { id: row.id }, data: { team: t?.team ?? null, teamSource: t?.source ?? null } }));
    }
  }
  const key = teamNoteKey(orgId);
  writes.push(props.note
    ? db.setting.upsert({ where: { key }, create: { key, value: props.note }, update: { value: props.note } })
    : db.setting.deleteMany({ where: { key } }));
  await db.$transaction(writes);
}

/** The stored list of files that could not be read at the stored head. */
function storedUnread(json: string): FileProblem[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is FileProblem => typeof x?.path === "string" && typeof x?.message === "string") : [];
  } catch {
    return [];
  }
}

export type RepoRow = Awaited<ReturnType<Db["repo"]["findMany"]>>[number];

/** The Repo columns a listing (or a single-repository read) sets. */
export function repoRowData(r: RepoInfo) {
  return {
    defaultBranch: r.defaultBranch, headSha: r.headOid, archived: r.archived, fork: r.fork,
    private: r.isPrivate, pushedAt: r.pushedAt ? new Date(r.pushedAt) : null, goneScanId: null,
  };
}

/** Does the stored row differ from what GitHub says now (or was it marked gone)? */
export function repoRowChanged(old: RepoRow, data: ReturnType<typeof repoRowData>): boolean {
  return old.defaultBranch !== data.defaultBranch || old.headSha !== data.headSha || old.archived !== data.archived ||
    old.fork !== data.fork || old.private !== data.private || old.pushedAt?.getTime() !== data.pushedAt?.getTime() ||
    old.goneScanId !== null;
}

/** Were the stored files of this org read by the current discovery (older versions read fewer files)? */
export async function discoveryCurrent(db: Db, orgId: number): Promise<boolean> {
  return (await db.setting.findUnique({ where: { key: discoveryKey(orgId) } }))?.value === DISCOVERY_VERSION;
}

const goneTrackedKey = (orgId: number) => `gone-tracked:${orgId}`;

/** Has a scan marked every repository the org no longer lists (Repo.goneScanId) since that column exists? */
export async function goneTracked(db: Db, orgId: number): Promise<boolean> {
  return (await db.setting.findUnique({ where: { key: goneTrackedKey(orgId) } }))?.value === "1";
}

export async function markGoneTracked(db: Db, orgId: number): Promise<void> {
  const key = goneTrackedKey(orgId);
  await db.setting.upsert({ where: { key }, create: { key, value: "1" }, update: { value: "1" } });
}

async function markDiscovery(db: Db, orgId: number): Promise<void> {
  await db.setting.upsert({ where: { key: discoveryKey(orgId) }, create: { key: discoveryKey(orgId), value: DISCOVERY_VERSION }, update: { value: DISCOVERY_VERSION } });
}

/** Is this repository unchanged since its last complete read, so its stored files are as good as read now? */
export function isUnchanged(current: boolean, r: RepoInfo, row: RepoRow): boolean {
  return current && !!r.headOid && r.headOid === row.scannedHeadSha;
}

/** The stored files of these repositories (a few queries for all of them), as the analysis takes them. */
export async function storedRepoFiles(db: Db, repos: Array<{ row: RepoRow; fullName: string; complete: boolean }>): Promise<RepoFiles[]> {
  const storedFiles = new Map<number, InputFile[]>();
  for (const ids of chunks(repos.map((r) => r.row.id))) {
    const files = await db.sourceFile.findMany({ where: { repoId: { in: ids } }, orderBy: { path: "asc" } });
    for (const f of files) {
      const list = storedFiles.get(f.repoId) ?? [];
      list.push({ path: f.path, text: f.text });
      storedFiles.set(f.repoId, list);
    }
  }
  return repos.map(({ row, fullName, complete }) => ({
    repoId: row.id, name: row.name, fullName, complete,
    files: (storedFiles.get(row.id) ?? []).map((f) => ({ ...f, repo: fullName })), unread: storedUnread(row.unreadFiles),
  }));
}

/** An empty repository (no head) has nothing to read: complete with no files. */
async function storeEmpty(db: Db, scanId: number, empty: RepoInfo[], rows: Map<string, RepoRow>): Promise<RepoFiles[]> {
  await db.$transaction(storeRepoFiles(db, scanId, empty.map((r) => ({ repoId: rows.get(r.name)!.id, head: r.headOid, files: [], unread: [], codeowners: { team: null, path: null } }))));
  return empty.map((r) => ({ repoId: rows.get(r.name)!.id, name: r.name, fullName: r.nameWithOwner, files: [], unread: [], complete: true }));
}

export interface RepoReadResult {
  repos: RepoFiles[];
  errors: RepoError[];
  warnings: RepoError[];
}

/**
 * Read a batch of repositories (at most FETCH_BATCH): their workflows, then the actions, reusable
 * workflows, scripts, Makefiles and bake files they run, round by round, and store what was read
 * completely. A repository that fails keeps its stored files, which still take part in the analysis,
 * but is not `complete`.
 */
export async function readRepoBatch(
  db: Db, gh: GitHubClient, config: ScanConfig, scanId: number, batch: RepoInfo[], rows: Map<string, RepoRow>, progress?: ProgressReporter,
): Promise<RepoReadResult> {
  const result: RepoFiles[] = [];
  const errors: RepoError[] = [];
  const warnings: RepoError[] = [];
  let fetched: Map<string, RepoWorkflowFiles>;
  try {
    fetched = await fetchWorkflowFiles(gh, config.org, batch);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    fetched = new Map(batch.map((r) => [r.name, { files: [], rootEntries: [], error: message }]));
  }
  // the actions, reusable workflows, scripts, Makefiles and bake files the workflows run, round by round
  const readable = batch.flatMap((r) => {
    const got = lookup(fetched, r);
    return got && !got.error ? [{ name: r.name, fullName: r.nameWithOwner, got }] : [];
  });
  let followed = new Map<string, FollowedRepo>();
  if (readable.length > 0) {
    await progress?.update({ phase: "workflows" });
    try {
      followed = await followBatch(gh, config.org, readable);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      followed = new Map(readable.map((r) => [r.name, { files: [], inputs: [], problems: [], error: message }]));
    }
  }
  const writes = [];
  const complete: ReadRepo[] = [];
  for (const r of batch) {
    const row = rows.get(r.name)!;
    const id = row.id;
    const got = lookup(fetched, r);
    const f = followed.get(r.name);
    const error = !got ? "no answer for this repository" : got.error ?? f?.error ?? (f ? undefined : "no answer for this repository");
    if (error || !f) {
      errors.push({ repo: r.name, message: error ?? "no answer for this repository" });
      writes.push(db.repo.update({ where: { id }, data: { lastError: error } }));
      const old = await db.sourceFile.findMany({ where: { repoId: id } });
      result.push({
        repoId: id, name: r.name, fullName: r.nameWithOwner, complete: false,
        files: old.map((o) => ({ path: o.path, text: o.text, repo: r.nameWithOwner })), unread: storedUnread(row.unreadFiles),
      });
      continue;
    }
    // unreadable files are reported but do not make the repo incomplete: they can never be read
    for (const p of f.problems) warnings.push({ repo: r.name, message: `${p.path}: ${p.message}` });
    // CODEOWNERS came in the same answer as the workflow tree; undefined: it did not say, the stored one stays
    const owners = got!.codeowners === undefined ? undefined : codeownersTeam(got!.codeowners, got!.files.map((x) => x.path));
    complete.push({ repoId: id, head: r.headOid, files: f.files, unread: f.problems, codeowners: owners });
    result.push({ repoId: id, name: r.name, fullName: r.nameWithOwner, files: f.inputs, unread: f.problems, complete: true });
  }
  await db.$transaction([...writes, ...storeRepoFiles(db, scanId, complete)]);
  return { repos: result, errors, warnings };
}

/**
 * Read the repositories a scan names (a webhook's incremental scan): each one as the full scan would,
 * stored files reused when its head is unchanged since a complete read, empty ones complete with no
 * files. `rows` are their stored Repo rows, already up to date with `infos`.
 */
export async function readRepos(
  db: Db, gh: GitHubClient, config: ScanConfig, orgId: number, scanId: number, infos: RepoInfo[], rows: Map<string, RepoRow>,
): Promise<RepoReadResult & { fetched: number; skipped: number }> {
  const current = await discoveryCurrent(db, orgId);
  const unchanged = infos.filter((r) => isUnchanged(current, r, rows.get(r.name)!));
  const unchangedSet = new Set(unchanged);
  const toFetch = infos.filter((r) => !unchangedSet.has(r) && !r.isEmpty && r.headOid);
  const fetchSet = new Set(toFetch);
  const out: RepoReadResult = { repos: [], errors: [], warnings: [] };
  out.repos.push(...(await storeEmpty(db, scanId, infos.filter((x) => !unchangedSet.has(x) && !fetchSet.has(x)), rows)));
  out.repos.push(...(await storedRepoFiles(db, unchanged.map((r) => ({ row: rows.get(r.name)!, fullName: r.nameWithOwner, complete: true })))));
  for (let i = 0; i < toFetch.length; i += FETCH_BATCH) {
    const got = await readRepoBatch(db, gh, config, scanId, toFetch.slice(i, i + FETCH_BATCH), rows);
    out.repos.push(...got.repos);
    out.errors.push(...got.errors);
    out.warnings.push(...got.warnings);
  }
  // the discovery version is the org's: only a full scan (which reads every changed repository) moves it
  return { ...out, fetched: toFetch.length, skipped: unchanged.length };
}

/** What the listing step of a scan settles before any workflow is read (lib/server/queue plans from it). */
export interface RepoWork {
  listed: RepoInfo[];
  rows: Map<string, RepoRow>;
  /** unchanged since a complete read by the current discovery: stored files are as good as read now */
  unchanged: RepoInfo[];
  /** to read, in batches of FETCH_BATCH (readRepoBatch) */
  toFetch: RepoInfo[];
  /** empty repositories, stored complete with no files */
  empty: RepoFiles[];
  goneRepoIds: number[];
  teamProperty: string;
  properties: Promise<Awaited<ReturnType<typeof readTeamProperties>>>;
}

/**
 * List the org's repos, store the listing (new, changed and gone rows), and settle which repositories
 * are unchanged and which to read. Empty ones are stored complete here.
 */
export async function listRepoWork(
  db: Db, gh: GitHubClient, config: ScanConfig, orgId: number, scanId: number, progress: ProgressReporter,
): Promise<RepoWork> {
  await progress.update({ phase: "repos" });
  // custom properties change without a push: read every scan (one paged request), beside the listing
  const teamProperty = config.teamProperty ?? DEFAULT_TEAM_PROPERTY;
  const properties = readTeamProperties(gh, config.org, teamProperty);
  properties.catch(() => {}); // awaited by finishRepoWork; never an unhandled rejection meanwhile
  const listed = await listOrgRepos(gh, config.org, {
    includeArchived: config.includeArchived, includeForks: config.includeForks,
  });
  // new repos in one insert, changed ones updated, unchanged ones untouched: one Prisma call per
  // repo costs ~1 ms of CPU, which adds up at thousands of repos
  const before = new Map((await db.repo.findMany({ where: { orgId } })).map((row) => [row.name, row]));
  const added = [];
  const updates = [];
  for (const r of listed) {
    const data = repoRowData(r);
    const old = before.get(r.name);
    if (!old) added.push({ orgId, name: r.name, ...data });
    else if (repoRowChanged(old, data)) updates.push(db.repo.update({ where: { id: old.id }, data }));
  }
  // one transaction: a commit per repo would cost a disk sync each
  await db.$transaction([...(added.length > 0 ? [db.repo.createMany({ data: added })] : []), ...updates]);
  const listedNames = new Set(listed.map((r) => r.name));
  const stored = await db.repo.findMany({ where: { orgId } });
  const rows = new Map(stored.filter((row) => listedNames.has(row.name)).map((row) => [row.name, row]));
  const gone = stored.filter((row) => !rows.has(row.name));
  const goneRepoIds = gone.map((row) => row.id);
  // remembered, so an incremental scan leaves their stored files out of its analysis
  const newlyGone = gone.filter((row) => row.goneScanId === null).map((row) => row.id);
  for (const ids of chunks(newlyGone)) await db.repo.updateMany({ where: { id: { in: ids } }, data: { goneScanId: scanId } });
  await markGoneTracked(db, orgId);

  // Stored files are reused only if they were read by this discovery (older versions read fewer files).
  const current = await discoveryCurrent(db, orgId);
  const unchanged = listed.filter((r) => isUnchanged(current, r, rows.get(r.name)!));
  const unchangedSet = new Set(unchanged);
  const toFetch = listed.filter((r) => !unchangedSet.has(r) && !r.isEmpty && r.headOid);
  const fetchSet = new Set(toFetch);
  // an empty repo (no head) has nothing to read: complete with no files
  const empty = await storeEmpty(db, scanId, listed.filter((x) => !unchangedSet.has(x) && !fetchSet.has(x)), rows);
  return { listed, rows, unchanged, toFetch, empty, goneRepoIds, teamProperty, properties };
}

/** After every batch is read: the discovery version the stored files were read by, and each repository's owner team. */
export async function finishRepoWork(
  db: Db, orgId: number, listed: Array<Pick<RepoInfo, "name" | "topics">>, teamProperty: string, props: Awaited<ReturnType<typeof readTeamProperties>>,
): Promise<void> {
  await markDiscovery(db, orgId);
  await storeTeams(db, orgId, listed, teamProperty, props);
}

/**
 * List the org's repos, reuse stored files of repos whose head is unchanged, fetch workflows
 * (then the bake files they name) of the others. A repo that fails keeps its stored files,
 * which still take part in the analysis, but is not `complete`.
 */
export async function scanRepos(
  db: Db, gh: GitHubClient, config: ScanConfig, orgId: number, scanId: number, progress: ProgressReporter,
): Promise<ReposPhaseResult> {
  const work = await listRepoWork(db, gh, config, orgId, scanId, progress);
  const { listed, rows, unchanged, toFetch, goneRepoIds } = work;
  const result: RepoFiles[] = [...work.empty];
  const errors: RepoError[] = [];
  const warnings: RepoError[] = [];
  // stored files of unchanged repos, a few queries for all of them
  result.push(...(await storedRepoFiles(db, unchanged.map((r) => ({ row: rows.get(r.name)!, fullName: r.nameWithOwner, complete: true })))));
  let done = result.length;
  await progress.update({ phase: "workflows", reposTotal: listed.length, reposDone: done, reposSkipped: unchanged.length }, true);

  for (let i = 0; i < toFetch.length; i += FETCH_BATCH) {
    const batch = toFetch.slice(i, i + FETCH_BATCH);
    const got = await readRepoBatch(db, gh, config, scanId, batch, rows, progress);
    result.push(...got.repos);
    errors.push(...got.errors);
    warnings.push(...got.warnings);
    done += batch.length;
    await progress.update({ phase: "workflows", reposDone: done });
  }
  await finishRepoWork(db, orgId, listed, work.teamProperty, await work.properties);
  return { repos: result, listed: listed.length, fetched: toFetch.length, skipped: unchanged.length, errors, warnings, goneRepoIds };
}
