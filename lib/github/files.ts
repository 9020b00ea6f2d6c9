import path from "node:path";
import type { GitHubClient, GraphqlErrorItem } from "./client";
import { runBatched } from "./batch";
import { BLOB_FIELDS, type BlobNode, type BlobReadOptions, type FetchedFile, errorFile, incompleteAnswer, readBlob } from "./blob-files";
import { CODEOWNERS_PATHS } from "./codeowners";
import { isValidGitRef } from "./git-ref";

export type { FetchedFile } from "./blob-files";

export interface FetchFilesOptions extends BlobReadOptions {
  /** repositories per GraphQL request (default 25) */
  batchSize?: number;
}

/** A name at the root of a repository's default branch (submodules left out). */
export interface RootEntry { name: string; type: "blob" | "tree" }

export interface RepoWorkflowFiles {
  files: FetchedFile[];
  /** what the root of the default branch holds, so bake/compose files nobody names can be found */
  rootEntries: RootEntry[];
  /**
   * The CODEOWNERS file GitHub uses (the first of CODEOWNERS_PATHS that exists), read in the same
   * request: null when there is none, undefined when the answer did not say (the stored one stays).
   */
  codeowners?: { path: string; text: string } | null;
  /** the repository could not be read (not found, refused, incomplete answer); files and rootEntries are then empty */
  error?: string;
}

interface TreeEntryNode { name?: unknown; path?: unknown; type?: unknown; oid?: unknown; object?: BlobNode | null }

export const WORKFLOW_DIR = ".github/workflows";

/**
 * The workflow files (.github/workflows/*.yml|yaml) of each repository's default branch, with
 * their texts, and the names at its root, in one aliased GraphQL request per batch of repositories.
 * Keyed by repository name; a repository that could not be read has `error` set.
 */
export async function fetchWorkflowFiles(
  gh: GitHubClient,
  org: string,
  repos: Array<{ name: string }>,
  opts: FetchFilesOptions = {},
): Promise<Map<string, RepoWorkflowFiles>> {
  const out = new Map<string, RepoWorkflowFiles>();
  const fail = (name: string, error: string) => out.set(name, { files: [], rootEntries: [], error });
  const names = [...new Set(repos.map((r) => r.name))];
  await runBatched(
    gh,
    names,
    opts.batchSize ?? 25,
    (batch) => {
      const vars: Record<string, unknown> = { owner: org };
      const decl = ["$owner: String!"];
      const fields = batch.map((name, i) => {
        vars[`n${i}`] = name;
        decl.push(`$n${i}: String!`);
        return `r${i}: repository(owner: $owner, name: $n${i}) {
    object(expression: ${JSON.stringify(`HEAD:${WORKFLOW_DIR}`)}) {
      __typename
      ... on Tree { entries { name path type oid object { ... on Blob { ${BLOB_FIELDS} } } } }
    }
    root: object(expression: "HEAD:") { __typename ... on Tree { entries { name type } } }
    ${CODEOWNERS_PATHS.map((p, j) => `co${j}: object(expression: ${JSON.stringify(`HEAD:${p}`)}) { __typename ... on Blob { text } }`).join("\n    ")}
  }`;
      });
      return { query: `query(${decl.join(", ")}) {\n  ${fields.join("\n  ")}\n}`, variables: vars };
    },
    async (batch, data, errors) => {
      await Promise.all(
        batch.map(async (name, i) => {
          if (!(`r${i}` in data)) return fail(name, incompleteAnswer(`repository ${org}/${name}`));
          const repo = data[`r${i}`] as Record<string, unknown> | null;
          if (!repo) return fail(name, repoError(org, name, errors.get(`r${i}`)));
          const workflows = "object" in repo ? entriesOf(repo.object) : undefined;
          const root = "root" in repo ? entriesOf(repo.root) : undefined;
          if (!workflows) return fail(name, incompleteAnswer(`the ${WORKFLOW_DIR} tree of ${org}/${name}`));
          if (!root) return fail(name, incompleteAnswer(`the root tree of ${org}/${name}`));
          const rootEntries: RootEntry[] = [];
          for (const e of root) if (e.type === "blob" || e.type === "tree") rootEntries.push({ name: e.name, type: e.type });
          const files: FetchedFile[] = [];
          for (const e of workflows) {
            if (e.type !== "blob" || !/\.ya?ml$/i.test(e.name)) continue;
            const p = typeof e.path === "string" ? e.path : `${WORKFLOW_DIR}/${e.name}`;
            files.push(await readBlob(gh, org, name, p, e.object ?? {}, opts));
          }
          files.sort((a, b) => a.path.localeCompare(b.path));
          out.set(name, { files, rootEntries, codeowners: codeownersOf(repo) });
        }),
      );
    },
    fail,
  );
  return out;
}

