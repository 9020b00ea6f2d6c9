import type { FixtureRepo } from "./fixture";
import { hashObject } from "./git-objects";
import { changedPaths, commitOid, filesOfCommit, treeOidOf, type ApiCommit, type Person, type RepoWrites } from "./git-writes";
import { hasPermission, hasScope, isoNow, notAccessibleByIntegration, notFound, readBody, send, sendError, type Ctx } from "./http";
import { findRepo } from "./rest-repos";

/**
 * The Git Data API's write side as GitHub answers it (blobs, trees, commits, refs), enough to build
 * a branch of commits without a clone. Objects live in memory (git-writes.ts); ids are git's own.
 */

const DOCS = {
  ref: "https://docs.github.com/rest/git/refs#get-a-reference",
  createRef: "https://docs.github.com/rest/git/refs#create-a-reference",
  updateRef: "https://docs.github.com/rest/git/refs#update-a-reference",
  blob: "https://docs.github.com/rest/git/blobs#create-a-blob",
  tree: "https://docs.github.com/rest/git/trees#create-a-tree",
  commit: "https://docs.github.com/rest/git/commits#create-a-commit",
  getCommit: "https://docs.github.com/rest/git/commits#get-a-commit-object",
};

export interface Target { repo: FixtureRepo; w: RepoWrites; full: string }

/**
 * The repository a write addresses, or an answer already sent: 401 without a token, 404 without push
 * access (as GitHub hides it); an App installation without the write `permission` (Contents, or Pull
 * requests for pull requests) or outside the repositories its token names gets GitHub's 403.
 */
export function writeTarget(ctx: Ctx, owner: string, name: string, docs: string, permission: "contents" | "pull_requests" = "contents"): Target | null {
  const repo = findRepo(ctx, owner, name);
  if (!ctx.identity) {
    sendError(ctx, 401, "Requires authentication", docs);
    return null;
  }
  const grant = ctx.identity.installation;
  if (repo && grant && (!hasPermission(ctx.identity, permission, "write") || (grant.repositories && !grant.repositories.has(repo.name.toLowerCase())))) {
    notAccessibleByIntegration(ctx, docs);
    return null;
  }
  if (!repo || !hasScope(ctx.identity, "repo")) {
    notFound(ctx, docs);
    return null;
  }
  return { repo, w: ctx.state.writes.of(repo.name), full: `${ctx.fixture.org.login}/${repo.name}` };
}

/** The JSON body, or null after a 400 "Problems parsing JSON" like GitHub's. */
export async function jsonBody(ctx: Ctx, docs: string): Promise<Record<string, unknown> | null> {
  const text = ctx.body ?? (await readBody(ctx.req));
  try {
    const v = JSON.parse(text || "{}") as unknown;
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // answered below
  }
  sendError(ctx, 400, "Problems parsing JSON", docs);
  return null;
}

export function validationFailed(ctx: Ctx, message: string, docs: string): void {
  sendError(ctx, 422, message, docs);
}

/**
 * GitHub refuses a push that adds, changes or deletes a workflow file unless the token may edit
 * workflows: the `workflow` scope for a personal access token or OAuth app token.
 */
export function workflowRefusal(ctx: Ctx, paths: string[]): string | null {
  const wf = paths.find((p) => p.startsWith(".github/workflows/"));
  if (!wf || hasScope(ctx.identity, "workflow")) return null;
  // a GitHub App needs the Workflows (write) permission instead
  if (ctx.identity?.installation) return `refusing to allow a GitHub App to create or update workflow \`${wf}\` without \`workflows\` permission`;
  return `refusing to allow a Personal Access Token to create or update workflow \`${wf}\` without \`workflow\` scope`;
}

const personOf = (ctx: Ctx, given: unknown): Person => {
  const p = (given && typeof given === "object" ? given : {}) as Partial<Person>;
  const login = ctx.identity?.user.login ?? "ghost";
  return { name: p.name ?? login, email: p.email ?? `${login}@users.noreply.github.com`, date: p.date ?? isoNow() };
};

export function refJson(ctx: Ctx, full: string, branch: string, sha: string) {
  return {
    ref: `refs/heads/${branch}`,
    node_id: `REF_${Buffer.from(`${full}:${branch}`).toString("base64url")}`,
    url: `${ctx.base}/repos/${full}/git/refs/heads/${branch}`,
    object: { type: "commit", sha, url: `${ctx.base}/repos/${full}/git/commits/${sha}` },
  };
}

export function commitJson(ctx: Ctx, full: string, c: ApiCommit) {
  return {
    sha: c.oid,
    node_id: `C_${c.oid.slice(0, 16)}`,
    url: `${ctx.base}/repos/${full}/git/commits/${c.oid}`,
    html_url: `https://github.com/${full}/commit/${c.oid}`,
    author: c.author,
    committer: c.committer,
    message: c.message,
    tree: { sha: c.treeOid, url: `${ctx.base}/repos/${full}/git/trees/${c.treeOid}` },
    parents: c.parents.map((p) => ({ sha: p, url: `${ctx.base}/repos/${full}/git/commits/${p}`, html_url: `https://github.com/${full}/commit/${p}` })),
    verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
  };
}

