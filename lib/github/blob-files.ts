import type { GitHubClient } from "./client";

export interface FetchedFile {
  path: string;
  sha: string;
  /** UTF-8 text; null for binary files and blobs too large to fetch */
  text: string | null;
  binary: boolean;
  /** GitHub truncated the GraphQL text; `text` was then fetched by REST unless `error` says why not */
  truncated: boolean;
  byteSize: number;
  /** why this file's text is missing (too large, REST fetch failed, GitHub's answer incomplete, invalid ref) */
  error?: string;
  /**
   * set with `error` when no retry changes the outcome (over the size limit, a ref that cannot exist):
   * report it, but the read is as complete as it can be; other errors may succeed next time
   */
  permanent?: true;
}

export interface BlobReadOptions {
  /** truncated blobs at most this large are fetched by REST (default 10 MB) */
  maxBlobBytes?: number;
}

/** The Blob fields every file read asks for. */
export const BLOB_FIELDS = "oid text isBinary isTruncated byteSize";
const DEFAULT_MAX_BLOB = 10 * 1024 * 1024;

/** A Blob as a GraphQL answer holds it; unknown until checked, since an answer can come back short. */
export interface BlobNode { oid?: unknown; text?: unknown; isBinary?: unknown; isTruncated?: unknown; byteSize?: unknown }

/** Why a read is refused when GitHub's answer lacks something the query asked for. */
export function incompleteAnswer(what: string): string {
  return `GitHub's answer lacks ${what} (incomplete answer)`;
}

export function errorFile(p: string, error: string, permanent = false): FetchedFile {
  return { path: p, sha: "", text: null, binary: false, truncated: false, byteSize: 0, error, ...(permanent ? { permanent: true as const } : {}) };
}

/**
 * A file from its GraphQL Blob. The text is used as it came only when its UTF-8 length is
 * `byteSize`; a text GitHub truncated, or one that does not add up (cut short on the way, not
 * UTF-8), is read again by REST, and those bytes must add up too. A blob answer without its fields
 * is an error, never an empty file.
 */
export async function readBlob(gh: GitHubClient, org: string, repo: string, p: string, blob: BlobNode, opts: BlobReadOptions): Promise<FetchedFile> {
  const { oid: sha, byteSize, isTruncated } = blob;
  if (typeof sha !== "string" || typeof byteSize !== "number" || typeof isTruncated !== "boolean") {
    return errorFile(p, incompleteAnswer(`the blob of ${p}`));
  }
  if (blob.isBinary === true) return { path: p, sha, text: null, binary: true, truncated: false, byteSize };
  if (!isTruncated && typeof blob.text === "string" && Buffer.byteLength(blob.text, "utf8") === byteSize) {
    return { path: p, sha, text: blob.text, binary: false, truncated: false, byteSize };
  }
  const file = { path: p, sha, binary: false, truncated: isTruncated, byteSize };
  const max = opts.maxBlobBytes ?? DEFAULT_MAX_BLOB;
  if (byteSize > max) {
    return { ...file, text: null, error: `${p} is ${(byteSize / 1048576).toFixed(1)} MB, over the ${(max / 1048576).toFixed(0)} MB limit; not read`, permanent: true };
  }
  const why = isTruncated ? "" : `GitHub's text of ${p} is not its ${byteSize} bytes; `;
  try {
    const res = await gh.octokit.rest.git.getBlob({ owner: org, repo, file_sha: sha });
    const { content, encoding } = res.data;
    const bytes = encoding === "base64" ? Buffer.from(content, "base64") : Buffer.from(content, "utf8");
    if (bytes.length !== byteSize) return { ...file, text: null, error: `${why}the blob read by REST has ${bytes.length} of ${byteSize} bytes` };
    // git's binary heuristic, for an answer that left isBinary open
    if (bytes.subarray(0, 8000).includes(0)) return { ...file, text: null, binary: true, truncated: false };
    return { ...file, text: bytes.toString("utf8") };
  } catch (err) {
    const ge = gh.error(err, { action: `reading ${org}/${repo}/${p}` });
    return { ...file, text: null, error: `${why}${ge.message}` };
  }
}
