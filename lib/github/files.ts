import path from "node:path";
import type { GitHubClient, GraphqlErrorItem } from "./client";
import { runBatched } from "./batch";

export interface FetchedFile {
  path: string;
  sha: string;
  /** UTF-8 text; null for binary files and blobs too large to fetch */
  text: string | null;
  binary: boolean;
  /** GitHub truncated the GraphQL text; `text` was then fetched by REST unless `error` says why not */
  truncated: boolean;
  byteSize: number;
  /** why this file's text is missing (too large, REST fetch failed) */
  error?: string;
}

export interface FetchFilesOptions {
  /** repositories per GraphQL request (default 25) */
  batchSize?: number;
  /** truncated blobs at most this large are fetched by REST (default 10 MB) */
  maxBlobBytes?: number;
}

const BLOB_FIELDS = "oid text isBinary isTruncated byteSize";
const DEFAULT_MAX_BLOB = 10 * 1024 * 1024;

interface BlobNode { oid?: string; text?: string | null; isBinary?: boolean; isTruncated?: boolean; byteSize?: number }
interface TreeEntryNode { name: string; path?: string | null; type: string; oid: string; object?: BlobNode | null }

export const WORKFLOW_DIR = ".github/workflows";

/**
 * The workflow files (.github/workflows/*.yml|yaml) of each repository's default branch,
 * with their texts, in one aliased GraphQL request per batch of repositories.
 * Keyed by repository name; a repository that could not be read has `error` set.
 */
