import type { FixtureRepo } from "./fixture";
import type { GitSnapshot, GitTree } from "./git-objects";
import { hasScope, isMember, notFound, paginate, send, sendError, type Ctx } from "./http";
import { resolveCommit, resolveTree } from "./revisions";
import type { components } from "@octokit/openapi-types";
import { minimalRepoJson, orgJson, repoJson } from "./shapes";

const CONTENTS_DOCS = "https://docs.github.com/rest/repos/contents#get-repository-content";
const TREES_DOCS = "https://docs.github.com/rest/git/trees#get-a-tree";

/** Private repositories are visible to org members whose token has the `repo` scope; others get 404 like GitHub. */
export function canSeePrivate(ctx: Ctx): boolean {
  // an App installed on the org with Contents (read) sees its private repositories; it is no member
  if (ctx.identity?.installation) return hasScope(ctx.identity, "repo");
  return !!ctx.identity && hasScope(ctx.identity, "repo") && isMember(ctx.fixture, ctx.identity.user.login, ctx.state);
}

/** An installation token narrowed to some repositories sees only those of the private ones (public ones anyone may read). */
function inGrant(ctx: Ctx, r: FixtureRepo): boolean {
  const only = ctx.identity?.installation?.repositories;
  return !only || !r.isPrivate || only.has(r.name.toLowerCase());
}

export function visibleRepos(ctx: Ctx): FixtureRepo[] {
  const all = [...ctx.fixture.repos.values()].filter((r) => inGrant(ctx, r));
  return canSeePrivate(ctx) ? all : all.filter((r) => !r.isPrivate);
}

export function findRepo(ctx: Ctx, owner: string, name: string): FixtureRepo | null {
  if (owner.toLowerCase() !== ctx.fixture.org.login.toLowerCase()) return null;
  const repo = ctx.fixture.repos.get(name) ?? [...ctx.fixture.repos.values()].find((r) => r.name.toLowerCase() === name.toLowerCase());
  if (!repo || (repo.isPrivate && !canSeePrivate(ctx)) || !inGrant(ctx, repo)) return null;
  return repo;
}

export function isOrg(ctx: Ctx, org: string): boolean {
  return org.toLowerCase() === ctx.fixture.org.login.toLowerCase();
}

/** The snapshot a ref names (no ref: the default branch); the fixture has one commit, which every branch and tag names. */
export function snapshotAt(repo: FixtureRepo, ref: string | null): GitSnapshot | null {
  if (!repo.git) return null;
  return !ref || resolveCommit(repo, ref) ? repo.git : null;
}

export function getOrg(ctx: Ctx, [org]: string[]): void {
  if (!isOrg(ctx, org)) return notFound(ctx, "https://docs.github.com/rest/orgs/orgs#get-an-organization");
  send(ctx, 200, orgJson(ctx.base, ctx.fixture, visibleRepos(ctx).length));
}

export function listOrgRepos(ctx: Ctx, [org]: string[]): void {
  if (!isOrg(ctx, org)) return notFound(ctx, "https://docs.github.com/rest/repos/repos#list-organization-repositories");
  const type = ctx.url.searchParams.get("type") ?? "all";
  let repos = visibleRepos(ctx);
  if (type === "public") repos = repos.filter((r) => !r.isPrivate);
  if (type === "private") repos = repos.filter((r) => r.isPrivate);
  if (type === "forks") repos = repos.filter((r) => r.fork);
  if (type === "sources") repos = repos.filter((r) => !r.fork);
  const sort = ctx.url.searchParams.get("sort") ?? "created";
  const dir = ctx.url.searchParams.get("direction") ?? (sort === "full_name" ? "asc" : "desc");
  const keyOf = (r: FixtureRepo) => (sort === "full_name" ? r.name : sort === "pushed" || sort === "updated" ? r.pushedAt : `${r.createdAt}${r.name}`);
  repos = [...repos].sort((a, b) => keyOf(a).localeCompare(keyOf(b)) * (dir === "asc" ? 1 : -1));
  const { page, link } = paginate(ctx, repos);
  send(ctx, 200, page.map((r) => minimalRepoJson(ctx.base, ctx.fixture, r)), link);
}

export function getRepo(ctx: Ctx, [owner, name]: string[]): void {
  const repo = findRepo(ctx, owner, name);
  if (!repo) return notFound(ctx, "https://docs.github.com/rest/repos/repos#get-a-repository");
  send(ctx, 200, repoJson(ctx.base, ctx.fixture, repo));
}

function base64Lines(bytes: Buffer): string {
  // GitHub wraps the base64 content at 60 characters.
  return (bytes.toString("base64").match(/.{1,60}/g) ?? []).map((l) => `${l}\n`).join("");
}