/** The first CODEOWNERS blob the answer holds; undefined when an alias is missing or not understood. */
function codeownersOf(repo: Record<string, unknown>): RepoWorkflowFiles["codeowners"] {
  for (const [j, p] of CODEOWNERS_PATHS.entries()) {
    if (!(`co${j}` in repo)) return undefined;
    const obj = repo[`co${j}`] as { __typename?: unknown; text?: unknown } | null;
    if (obj === null || obj.__typename !== "Blob") continue; // absent, or a directory
    return typeof obj.text === "string" ? { path: p, text: obj.text } : undefined;
  }
  return null;
}

/** Files wanted from one repository at one ref (absent or `HEAD`: the default branch). */
export interface WantedFiles {
  repo: string;
  /** a branch, tag or full commit sha, sent as `REF:path` the way `Repository.object(expression:)` reads it */
  ref?: string;
  paths: string[];
}

/** The key fetchFilesByPath files its results under: `repo` at HEAD (ref absent or "HEAD"), `repo@ref` otherwise. */
export function filesKey(repo: string, ref?: string): string {
  return ref === undefined || ref === "HEAD" ? repo : `${repo}@${ref}`;
}

interface RefGroup { key: string; rev: string; paths: string[] }

/**
 * Repositories per request for named files. Their files are few and small (the scripts, bake files and
 * actions a workflow names), unlike whole workflow trees (25 a request): a larger batch keeps the
 * follow-up rounds to one request per 200 repositories read (the scan reads 200 at a time), and an answer too heavy is halved.
 */
export const NAMED_FILES_BATCH = 200;

/**
 * Named files (bake/compose files the workflows reference, actions and reusable workflows of the
 * same organization) at a ref of each repository, in one aliased GraphQL request per batch of
 * repositories (several refs of one repository share its alias). Results are keyed by
 * `filesKey(repo, ref)`: one entry per key asked for. Files that do not exist at that ref, or a
 * ref that does not exist, are left out; a repository that could not be read, an answer that
 * came back incomplete, and a ref that is not a valid git ref name (never sent; `permanent`) yield
 * one entry per wanted path with `error` set. Result paths are the normalized ones
 * (normalizeRepoPath); a path outside the repository is not asked for.
 */
