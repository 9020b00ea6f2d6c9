import type { GitHubClient } from "./client";
import { GitHubError } from "./errors";

/**
 * The REST calls behind a fix pull request: read the default branch, commit patched files onto a
 * branch with the Git Data API (one commit per file, no clone), and open or update the pull request.
 */

export interface BranchHead { sha: string; treeSha: string; scopes: string[] | null }

export interface FileChange { path: string; text: string; message: string }

export interface PullInfo { number: number; url: string; apiUrl: string; state: "open" | "merged" | "closed"; headSha: string; branch: string; mergedAt: string | null; closedAt: string | null }

/** A refusal of GitHub's to change workflow files, with the path it named. */
export class WorkflowScopeError extends GitHubError {
  constructor(readonly path: string, message: string) {
    super("scope", message, 422);
    this.name = "WorkflowScopeError";
  }
}

const WORKFLOW_REFUSAL = /refusing to allow an? (.+?) to create or update workflow `([^`]+)` without `?(workflows?)`? (scope|permission)/;

function scopesOf(headers: Record<string, unknown>): string[] | null {
  const v = headers["x-oauth-scopes"];
  // absent for GitHub App installation tokens and fine-grained tokens: nothing to judge by
  return typeof v === "string" ? v.split(",").map((s) => s.trim()).filter(Boolean) : null;
}

function mapped(gh: GitHubClient, e: unknown, action: string): Error {
  const text = JSON.stringify((e as { response?: { data?: unknown } })?.response?.data ?? "") + String((e as Error)?.message ?? "");
  const m = WORKFLOW_REFUSAL.exec(text);
  if (m) return new WorkflowScopeError(m[2], m[0]);
  return gh.error(e, { action });
}

async function call<T>(gh: GitHubClient, action: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw mapped(gh, e, action);
  }
}

export async function readBranchHead(gh: GitHubClient, owner: string, repo: string, branch: string): Promise<BranchHead> {
  const ref = await call(gh, `reading ${owner}/${repo} branch ${branch}`, () => gh.octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` }));
  const commit = await call(gh, `reading commit ${ref.data.object.sha}`, () => gh.octokit.rest.git.getCommit({ owner, repo, commit_sha: ref.data.object.sha }));
  return { sha: ref.data.object.sha, treeSha: commit.data.tree.sha, scopes: scopesOf(ref.headers as Record<string, unknown>) };
}

/** A branch's head sha, or null when the branch does not exist. */
export async function branchSha(gh: GitHubClient, owner: string, repo: string, branch: string): Promise<string | null> {
  try {
    return (await gh.octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` })).data.object.sha;
  } catch (e) {
    if ((e as { status?: number }).status === 404) return null;
    throw mapped(gh, e, `reading branch ${branch}`);
  }
}

/** A file's text at a ref, or null when it is not there. */
export async function readFileAt(gh: GitHubClient, owner: string, repo: string, path: string, ref: string): Promise<string | null> {
  try {
    const res = await gh.octokit.rest.repos.getContent({ owner, repo, path, ref });
    const d = res.data as { type?: string; content?: string; encoding?: string };
    if (d.type !== "file" || d.encoding !== "base64" || typeof d.content !== "string") return null;
    return Buffer.from(d.content, "base64").toString("utf8");
  } catch (e) {
    if ((e as { status?: number }).status === 404) return null;
    throw mapped(gh, e, `reading ${path} at ${ref}`);
  }
}

/** Modes of the files in a tree (scripts stay executable). */
async function modes(gh: GitHubClient, owner: string, repo: string, treeSha: string): Promise<Map<string, string>> {
  const res = await call(gh, "reading the tree", () => gh.octokit.rest.git.getTree({ owner, repo, tree_sha: treeSha, recursive: "1" }));
  return new Map(res.data.tree.filter((e) => e.type === "blob" && e.path && e.mode).map((e) => [e.path!, e.mode!]));
}

/**
 * Commit each change on top of `base` (one commit per file) and point `branch` at the last one:
 * created from the default branch head, or moved there (force) when it exists, so the branch is always
 * the fixes on the current default branch. A branch whose tree is already the result stays as it is.
 */
export async function pushFixBranch(
  gh: GitHubClient, owner: string, repo: string, branch: string, base: BranchHead, changes: FileChange[],
): Promise<{ headSha: string; moved: boolean }> {
  const mode = await modes(gh, owner, repo, base.treeSha);
  let parent = base.sha;
  let tree = base.treeSha;
  for (const c of changes) {
    const t = await call(gh, `writing ${c.path}`, () => gh.octokit.rest.git.createTree({
      owner, repo, base_tree: tree, tree: [{ path: c.path, mode: (mode.get(c.path) ?? "100644") as "100644", type: "blob", content: c.text }],
    }));
    const commit = await call(gh, `committing ${c.path}`, () => gh.octokit.rest.git.createCommit({ owner, repo, message: c.message, tree: t.data.sha, parents: [parent] }));
    parent = commit.data.sha;
    tree = t.data.sha;
  }
  const existing = await branchSha(gh, owner, repo, branch);
  if (existing) {
    // the same tree is the same fixes on the same default branch: nothing to push
    const now = await call(gh, `reading commit ${existing}`, () => gh.octokit.rest.git.getCommit({ owner, repo, commit_sha: existing }));
    if (now.data.tree.sha === tree) return { headSha: existing, moved: false };
    await call(gh, `updating branch ${branch}`, () => gh.octokit.rest.git.updateRef({ owner, repo, ref: `heads/${branch}`, sha: parent, force: true }));
    return { headSha: parent, moved: true };
  }
  await call(gh, `creating branch ${branch}`, () => gh.octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha: parent }));
  return { headSha: parent, moved: true };
}

function infoOf(p: { number: number; html_url: string; url: string; state: string; merged_at: string | null; closed_at: string | null; head: { sha: string; ref: string } }): PullInfo {
  return {
    number: p.number, url: p.html_url, apiUrl: p.url, headSha: p.head.sha, branch: p.head.ref, mergedAt: p.merged_at, closedAt: p.closed_at,
    state: p.merged_at ? "merged" : p.state === "closed" ? "closed" : "open",
  };
}

/** The open pull request of `branch` updated with this title and body, or a new one. */
export async function openOrUpdatePull(
  gh: GitHubClient, owner: string, repo: string, branch: string, baseBranch: string, title: string, body: string,
): Promise<{ pull: PullInfo; created: boolean }> {
  const open = await call(gh, "listing pull requests", () => gh.octokit.rest.pulls.list({ owner, repo, state: "open", head: `${owner}:${branch}`, per_page: 10 }));
  const existing = open.data.find((p) => p.head.ref === branch);
  if (existing) {
    const res = await call(gh, `updating pull request #${existing.number}`, () => gh.octokit.rest.pulls.update({ owner, repo, pull_number: existing.number, title, body }));
    return { pull: infoOf(res.data), created: false };
  }
  const res = await call(gh, "opening the pull request", () => gh.octokit.rest.pulls.create({ owner, repo, head: branch, base: baseBranch, title, body }));
  return { pull: infoOf(res.data), created: true };
}

export async function readPull(gh: GitHubClient, owner: string, repo: string, number: number): Promise<PullInfo> {
  const res = await call(gh, `reading pull request #${number}`, () => gh.octokit.rest.pulls.get({ owner, repo, pull_number: number }));
  return infoOf(res.data);
}
