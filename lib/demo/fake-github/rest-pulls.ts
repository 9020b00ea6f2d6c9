import type { components } from "@octokit/openapi-types";
import { diffLines } from "diff";
import { changedPaths, filesOfCommit, nextNumber, type FakePull } from "./git-writes";
import { isoNow, notFound, paginate, send, sendError, type Ctx } from "./http";
import { stableUserId } from "./rate-limit";
import { branchSha, jsonBody, validationFailed, workflowRefusal, writeTarget, type Target } from "./rest-git";
import { findRepo } from "./rest-repos";
import { ownerJson, pullRepoJson, simpleUserJson } from "./shapes";

/**
 * Pull requests as GitHub's REST API serves them (list, create, get, update, merge), within one
 * repository (head and base branches of the same repo). Merging moves the default branch the server
 * serves: the merged files overlay the fixture's, under a merge commit with both parents.
 */

const DOCS = {
  list: "https://docs.github.com/rest/pulls/pulls#list-pull-requests",
  create: "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
  get: "https://docs.github.com/rest/pulls/pulls#get-a-pull-request",
  update: "https://docs.github.com/rest/pulls/pulls#update-a-pull-request",
  merge: "https://docs.github.com/rest/pulls/pulls#merge-a-pull-request",
};

/** The head commit a pull request shows: its branch's while open. */
function headOf(t: Target, p: FakePull): string {
  return p.state === "open" ? (branchSha(t, p.head) ?? p.headSha) : p.headSha;
}

/** Commits, files and lines the pull request adds over its merge base. */
function stats(t: Target, p: FakePull, head: string) {
  const base = filesOfCommit(t.repo, t.w, p.baseSha) ?? new Map<string, Buffer>();
  const after = filesOfCommit(t.repo, t.w, head) ?? base;
  const files = changedPaths(base, after);
  let additions = 0;
  let deletions = 0;
  for (const f of files) {
    for (const part of diffLines(base.get(f)?.toString("utf8") ?? "", after.get(f)?.toString("utf8") ?? "")) {
      if (part.added) additions += part.count ?? 0;
      if (part.removed) deletions += part.count ?? 0;
    }
  }
  let commits = 0;
  for (let c = t.w.commits.get(head); c && !t.w.defaultHeads.has(c.oid) && c.oid !== p.baseSha; c = t.w.commits.get(c.parents[0] ?? "")) commits++;
  return { files, additions, deletions, commits };
}

type Schemas = components["schemas"];
const userOf = (ctx: Ctx, login: string) => simpleUserJson(ctx.base, login, stableUserId(login), login.endsWith("[bot]") ? "Bot" : "User");

