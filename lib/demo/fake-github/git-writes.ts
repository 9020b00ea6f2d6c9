import type { Fixture, FixtureRepo } from "./fixture";
import { buildSnapshot, hashObject, type CommitSpec, type GitSnapshot } from "./git-objects";

/**
 * What clients wrote through the API (Git Data API objects, branches, pull requests, merges), kept in
 * memory only: the fixture folder is never written. A merge changes the default branch the server
 * serves (REST, GraphQL) by overlaying the merged files on the fixture's and moving its head.
 */

export interface Person { name: string; email: string; date: string }

export interface ApiCommit { oid: string; treeOid: string; parents: string[]; message: string; author: Person; committer: Person }

export interface FakePull {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  draft: boolean;
  /** head branch name (same repository) and base branch name */
  head: string;
  base: string;
  /** the head commit while open (follows the branch); fixed once closed */
  headSha: string;
  /** the base branch head when the PR was opened */
  baseSha: string;
  user: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  mergedBy: string | null;
}

/** An issue opened through the API. Issues and pull requests share one number sequence per repository, as on GitHub. */
export interface FakeIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  stateReason: "completed" | "not_planned" | "reopened" | "duplicate" | null;
  /** label names as stored (the label's own spelling) */
  labels: string[];
  assignees: string[];
  user: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  closedBy: string | null;
}

export interface FakeLabel { id: number; name: string; color: string; description: string | null; default: boolean }

/** A comment on an issue or a pull request (its conversation), by the issue number. */
export interface FakeComment { id: number; number: number; body: string; user: string; createdAt: string; updatedAt: string }

export interface RepoWrites {
  /** root trees written or seen, by oid: the full file map */
  trees: Map<string, Map<string, Buffer>>;
  blobs: Map<string, Buffer>;
  commits: Map<string, ApiCommit>;
  /** branches created through the API (name without refs/heads/) -> commit oid */
  refs: Map<string, string>;
  pulls: FakePull[];
  /** default-branch files changed by merges, relative to the fixture (null: deleted) */
  overlay: Map<string, Buffer | null>;
  issues: FakeIssue[];
  /** the repository's labels, GitHub's defaults first; null until a request needs them */
  labels: FakeLabel[] | null;
  comments: FakeComment[];
  /** the last merge commit, which the default branch points at */
  head: CommitSpec | null;
  /** every commit the default branch has pointed at (merge bases) */
  defaultHeads: Set<string>;
  version: number;
}

export function filesOfSnapshot(snap: GitSnapshot): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const o of snap.byPath.values()) if (o.kind === "blob") files.set(o.path, o.bytes);
  return files;
}

/** The oid git gives the root tree of these files. */
export function treeOidOf(files: Map<string, Buffer>): string {
  return buildSnapshot(files, "2024-01-15T10:00:00Z").root.oid;
}

export function commitOid(c: Omit<ApiCommit, "oid">): string {
  const line = (k: string, p: Person) => `${k} ${p.name} <${p.email}> ${Math.floor(Date.parse(p.date) / 1000)} +0000\n`;
  const parents = c.parents.map((p) => `parent ${p}\n`).join("");
  return hashObject("commit", Buffer.from(`tree ${c.treeOid}\n${parents}${line("author", c.author)}${line("committer", c.committer)}\n${c.message}`));
}

/** What an org admin did to a repository, on top of the fixture: renamed, archived or unarchived, deleted. */
export interface RepoAdminChange { name?: string; archived?: boolean; deleted?: boolean }

export class GitWrites {
  private repos = new Map<string, RepoWrites>();
  /** by the fixture's (lower-cased) name */
  private admin = new Map<string, RepoAdminChange>();
  /** a renamed repository's served (lower-cased) name -> its fixture name */
  private aliases = new Map<string, string>();
  private served: { fx: Fixture; version: number; out: Fixture } | null = null;
  private version = 0;
  private nextPullId = 1_000_000;
  private nextObjectId = 2_000_000;
  /** the fixture folder's snapshot last served, before the writes */
  raw: Fixture | null = null;

  of(repo: string): RepoWrites {
    const key = this.aliases.get(repo.toLowerCase()) ?? repo.toLowerCase();
    let w = this.repos.get(key);
    if (!w) {
      w = { trees: new Map(), blobs: new Map(), commits: new Map(), refs: new Map(), pulls: [], issues: [], labels: null, comments: [], overlay: new Map(), head: null, defaultHeads: new Set(), version: 0 };
      this.repos.set(key, w);
    }
    return w;
  }

  pullId(): number {
    return this.nextPullId++;
  }

  /** ids of issues, labels and comments (one sequence, like GitHub's database ids) */
  nextId(): number {
    return this.nextObjectId++;
  }

  /** Call after a merge: the default branch served changes. */
  changed(w: RepoWrites): void {
    w.version++;
    this.version++;
  }