export async function fetchWorkflowFiles(
  gh: GitHubClient,
  org: string,
  repos: Array<{ name: string }>,
  opts: FetchFilesOptions = {},
): Promise<Map<string, { files: FetchedFile[]; error?: string }>> {
  const out = new Map<string, { files: FetchedFile[]; error?: string }>();
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
      ... on Tree { entries { name path type oid object { ... on Blob { ${BLOB_FIELDS} } } } }
    }
  }`;
      });
      return { query: `query(${decl.join(", ")}) {\n  ${fields.join("\n  ")}\n}`, variables: vars };
    },
    async (batch, data, errors) => {
      await Promise.all(
        batch.map(async (name, i) => {
          const repo = data[`r${i}`] as { object?: { entries?: TreeEntryNode[] } | null } | null | undefined;
          if (!repo) {
            out.set(name, { files: [], error: repoError(org, name, errors.get(`r${i}`)) });
            return;
          }
          const entries = repo.object?.entries ?? [];
          const files: FetchedFile[] = [];
          for (const e of entries) {
            if (e.type !== "blob" || !/\.ya?ml$/i.test(e.name)) continue;
            const p = e.path ?? `${WORKFLOW_DIR}/${e.name}`;
            files.push(await toFile(gh, org, name, p, e.oid, e.object ?? {}, opts));
          }
          files.sort((a, b) => a.path.localeCompare(b.path));
          out.set(name, { files });
        }),
      );
    },
    (name, message) => out.set(name, { files: [], error: message }),
  );
  return out;
}

/**
 * Named files (bake/compose files the workflows reference) from each repository's default
 * branch, same aliased pattern. Files that do not exist are left out; a repository that
 * could not be read yields one entry per wanted path with `error` set.
 */
export async function fetchFilesByPath(
  gh: GitHubClient,
  org: string,
  wanted: Array<{ repo: string; paths: string[] }>,
  opts: FetchFilesOptions = {},
): Promise<Map<string, FetchedFile[]>> {
  const out = new Map<string, FetchedFile[]>();
  const items: Array<{ repo: string; paths: string[] }> = [];
  for (const w of wanted) {
    const paths = [...new Set(w.paths.map(normalizeRepoPath).filter((p): p is string => p !== null))];
    if (paths.length > 0) items.push({ repo: w.repo, paths });
    out.set(w.repo, []);
  }
  await runBatched(
    gh,
    items,
    opts.batchSize ?? 25,
    (batch) => {
      const vars: Record<string, unknown> = { owner: org };
      const decl = ["$owner: String!"];
      const fields = batch.map((item, i) => {
        vars[`n${i}`] = item.repo;
        decl.push(`$n${i}: String!`);
        const objs = item.paths.map((p, j) => {
          vars[`e${i}_${j}`] = `HEAD:${p}`;
          decl.push(`$e${i}_${j}: String!`);
          return `f${j}: object(expression: $e${i}_${j}) { ... on Blob { ${BLOB_FIELDS} } }`;
        });
        return `r${i}: repository(owner: $owner, name: $n${i}) {\n    ${objs.join("\n    ")}\n  }`;
      });
      return { query: `query(${decl.join(", ")}) {\n  ${fields.join("\n  ")}\n}`, variables: vars };
    },
    async (batch, data, errors) => {
      await Promise.all(
        batch.map(async (item, i) => {
          const repo = data[`r${i}`] as Record<string, BlobNode | null> | null | undefined;
          if (!repo) {
            const error = repoError(org, item.repo, errors.get(`r${i}`));
            out.set(item.repo, item.paths.map((p) => errorFile(p, error)));
            return;
          }
          const files: FetchedFile[] = [];
          for (const [j, p] of item.paths.entries()) {
            const blob = repo[`f${j}`];
            // null: no such path; an object without oid: a directory (Tree), not a file
            if (!blob || typeof blob.oid !== "string") continue;
            files.push(await toFile(gh, org, item.repo, p, blob.oid, blob, opts));
          }
          out.set(item.repo, files);
        }),
      );
    },
    (item, message) => out.set(item.repo, item.paths.map((p) => errorFile(p, message))),
  );
  return out;
}

/** A repository-relative path, or null when it points outside the repository. */
export function normalizeRepoPath(p: string): string | null {
  const n = path.posix.normalize(p.trim().replace(/\\/g, "/")).replace(/^(\.\/)+/, "").replace(/^\/+/, "");
  if (!n || n === "." || n.startsWith("../") || n === "..") return null;
  return n;
}

function repoError(org: string, name: string, errors: GraphqlErrorItem[] | undefined): string {
  if (errors?.some((e) => e.type === "NOT_FOUND")) return `Repository '${org}/${name}' not found or not visible to this token`;
  return errors?.map((e) => e.message).join("; ") || `Repository '${org}/${name}' could not be read`;
}

function errorFile(p: string, error: string): FetchedFile {
  return { path: p, sha: "", text: null, binary: false, truncated: false, byteSize: 0, error };
}

async function toFile(gh: GitHubClient, org: string, repo: string, p: string, sha: string, blob: BlobNode, opts: FetchFilesOptions): Promise<FetchedFile> {
  const byteSize = blob.byteSize ?? 0;
  if (blob.isBinary) return { path: p, sha, text: null, binary: true, truncated: false, byteSize };
  if (!blob.isTruncated) return { path: p, sha, text: blob.text ?? "", binary: false, truncated: false, byteSize };
  const max = opts.maxBlobBytes ?? DEFAULT_MAX_BLOB;
  if (byteSize > max) {
    return { path: p, sha, text: null, binary: false, truncated: true, byteSize,
      error: `${p} is ${(byteSize / 1048576).toFixed(1)} MB, over the ${(max / 1048576).toFixed(0)} MB limit; not read` };
  }
  try {
    const res = await gh.octokit.rest.git.getBlob({ owner: org, repo, file_sha: sha });
    const { content, encoding } = res.data;
    const text = encoding === "base64" ? Buffer.from(content, "base64").toString("utf8") : content;
    return { path: p, sha, text, binary: false, truncated: true, byteSize };
  } catch (err) {
    const ge = gh.error(err, { action: `reading ${org}/${repo}/${p}` });
    return { path: p, sha, text: null, binary: false, truncated: true, byteSize, error: ge.message };
  }
}