/** The list's shape (pull-request-simple); GET, POST, PATCH answer the whole pull-request. */
function simpleJson(ctx: Ctx, t: Target, p: FakePull) {
  const api = `${ctx.base}/repos/${t.full}`;
  const html = `https://github.com/${t.full}/pull/${p.number}`;
  const head = headOf(t, p);
  const repo = pullRepoJson(ctx.base, ctx.fixture, t.repo);
  const owner = ctx.fixture.org.login;
  const ownerUser = ownerJson(ctx.base, ctx.fixture);
  const link = (href: string) => ({ href });
  return {
    url: `${api}/pulls/${p.number}`, id: p.id, node_id: `PR_${p.id}`, html_url: html, diff_url: `${html}.diff`, patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${p.number}`, commits_url: `${api}/pulls/${p.number}/commits`, review_comments_url: `${api}/pulls/${p.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`, comments_url: `${api}/issues/${p.number}/comments`, statuses_url: `${api}/statuses/${head}`,
    number: p.number, state: p.state, locked: false, title: p.title, user: userOf(ctx, p.user), body: p.body,
    labels: [], milestone: null, active_lock_reason: null,
    created_at: p.createdAt, updated_at: p.updatedAt, closed_at: p.closedAt, merged_at: p.mergedAt, merge_commit_sha: p.mergeCommitSha,
    assignee: null, assignees: [], requested_reviewers: [], requested_teams: [],
    head: { label: `${owner}:${p.head}`, ref: p.head, repo, sha: head, user: ownerUser },
    base: { label: `${owner}:${p.base}`, ref: p.base, repo, sha: p.baseSha, user: ownerUser },
    _links: {
      self: link(`${api}/pulls/${p.number}`), html: link(html), issue: link(`${api}/issues/${p.number}`), comments: link(`${api}/issues/${p.number}/comments`),
      review_comments: link(`${api}/pulls/${p.number}/comments`), review_comment: link(`${api}/pulls/comments{/number}`),
      commits: link(`${api}/pulls/${p.number}/commits`), statuses: link(`${api}/statuses/${head}`),
    },
    author_association: "MEMBER" as const, auto_merge: null, draft: p.draft,
  };
}

export function pullJson(ctx: Ctx, t: Target, p: FakePull): Schemas["pull-request"] {
  const head = headOf(t, p);
  const s = stats(t, p, head);
  return {
    ...simpleJson(ctx, t, p),
    merged: p.mergedAt !== null, mergeable: p.state === "open" ? true : null, rebaseable: p.state === "open" ? true : null,
    mergeable_state: p.state === "open" ? "clean" : "unknown", merged_by: p.mergedBy ? userOf(ctx, p.mergedBy) : null,
    comments: 0, review_comments: 0, maintainer_can_modify: false,
    commits: s.commits, additions: s.additions, deletions: s.deletions, changed_files: s.files.length,
  };
}

function readTarget(ctx: Ctx, owner: string, name: string): Target | null {
  const repo = findRepo(ctx, owner, name);
  return repo ? { repo, w: ctx.state.writes.of(repo.name), full: `${ctx.fixture.org.login}/${repo.name}` } : null;
}

/** `owner:branch` or `branch`, as the `head` parameter and field take it. */
function headBranch(ctx: Ctx, head: string): string | null {
  const colon = head.indexOf(":");
  if (colon === -1) return head;
  return head.slice(0, colon).toLowerCase() === ctx.fixture.org.login.toLowerCase() ? head.slice(colon + 1) : null;
}

export function listPulls(ctx: Ctx, [owner, name]: string[]): void {
  const t = readTarget(ctx, owner, name);
  if (!t) return notFound(ctx, DOCS.list);
  const q = ctx.url.searchParams;
  const state = q.get("state") ?? "open";
  let pulls = [...t.w.pulls].sort((a, b) => b.number - a.number);
  if (state !== "all") pulls = pulls.filter((p) => p.state === state);
  const head = q.get("head");
  if (head) {
    const branch = headBranch(ctx, head);
    pulls = pulls.filter((p) => p.head === branch);
  }
  const base = q.get("base");
  if (base) pulls = pulls.filter((p) => p.base === base);
  const { page, link } = paginate(ctx, pulls);
  const items: Schemas["pull-request-simple"][] = page.map((p) => simpleJson(ctx, t, p));
  send(ctx, 200, items, link);
}

function findPull(t: Target, n: string): FakePull | undefined {
  return t.w.pulls.find((p) => String(p.number) === n);
}

export function getPull(ctx: Ctx, [owner, name, n]: string[]): void {
  const t = readTarget(ctx, owner, name);
  const p = t && findPull(t, n);
  if (!t || !p) return notFound(ctx, DOCS.get);
  send(ctx, 200, pullJson(ctx, t, p));
}

export async function createPull(ctx: Ctx, [owner, name]: string[]): Promise<void> {
  const t = writeTarget(ctx, owner, name, DOCS.create, "pull_requests");
  if (!t) return;
  const body = await jsonBody(ctx, DOCS.create);
  if (!body) return;
  if (typeof body.head !== "string" || typeof body.base !== "string") return validationFailed(ctx, "Validation Failed", DOCS.create);
  if (typeof body.title !== "string" || !body.title.trim()) return validationFailed(ctx, "Validation Failed: title is missing", DOCS.create);
  const head = headBranch(ctx, body.head);
  const headSha = head ? branchSha(t, head) : null;
  const baseSha = branchSha(t, body.base);
  if (!head || !headSha) return validationFailed(ctx, `Validation Failed: head ${body.head} is invalid`, DOCS.create);
  if (!baseSha) return validationFailed(ctx, `Validation Failed: base ${body.base} is invalid`, DOCS.create);
  if (t.w.pulls.some((p) => p.state === "open" && p.head === head && p.base === body.base)) {
    return validationFailed(ctx, `A pull request already exists for ${ctx.fixture.org.login}:${head}.`, DOCS.create);
  }
  filesOfCommit(t.repo, t.w, baseSha); // the merge base, kept once the default branch moves
  if (headSha === baseSha) return validationFailed(ctx, `No commits between ${body.base} and ${head}`, DOCS.create);
  const now = isoNow();
  const p: FakePull = {
    id: ctx.state.writes.pullId(), number: nextNumber(t.w), title: body.title, body: typeof body.body === "string" ? body.body : null,
    state: "open", draft: body.draft === true, head, base: body.base, headSha, baseSha, user: ctx.identity!.user.login,
    createdAt: now, updatedAt: now, closedAt: null, mergedAt: null, mergeCommitSha: null, mergedBy: null,
  };
  t.w.pulls.push(p);
  send(ctx, 201, pullJson(ctx, t, p), { location: `${ctx.base}/repos/${t.full}/pulls/${p.number}` });
}

export async function updatePull(ctx: Ctx, [owner, name, n]: string[]): Promise<void> {
  const t = writeTarget(ctx, owner, name, DOCS.update, "pull_requests");
  if (!t) return;
  const p = findPull(t, n);
  if (!p) return notFound(ctx, DOCS.update);
  const body = await jsonBody(ctx, DOCS.update);
  if (!body) return;
  if (typeof body.title === "string") p.title = body.title;
  if (typeof body.body === "string") p.body = body.body;
  if (body.state === "closed" && p.state === "open") {
    p.headSha = headOf(t, p);
    p.state = "closed";
    p.closedAt = isoNow();
  } else if (body.state === "open" && p.state === "closed" && !p.mergedAt) {
    p.state = "open";
    p.closedAt = null;
  }
  p.updatedAt = isoNow();
  send(ctx, 200, pullJson(ctx, t, p));
}

export async function mergePull(ctx: Ctx, [owner, name, n]: string[]): Promise<void> {
  const t = writeTarget(ctx, owner, name, DOCS.merge);
  if (!t) return;
  const p = findPull(t, n);
  if (!p) return notFound(ctx, DOCS.merge);
  const body = await jsonBody(ctx, DOCS.merge);
  if (!body) return;
  if (p.state !== "open") return sendError(ctx, 405, "Pull Request is not mergeable", DOCS.merge);
  const head = headOf(t, p);
  if (typeof body.sha === "string" && body.sha !== head) return sendError(ctx, 409, "Head branch was modified. Review and try the merge again.", DOCS.merge);
  const baseFiles = filesOfCommit(t.repo, t.w, p.baseSha);
  const headFiles = filesOfCommit(t.repo, t.w, head);
  const current = t.repo.git ? filesOfCommit(t.repo, t.w, t.repo.git.head.oid) : new Map<string, Buffer>();
  if (!baseFiles || !headFiles || !current) return sendError(ctx, 405, "Pull Request is not mergeable", DOCS.merge);
  const changes = changedPaths(baseFiles, headFiles);
  // a path both sides changed, differently, is a conflict
  for (const f of changes) {
    const mine = current.get(f);
    const theirs = headFiles.get(f);
    const was = baseFiles.get(f);
    const same = (a?: Buffer, b?: Buffer) => (a && b ? a.equals(b) : a === b);
    if (!same(mine, was) && !same(mine, theirs)) return sendError(ctx, 405, "Pull Request is not mergeable", DOCS.merge);
  }
  const refusal = workflowRefusal(ctx, changes);
  if (refusal) return validationFailed(ctx, refusal, DOCS.merge);
  for (const f of changes) t.w.overlay.set(f, headFiles.get(f) ?? null);
  const now = isoNow();
  const title = typeof body.commit_title === "string" ? body.commit_title : `Merge pull request #${p.number} from ${ctx.fixture.org.login}/${p.head}`;
  const message = `${title}\n\n${typeof body.commit_message === "string" ? body.commit_message : p.title}\n`;
  t.w.head = { message, parents: [t.repo.git?.head.oid ?? p.baseSha, head], date: now };
  ctx.state.writes.changed(t.w);
  const served = ctx.state.writes.apply(ctx.state.writes.raw ?? ctx.fixture).repos.get(t.repo.name);
  const sha = served?.git?.head.oid ?? head;
  Object.assign(p, { state: "closed", headSha: head, closedAt: now, mergedAt: now, updatedAt: now, mergeCommitSha: sha, mergedBy: ctx.identity!.user.login });
  send(ctx, 200, { sha, merged: true, message: "Pull Request successfully merged" });
}