export function getContents(ctx: Ctx, [owner, name, rawPath]: string[]): void {
  const repo = findRepo(ctx, owner, name);
  if (!repo) return notFound(ctx, CONTENTS_DOCS);
  if (!repo.git) return sendError(ctx, 404, "This repository is empty.", CONTENTS_DOCS);
  const ref = ctx.url.searchParams.get("ref");
  const snap = snapshotAt(repo, ref);
  if (!snap) return sendError(ctx, 404, `No commit found for the ref ${ref}`, CONTENTS_DOCS);
  const p = decodeURIComponent(rawPath ?? "").replace(/^\/+|\/+$/g, "");
  const obj = snap.byPath.get(p);
  if (!obj) return notFound(ctx, CONTENTS_DOCS);
  const full = `${ctx.fixture.org.login}/${repo.name}`;
  const branch = ref ?? repo.defaultBranch;
  const entryJson = (path: string, entryName: string, type: "file" | "dir", sha: string, size: number) => {
    const url = `${ctx.base}/repos/${full}/contents/${encodeURI(path)}?ref=${encodeURIComponent(branch)}`;
    const html = `https://github.com/${full}/${type === "dir" ? "tree" : "blob"}/${encodeURI(branch)}/${encodeURI(path)}`;
    const git = `${ctx.base}/repos/${full}/git/${type === "dir" ? "trees" : "blobs"}/${sha}`;
    return {
      name: entryName,
      path,
      sha,
      size,
      url,
      html_url: html,
      git_url: git,
      download_url: type === "file" ? `https://raw.githubusercontent.com/${full}/${encodeURI(branch)}/${encodeURI(path)}` : null,
      type,
      _links: { self: url, git, html },
    };
  };
  if (obj.kind === "tree") {
    const items: components["schemas"]["content-directory"] = obj.entries.map((e) => {
      const child = snap.byPath.get(e.path);
      return entryJson(e.path, e.name, e.type === "tree" ? "dir" : "file", e.oid, child?.kind === "blob" ? child.bytes.length : 0);
    });
    return send(ctx, 200, items);
  }
  const tooLarge = obj.bytes.length > 1024 * 1024;
  // Above 1 MB GitHub returns the metadata with empty content and encoding "none".
  const file: components["schemas"]["content-file"] = { ...entryJson(obj.path, obj.name, "file", obj.oid, obj.bytes.length), type: "file", content: tooLarge ? "" : base64Lines(obj.bytes), encoding: tooLarge ? "none" : "base64" };
  send(ctx, 200, file);
}

export function getTree(ctx: Ctx, [owner, name, ref]: string[]): void {
  const repo = findRepo(ctx, owner, name);
  if (!repo) return notFound(ctx, TREES_DOCS);
  if (!repo.git) return sendError(ctx, 409, "Git Repository is empty.", TREES_DOCS);
  const snap = repo.git;
  const tree = resolveTree(repo, decodeURIComponent(ref));
  if (!tree) return notFound(ctx, TREES_DOCS);
  const recursive = ctx.url.searchParams.has("recursive") && !["0", "false"].includes(ctx.url.searchParams.get("recursive") ?? "");
  const full = `${ctx.fixture.org.login}/${repo.name}`;
  const out: components["schemas"]["git-tree"]["tree"] = [];
  const walk = (t: GitTree) => {
    for (const e of t.entries) {
      const child = snap.objects.get(e.oid);
      const rel = tree.path ? e.path.slice(tree.path.length + 1) : e.path;
      out.push({
        path: rel,
        mode: e.mode,
        type: e.type,
        sha: e.oid,
        ...(child?.kind === "blob" ? { size: child.bytes.length } : {}),
        url: `${ctx.base}/repos/${full}/git/${e.type === "tree" ? "trees" : "blobs"}/${e.oid}`,
      });
      if (recursive && child?.kind === "tree") walk(child);
    }
  };
  walk(tree);
  const body: components["schemas"]["git-tree"] = { sha: tree.oid, url: `${ctx.base}/repos/${full}/git/trees/${tree.oid}`, tree: out, truncated: false };
  send(ctx, 200, body);
}

export function getBlob(ctx: Ctx, [owner, name, sha]: string[]): void {
  const repo = findRepo(ctx, owner, name);
  const obj = repo?.git?.objects.get(sha);
  if (!repo || !obj || obj.kind !== "blob") return notFound(ctx, "https://docs.github.com/rest/git/blobs#get-a-blob");
  const blob: components["schemas"]["blob"] = {
    sha: obj.oid,
    node_id: `B_${obj.oid.slice(0, 12)}`,
    size: obj.bytes.length,
    url: `${ctx.base}/repos/${ctx.fixture.org.login}/${repo.name}/git/blobs/${obj.oid}`,
    content: base64Lines(obj.bytes),
    encoding: "base64",
  };
  send(ctx, 200, blob);
}