export async function fetchFilesByPath(
  gh: GitHubClient,
  org: string,
  wanted: WantedFiles[],
  opts: FetchFilesOptions = {},
): Promise<Map<string, FetchedFile[]>> {
  const out = new Map<string, FetchedFile[]>();
  const groups = new Map<string, RefGroup & { repo: string }>();
  for (const w of wanted) {
    const key = filesKey(w.repo, w.ref);
    const group = groups.get(key) ?? { key, repo: w.repo, rev: w.ref ?? "HEAD", paths: [] };
    for (const p of w.paths.map(normalizeRepoPath)) if (p !== null && !group.paths.includes(p)) group.paths.push(p);
    groups.set(key, group);
    out.set(key, []);
  }
  const byRepo = new Map<string, RefGroup[]>();
  for (const g of groups.values()) {
    if (!isValidGitRef(g.rev)) {
      out.set(g.key, g.paths.map((p) => errorFile(p, `${JSON.stringify(g.rev)} is not a valid git ref name; not requested`, true)));
    } else if (g.paths.length > 0) {
      byRepo.set(g.repo, [...(byRepo.get(g.repo) ?? []), g]);
    }
  }
  const items = [...byRepo].map(([repo, refs]) => ({ repo, wanted: refs.flatMap((g) => g.paths.map((p) => ({ group: g, path: p }))) }));
  const failAll = (item: (typeof items)[number], message: string) => {
    for (const key of new Set(item.wanted.map((w) => w.group.key))) {
      out.set(key, item.wanted.filter((w) => w.group.key === key).map((w) => errorFile(w.path, message)));
    }
  };
  await runBatched(
    gh,
    items,
    opts.batchSize ?? NAMED_FILES_BATCH,
    (batch) => {
      const vars: Record<string, unknown> = { owner: org };
      const decl = ["$owner: String!"];
      const fields = batch.map((item, i) => {
        vars[`n${i}`] = item.repo;
        decl.push(`$n${i}: String!`);
        const objs = item.wanted.map((w, j) => {
          vars[`e${i}_${j}`] = `${w.group.rev}:${w.path}`;
          decl.push(`$e${i}_${j}: String!`);
          return `f${j}: object(expression: $e${i}_${j}) { __typename ... on Blob { ${BLOB_FIELDS} } }`;
        });
        return `r${i}: repository(owner: $owner, name: $n${i}) {\n    ${objs.join("\n    ")}\n  }`;
      });
      return { query: `query(${decl.join(", ")}) {\n  ${fields.join("\n  ")}\n}`, variables: vars };
    },
    async (batch, data, errors) => {
      await Promise.all(
        batch.map(async (item, i) => {
          if (!(`r${i}` in data)) return failAll(item, incompleteAnswer(`repository ${org}/${item.repo}`));
          const repo = data[`r${i}`] as Record<string, (BlobNode & { __typename?: unknown }) | null> | null;
          if (!repo) return failAll(item, repoError(org, item.repo, errors.get(`r${i}`)));
          const files = new Map<string, FetchedFile[]>();
          for (const [j, { group, path: p }] of item.wanted.entries()) {
            const list = files.get(group.key) ?? [];
            files.set(group.key, list);
            const obj = repo[`f${j}`];
            const at = group.rev === "HEAD" ? p : `${p} at ${group.rev}`;
            if (obj === undefined) list.push(errorFile(p, incompleteAnswer(at)));
            // null: no such path, or no such ref
            else if (obj === null) continue;
            else if (obj.__typename === "Blob") list.push(await readBlob(gh, org, item.repo, p, obj, opts));
            // a directory (Tree) or a submodule (Commit): not a file
            else if (typeof obj.__typename !== "string") list.push(errorFile(p, incompleteAnswer(`the object type of ${at}`)));
          }
          for (const [key, list] of files) out.set(key, list);
        }),
      );
    },
    failAll,
  );
  return out;
}

/** A repository-relative path, or null when it points outside the repository. */
export function normalizeRepoPath(p: string): string | null {
  const n = path.posix.normalize(p.trim().replace(/\\/g, "/")).replace(/^(\.\/)+/, "").replace(/^\/+/, "");
  if (!n || n === "." || n.startsWith("../") || n === "..") return null;
  return n;
}

/** A Tree answer's entries: [] when there is no tree there (null, or a file); undefined when the answer is incomplete. */
function entriesOf(obj: unknown): Array<TreeEntryNode & { name: string; type: string }> | undefined {
  if (obj === null) return [];
  if (typeof obj !== "object") return undefined;
  const { __typename, entries } = obj as { __typename?: unknown; entries?: unknown };
  if (Array.isArray(entries)) {
    const ok = entries.every((e: TreeEntryNode | null) => typeof e?.name === "string" && typeof e.type === "string");
    return ok ? (entries as Array<TreeEntryNode & { name: string; type: string }>) : undefined;
  }
  return typeof __typename === "string" && __typename !== "Tree" ? [] : undefined;
}

function repoError(org: string, name: string, errors: GraphqlErrorItem[] | undefined): string {
  if (errors?.some((e) => e.type === "NOT_FOUND")) return `Repository '${org}/${name}' not found or not visible to this token`;
  return errors?.map((e) => e.message).join("; ") || `Repository '${org}/${name}' could not be read`;
}
