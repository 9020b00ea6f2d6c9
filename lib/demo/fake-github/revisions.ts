import type { FixtureRepo } from "./fixture";
import type { GitBlob, GitCommit, GitObject, GitTree } from "./git-objects";

/**
 * How the fake reads revisions, as `git rev-parse` (and so GitHub's `Repository.object(expression:)`,
 * REST `?ref=` and `git/trees/{ref}`) would in a repository with one commit: every branch and tag
 * the fixture declares points at it. Anything else (`HEAD~1`, `main^{tree}`, an unknown name) reads
 * nothing, which GitHub answers with `object: null` or a 404.
 */

/** A full ref name's kind and short name (`refs/tags/v1` -> tag `v1`), or null for a short name. */
function qualified(rev: string): { kind: "branch" | "tag"; name: string } | null {
  if (rev.startsWith("refs/heads/")) return { kind: "branch", name: rev.slice("refs/heads/".length) };
  if (rev.startsWith("refs/tags/")) return { kind: "tag", name: rev.slice("refs/tags/".length) };
  return null;
}

/** The object a revision names: the head commit for HEAD, a declared branch or tag, or its oid (7+ hex digits); any object by its full oid. */
export function resolveRev(r: FixtureRepo, rev: string): GitObject | null {
  const git = r.git;
  if (!git || !rev) return null;
  const q = qualified(rev);
  if (q) return (q.kind === "branch" ? r.branches : r.tags).includes(q.name) ? git.head : null;
  if (rev === "HEAD" || r.branches.includes(rev) || r.tags.includes(rev)) return git.head;
  if (/^[0-9a-f]{7,40}$/i.test(rev) && git.head.oid.startsWith(rev.toLowerCase())) return git.head;
  return /^[0-9a-f]{40}$/i.test(rev) ? git.objects.get(rev.toLowerCase()) ?? null : null;
}

/** The commit a revision names, or null (also for a tree or blob oid). */
export function resolveCommit(r: FixtureRepo, rev: string): GitCommit | null {
  const obj = resolveRev(r, rev);
  return obj?.kind === "commit" ? obj : null;
}

/** The tree a revision names: a commit's root tree, or a tree by its oid. */
export function resolveTree(r: FixtureRepo, rev: string): GitTree | null {
  const obj = resolveRev(r, rev);
  if (obj?.kind === "commit") return r.git!.root;
  return obj?.kind === "tree" ? obj : null;
}

/** `REV:path` (`REV:` is the root tree) or a bare revision, as `git rev-parse` reads it. */
export function resolveExpression(r: FixtureRepo, expression: string): GitObject | null {
  const colon = expression.indexOf(":");
  if (colon === -1) return resolveRev(r, expression);
  const tree = resolveTree(r, expression.slice(0, colon));
  if (!tree) return null;
  const p = expression.slice(colon + 1).replace(/^\/+|\/+$/g, "");
  if (!p) return tree;
  const obj: GitBlob | GitTree | undefined = r.git!.byPath.get(tree.path ? `${tree.path}/${p}` : p);
  return obj ?? null;
}

/**
 * A ref by qualified name (`refs/heads/main`, `refs/tags/v1`) or short name (branches first, then
 * tags), as GitHub's `Repository.ref(qualifiedName:)` resolves it.
 */
export function resolveRefName(r: FixtureRepo, name: string): { name: string; prefix: "refs/heads/" | "refs/tags/" } | null {
  if (!r.git) return null;
  const q = qualified(name);
  if (q) return (q.kind === "branch" ? r.branches : r.tags).includes(q.name) ? { name: q.name, prefix: q.kind === "branch" ? "refs/heads/" : "refs/tags/" } : null;
  if (r.branches.includes(name)) return { name, prefix: "refs/heads/" };
  if (r.tags.includes(name)) return { name, prefix: "refs/tags/" };
  return null;
}