/** The commit a branch points at: an API branch, else a fixture branch (all at the served head). */
export function branchSha(t: Target, branch: string): string | null {
  const written = t.w.refs.get(branch);
  if (written) return written;
  return t.repo.git && t.repo.branches.includes(branch) ? t.repo.git.head.oid : null;
}

export function getRef(ctx: Ctx, [owner, name, ref]: string[]): void {
  const repo = findRepo(ctx, owner, name);
  if (!repo) return notFound(ctx, DOCS.ref);
  if (!repo.git) return sendError(ctx, 409, "Git Repository is empty.", DOCS.ref);
  const r = decodeURIComponent(ref);
  if (!r.startsWith("heads/")) return notFound(ctx, DOCS.ref);
  const t: Target = { repo, w: ctx.state.writes.of(repo.name), full: `${ctx.fixture.org.login}/${repo.name}` };
  const sha = branchSha(t, r.slice("heads/".length));
  if (!sha) return notFound(ctx, DOCS.ref);
  send(ctx, 200, refJson(ctx, t.full, r.slice("heads/".length), sha));
}

export function getCommit(ctx: Ctx, [owner, name, sha]: string[]): void {
  const repo = findRepo(ctx, owner, name);
  if (!repo) return notFound(ctx, DOCS.getCommit);
  const w = ctx.state.writes.of(repo.name);
  filesOfCommit(repo, w, sha); // registers the served head
  const c = w.commits.get(sha);
  if (!c) return notFound(ctx, DOCS.getCommit);
  send(ctx, 200, commitJson(ctx, `${ctx.fixture.org.login}/${repo.name}`, c));
}

export async function createBlob(ctx: Ctx, [owner, name]: string[]): Promise<void> {
  const t = writeTarget(ctx, owner, name, DOCS.blob);
  if (!t) return;
  const body = await jsonBody(ctx, DOCS.blob);
  if (!body) return;
  if (typeof body.content !== "string") return validationFailed(ctx, "Invalid request.\n\n\"content\" wasn't supplied.", DOCS.blob);
  const bytes = body.encoding === "base64" ? Buffer.from(body.content, "base64") : Buffer.from(body.content, "utf8");
  const sha = hashObject("blob", bytes);
  t.w.blobs.set(sha, bytes);
  send(ctx, 201, { url: `${ctx.base}/repos/${t.full}/git/blobs/${sha}`, sha });
}

function blobBytes(t: Target, sha: string): Buffer | null {
  const written = t.w.blobs.get(sha);
  if (written) return written;
  const obj = t.repo.git?.objects.get(sha);
  return obj?.kind === "blob" ? obj.bytes : null;
}

export async function createTree(ctx: Ctx, [owner, name]: string[]): Promise<void> {
  const t = writeTarget(ctx, owner, name, DOCS.tree);
  if (!t) return;
  const body = await jsonBody(ctx, DOCS.tree);
  if (!body) return;
  if (!Array.isArray(body.tree)) return validationFailed(ctx, "Invalid request.\n\n\"tree\" wasn't supplied.", DOCS.tree);
  let files = new Map<string, Buffer>();
  if (typeof body.base_tree === "string") {
    if (t.repo.git) filesOfCommit(t.repo, t.w, t.repo.git.head.oid);
    const base = t.w.trees.get(body.base_tree);
    if (!base) return validationFailed(ctx, "Invalid tree info", DOCS.tree);
    files = new Map(base);
  }
  for (const raw of body.tree as unknown[]) {
    const e = (raw && typeof raw === "object" ? raw : {}) as { path?: unknown; mode?: unknown; type?: unknown; sha?: unknown; content?: unknown };
    if (typeof e.path !== "string" || !e.path || e.path.startsWith("/")) return validationFailed(ctx, "Invalid tree info", DOCS.tree);
    if (e.type !== undefined && e.type !== "blob") return validationFailed(ctx, `Only blobs are supported here (${e.path})`, DOCS.tree);
    if (e.sha === null) files.delete(e.path);
    else if (typeof e.content === "string") files.set(e.path, Buffer.from(e.content, "utf8"));
    else if (typeof e.sha === "string") {
      const bytes = blobBytes(t, e.sha);
      if (!bytes) return validationFailed(ctx, `tree.sha ${e.sha} is not a valid blob`, DOCS.tree);
      files.set(e.path, bytes);
    } else return validationFailed(ctx, "Must supply either tree.sha or tree.content", DOCS.tree);
  }
  const sha = treeOidOf(files);
  t.w.trees.set(sha, files);
  const top = [...files.entries()].filter(([p]) => !p.includes("/")).map(([p, bytes]) => {
    const oid = hashObject("blob", bytes);
    return { path: p, mode: "100644", type: "blob", sha: oid, size: bytes.length, url: `${ctx.base}/repos/${t.full}/git/blobs/${oid}` };
  });
  send(ctx, 201, { sha, url: `${ctx.base}/repos/${t.full}/git/trees/${sha}`, tree: top, truncated: false });
}