  /** Rename, archive or delete a repository (as served; the fixture folder is never written). */
  changeRepo(served: string, change: RepoAdminChange): void {
    const key = this.aliases.get(served.toLowerCase()) ?? served.toLowerCase();
    const next = { ...this.admin.get(key), ...change };
    if (change.name !== undefined) {
      for (const [alias, k] of this.aliases) if (k === key) this.aliases.delete(alias);
      if (change.name.toLowerCase() !== key) this.aliases.set(change.name.toLowerCase(), key);
    }
    this.admin.set(key, next);
    this.version++;
  }

  /** The fixture as the API serves it: a repository with merged changes has its overlaid snapshot. */
  apply(fx: Fixture): Fixture {
    this.raw = fx;
    if (this.version === 0) return fx;
    if (this.served && this.served.fx === fx && this.served.version === this.version) return this.served.out;
    const repos = new Map(fx.repos);
    for (const [key, w] of this.repos) {
      const r = [...fx.repos.values()].find((x) => x.name.toLowerCase() === key);
      if (!r || !w.head) continue;
      repos.set(r.name, overlaid(r, w));
    }
    for (const [key, change] of this.admin) {
      const r = [...repos.values()].find((x) => x.name.toLowerCase() === key);
      if (!r) continue;
      repos.delete(r.name);
      if (change.deleted) continue;
      const name = change.name ?? r.name;
      repos.set(name, { ...r, name, archived: change.archived ?? r.archived });
    }
    const out = { ...fx, repos };
    this.served = { fx, version: this.version, out };
    return out;
  }
}

/**
 * A commit on the default branch, as a `git push` of one commit makes it: the files given (text, or
 * null to delete) over the served head, the served head its parent. Returns what the push changed.
 */
export function commitToDefault(
  writes: GitWrites, r: FixtureRepo, files: Record<string, string | null>, message: string, date: string,
): { before: string; added: string[]; modified: string[]; removed: string[] } {
  if (!r.git) throw new Error(`${r.name} is empty: nothing to commit on`);
  const w = writes.of(r.name);
  const before = r.git.head.oid;
  const old = filesOfSnapshot(r.git);
  const added: string[] = [];
  const modified: string[] = [];
  const removed: string[] = [];
  for (const [p, text] of Object.entries(files)) {
    if (text === null) {
      if (old.has(p)) removed.push(p);
      w.overlay.set(p, null);
    } else {
      const bytes = Buffer.from(text);
      if (!old.has(p)) added.push(p);
      else if (!old.get(p)!.equals(bytes)) modified.push(p);
      w.overlay.set(p, bytes);
    }
  }
  w.head = { message: message.endsWith("\n") ? message : `${message}\n`, parents: [before], date };
  writes.changed(w);
  return { before, added, modified, removed };
}

function overlaid(r: FixtureRepo, w: RepoWrites): FixtureRepo {
  const files = r.git ? filesOfSnapshot(r.git) : new Map<string, Buffer>();
  for (const [p, bytes] of w.overlay) {
    if (bytes === null) files.delete(p);
    else files.set(p, bytes);
  }
  const git = buildSnapshot(files, w.head!.date, w.head!);
  w.trees.set(git.root.oid, files);
  w.defaultHeads.add(git.head.oid);
  return { ...r, git, empty: files.size === 0, pushedAt: w.head!.date };
}

/** The files of a commit this repository knows: its served head, a commit written through the API, a former default head. */
export function filesOfCommit(r: FixtureRepo, w: RepoWrites, oid: string): Map<string, Buffer> | null {
  if (r.git && r.git.head.oid === oid) {
    // remember it: once a merge moves the head, this commit is still a PR's base
    const files = filesOfSnapshot(r.git);
    w.trees.set(r.git.root.oid, files);
    w.defaultHeads.add(oid);
    if (!w.commits.has(oid)) {
      const who = { name: "Fixture", email: "fixture@example.com", date: r.git.head.committedDate };
      w.commits.set(oid, { oid, treeOid: r.git.root.oid, parents: r.git.head.parents ?? [], message: r.git.head.message, author: who, committer: who });
    }
    return files;
  }
  const c = w.commits.get(oid);
  return c ? (w.trees.get(c.treeOid) ?? null) : null;
}

/** The next issue or pull request number of a repository: both share the sequence. */
export function nextNumber(w: RepoWrites): number {
  return w.pulls.length + w.issues.length + 1;
}

/** Paths whose bytes differ between two file maps (added, changed or deleted), sorted. */
export function changedPaths(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  const out = new Set<string>();
  for (const [p, bytes] of a) if (!b.get(p)?.equals(bytes)) out.add(p);
  for (const p of b.keys()) if (!a.has(p)) out.add(p);
  return [...out].sort();
}
