import { bakeFilesNamed } from "@/lib/engine/extract";
import type { InputFile } from "@/lib/engine/types";
import type { GitHubClient } from "@/lib/github/client";
import { type FetchedFile, fetchFilesByPath, fetchWorkflowFiles } from "@/lib/github/files";
import { type RepoInfo, listOrgRepos } from "@/lib/github/repos";
import type { Db } from "@/lib/server/db";
import type { ProgressReporter } from "@/lib/server/scan/lifecycle";
import type { RepoError, ScanConfig } from "@/lib/server/scan/types";

/**
 * Repos per fetchWorkflowFiles call: the client splits it into aliased GraphQL queries itself, and
 * the bake files of the whole batch are fetched together, so larger batches mean fewer requests;
 * this is also the progress granularity.
 */
const FETCH_BATCH = 100;
const IN_CHUNK = 500;

export interface RepoFiles {
  repoId: number;
  name: string;
  /** `org/name`: the repo id the engine and findings use */
  fullName: string;
  files: InputFile[];
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

function usable(files: FetchedFile[], fullName: string): { inputs: InputFile[]; problems: string[] } {
  const inputs: InputFile[] = [];
  const problems: string[] = [];
  for (const f of files) {
    if (f.text == null || f.binary) problems.push(`${f.path}: binary or unreadable, skipped`);
    else if (f.truncated) problems.push(`${f.path}: too large (${f.byteSize} bytes), skipped`);
    else inputs.push({ path: f.path, text: f.text, repo: fullName });
  }
  return { inputs, problems };
}

/** Statements replacing a repo's stored files with what this scan read, marking it completely scanned. */
function storeRepoFiles(db: Db, repoId: number, scanId: number, head: string | null, files: FetchedFile[]) {
  const keep = files.filter((f) => f.text != null && !f.binary && !f.truncated);
  return [
    db.sourceFile.deleteMany({ where: { repoId } }),
    db.sourceFile.createMany({ data: keep.map((f) => ({ repoId, path: f.path, sha: f.sha, text: f.text! })) }),
    db.repo.update({ where: { id: repoId }, data: { scannedHeadSha: head, lastCompleteScanId: scanId, lastError: null } }),
  ];
}

/**
 * List the org's repos, reuse stored files of repos whose head is unchanged, fetch workflows
 * (then the bake files they name) of the others. A repo that fails keeps its stored files,
 * which still take part in the analysis, but is not `complete`.
 */
export async function scanRepos(
  db: Db, gh: GitHubClient, config: ScanConfig, orgId: number, scanId: number, progress: ProgressReporter,
): Promise<ReposPhaseResult> {
  await progress.update({ phase: "repos" });
  const listed = await listOrgRepos(gh, config.org, {
    includeArchived: config.includeArchived, includeForks: config.includeForks,
  });
  // one transaction: a commit per repo would cost a disk sync each
  const upserted = await db.$transaction(
    listed.map((r) => {
      const data = {
        defaultBranch: r.defaultBranch, headSha: r.headOid, archived: r.archived, fork: r.fork,
        private: r.isPrivate, pushedAt: r.pushedAt ? new Date(r.pushedAt) : null,
      };
      return db.repo.upsert({
        where: { orgId_name: { orgId, name: r.name } }, create: { orgId, name: r.name, ...data }, update: data,
      });
    }),
  );
  const rows = new Map(upserted.map((row) => [row.name, row]));
  const stored = await db.repo.findMany({ where: { orgId }, select: { id: true, name: true } });
  const goneRepoIds = stored.filter((s) => !rows.has(s.name)).map((s) => s.id);

  const result: RepoFiles[] = [];
  const errors: RepoError[] = [];
  const warnings: RepoError[] = [];
  const unchanged = listed.filter((r) => r.headOid && r.headOid === rows.get(r.name)!.scannedHeadSha);
  const unchangedSet = new Set(unchanged);
  const toFetch = listed.filter((r) => !unchangedSet.has(r) && !r.isEmpty && r.headOid);
  const fetchSet = new Set(toFetch);
  // an empty repo (no head) has nothing to read: complete with no files
  for (const r of listed.filter((x) => !unchangedSet.has(x) && !fetchSet.has(x))) {
    const id = rows.get(r.name)!.id;
    await db.$transaction(storeRepoFiles(db, id, scanId, r.headOid, []));
    result.push({ repoId: id, name: r.name, fullName: r.nameWithOwner, files: [], complete: true });
  }
  // stored files of unchanged repos, a few queries for all of them
  const storedFiles = new Map<number, InputFile[]>();
  const unchangedIds = unchanged.map((r) => rows.get(r.name)!.id);
  for (let i = 0; i < unchangedIds.length; i += IN_CHUNK) {
    const files = await db.sourceFile.findMany({ where: { repoId: { in: unchangedIds.slice(i, i + IN_CHUNK) } }, orderBy: { path: "asc" } });
    for (const f of files) {
      const list = storedFiles.get(f.repoId) ?? [];
      list.push({ path: f.path, text: f.text });
      storedFiles.set(f.repoId, list);
    }
  }
  for (const r of unchanged) {
    const id = rows.get(r.name)!.id;
    const files = (storedFiles.get(id) ?? []).map((f) => ({ ...f, repo: r.nameWithOwner }));
    result.push({ repoId: id, name: r.name, fullName: r.nameWithOwner, complete: true, files });
  }
  let done = result.length;
  await progress.update({ phase: "workflows", reposTotal: listed.length, reposDone: done, reposSkipped: unchanged.length }, true);

  for (let i = 0; i < toFetch.length; i += FETCH_BATCH) {
    const batch = toFetch.slice(i, i + FETCH_BATCH);
    let fetched: Map<string, { files: FetchedFile[]; error?: string }>;
    try {
      fetched = await fetchWorkflowFiles(gh, config.org, batch);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      fetched = new Map(batch.map((r) => [r.name, { files: [], error: message }]));
    }
    // bake/compose files the workflows name, fetched for the whole batch at once
    const wanted: Array<{ repo: string; paths: string[] }> = [];
    for (const r of batch) {
      const got = lookup(fetched, r);
      if (!got || got.error) continue;
      const { inputs } = usable(got.files, r.nameWithOwner);
      const have = new Set(got.files.map((f) => f.path));
      const paths = bakeFilesNamed(inputs).filter((p) => !have.has(p));
      if (paths.length > 0) wanted.push({ repo: r.name, paths });
    }
    let extra = new Map<string, FetchedFile[]>();
    let extraError: string | undefined;
    if (wanted.length > 0) {
      await progress.update({ phase: "bake-files" });
      try {
        extra = await fetchFilesByPath(gh, config.org, wanted);
      } catch (e) {
        extraError = e instanceof Error ? e.message : String(e);
      }
    }
    const writes = [];
    for (const r of batch) {
      const id = rows.get(r.name)!.id;
      const got = lookup(fetched, r);
      const needsExtra = wanted.some((w) => w.repo === r.name);
      const extraFiles = lookup(extra, r) ?? [];
      // a file whose download failed can be read next time: the repo is not complete (binary and
      // over-limit files are permanent and only warned about)
      const transient = [...(got?.files ?? []), ...extraFiles].find((f) => f.error && f.text == null && !f.binary && !/over the .* limit/.test(f.error));
      const error = !got ? "no answer for this repository" : got.error ?? (needsExtra ? extraError : undefined) ?? (transient ? `${transient.path}: ${transient.error}` : undefined);
      if (error) {
        errors.push({ repo: r.name, message: error });
        writes.push(db.repo.update({ where: { id }, data: { lastError: error } }));
        const old = await db.sourceFile.findMany({ where: { repoId: id } });
        result.push({
          repoId: id, name: r.name, fullName: r.nameWithOwner, complete: false,
          files: old.map((f) => ({ path: f.path, text: f.text, repo: r.nameWithOwner })),
        });
        continue;
      }
      const all = [...got!.files, ...(lookup(extra, r) ?? [])];
      const { inputs, problems } = usable(all, r.nameWithOwner);
      // unreadable files are reported but do not make the repo incomplete: they can never be read
      for (const p of problems) warnings.push({ repo: r.name, message: p });
      writes.push(...storeRepoFiles(db, id, scanId, r.headOid, all));
      result.push({ repoId: id, name: r.name, fullName: r.nameWithOwner, files: inputs, complete: true });
    }
    await db.$transaction(writes);
    done += batch.length;
    await progress.update({ phase: "workflows", reposDone: done });
  }
  return { repos: result, listed: listed.length, fetched: toFetch.length, skipped: unchanged.length, errors, warnings, goneRepoIds };
}