export async function createCommit(ctx: Ctx, [owner, name]: string[]): Promise<void> {
  const t = writeTarget(ctx, owner, name, DOCS.commit);
  if (!t) return;
  const body = await jsonBody(ctx, DOCS.commit);
  if (!body) return;
  if (typeof body.message !== "string") return validationFailed(ctx, "Invalid request.\n\n\"message\" wasn't supplied.", DOCS.commit);
  if (typeof body.tree !== "string" || !t.w.trees.has(body.tree)) return validationFailed(ctx, "Tree SHA does not exist", DOCS.commit);
  const parents = Array.isArray(body.parents) ? body.parents.filter((p): p is string => typeof p === "string") : [];
  for (const p of parents) if (!filesOfCommit(t.repo, t.w, p)) return validationFailed(ctx, "Parent SHA does not exist or is not a commit object", DOCS.commit);
  const author = personOf(ctx, body.author);
  const committer = body.committer ? personOf(ctx, body.committer) : author;
  const c = { treeOid: body.tree, parents, message: body.message, author, committer };
  const commit: ApiCommit = { oid: commitOid(c), ...c };
  t.w.commits.set(commit.oid, commit);
  send(ctx, 201, commitJson(ctx, t.full, commit));
}

/** Files the commits a ref move brings in change, each against its first parent (as GitHub checks a push). */
function pushedPaths(t: Target, from: string | null, to: string): string[] {
  const known = new Set(from ? ancestors(t, from) : []);
  const paths = new Set<string>();
  for (const oid of ancestors(t, to)) {
    if (known.has(oid) || t.w.defaultHeads.has(oid)) continue;
    const c = t.w.commits.get(oid);
    const after = filesOfCommit(t.repo, t.w, oid);
    const before = c?.parents[0] ? filesOfCommit(t.repo, t.w, c.parents[0]) : new Map<string, Buffer>();
    if (after && before) for (const p of changedPaths(before, after)) paths.add(p);
  }
  return [...paths].sort();
}

/** A commit and every commit it descends from that this repository knows. */
function ancestors(t: Target, oid: string): string[] {
  const seen = new Set<string>();
  const todo = [oid];
  while (todo.length > 0) {
    const o = todo.pop()!;
    if (seen.has(o)) continue;
    seen.add(o);
    todo.push(...(t.w.commits.get(o)?.parents ?? []));
  }
  return [...seen];
}

function isAncestor(t: Target, ancestor: string, of: string): boolean {
  return ancestors(t, of).includes(ancestor);
}

export async function createRef(ctx: Ctx, [owner, name]: string[]): Promise<void> {
  const t = writeTarget(ctx, owner, name, DOCS.createRef);
  if (!t) return;
  const body = await jsonBody(ctx, DOCS.createRef);
  if (!body) return;
  const ref = typeof body.ref === "string" ? body.ref : "";
  if (!/^refs\/[^/]+\/.+/.test(ref)) return validationFailed(ctx, "Reference name must start with 'refs/' and have at least two slashes.", DOCS.createRef);
  if (!ref.startsWith("refs/heads/")) return validationFailed(ctx, "Reference update failed", DOCS.createRef);
  const branch = ref.slice("refs/heads/".length);
  if (typeof body.sha !== "string" || !filesOfCommit(t.repo, t.w, body.sha)) return validationFailed(ctx, "Object does not exist", DOCS.createRef);
  if (branchSha(t, branch)) return validationFailed(ctx, "Reference already exists", DOCS.createRef);
  const refusal = workflowRefusal(ctx, pushedPaths(t, null, body.sha));
  if (refusal) return validationFailed(ctx, refusal, DOCS.createRef);
  t.w.refs.set(branch, body.sha);
  send(ctx, 201, refJson(ctx, t.full, branch, body.sha), { location: `${ctx.base}/repos/${t.full}/git/refs/heads/${branch}` });
}

export async function updateRef(ctx: Ctx, [owner, name, ref]: string[]): Promise<void> {
  const t = writeTarget(ctx, owner, name, DOCS.updateRef);
  if (!t) return;
  const body = await jsonBody(ctx, DOCS.updateRef);
  if (!body) return;
  const r = decodeURIComponent(ref);
  const branch = r.startsWith("heads/") ? r.slice("heads/".length) : null;
  // the fixture's own branches stay as the folder says; only branches made through the API move
  const old = branch ? t.w.refs.get(branch) : undefined;
  if (!branch || !old) return validationFailed(ctx, "Reference does not exist", DOCS.updateRef);
  if (typeof body.sha !== "string" || !filesOfCommit(t.repo, t.w, body.sha)) return validationFailed(ctx, "Object does not exist", DOCS.updateRef);
  if (body.force !== true && !isAncestor(t, old, body.sha)) return validationFailed(ctx, "Update is not a fast forward", DOCS.updateRef);
  const refusal = workflowRefusal(ctx, pushedPaths(t, old, body.sha));
  if (refusal) return validationFailed(ctx, refusal, DOCS.updateRef);
  t.w.refs.set(branch, body.sha);
  send(ctx, 200, refJson(ctx, t.full, branch, body.sha));
}
