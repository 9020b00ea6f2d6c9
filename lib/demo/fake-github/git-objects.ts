import { createHash } from "node:crypto";

/**
 * Real git object ids, so the fake server's oids look and behave like GitHub's: a blob's sha is
 * what `git hash-object` prints, a tree's sha changes exactly when a file below it changes, and the
 * commit (fixed author and date) changes exactly when its root tree does.
 */

export interface GitBlob { kind: "blob"; oid: string; path: string; name: string; bytes: Buffer }
export interface GitTreeEntry { name: string; path: string; mode: "100644" | "040000"; type: "blob" | "tree"; oid: string }
export interface GitTree { kind: "tree"; oid: string; path: string; entries: GitTreeEntry[] }
export interface GitCommit { kind: "commit"; oid: string; treeOid: string; message: string; committedDate: string; parents?: string[] }
export type GitObject = GitBlob | GitTree | GitCommit;

export function hashObject(type: "blob" | "tree" | "commit", body: Buffer): string {
  const header = Buffer.from(`${type} ${body.length}\0`);
  return createHash("sha1").update(header).update(body).digest("hex");
}

/** All objects of one repository snapshot, addressable by oid and by path. */
export interface GitSnapshot {
  head: GitCommit;
  root: GitTree;
  objects: Map<string, GitObject>;
  byPath: Map<string, GitBlob | GitTree>;
}

/** A commit other than the fixture's one: a merge made through the API (parents, message, time). */
export interface CommitSpec { message: string; parents: string[]; date: string }

/** git's commit text: tree, parents, author and committer lines, then the message. */
export function commitBody(treeOid: string, parents: string[], message: string, who: string, date: string): Buffer {
  const stamp = `${Math.floor(Date.parse(date) / 1000)} +0000`;
  return Buffer.from(`tree ${treeOid}\n${parents.map((p) => `parent ${p}\n`).join("")}author ${who} ${stamp}\ncommitter ${who} ${stamp}\n\n${message}`);
}

/** Build trees and the commit from a flat file map (path -> bytes, "/" separators). */
export function buildSnapshot(files: Map<string, Buffer>, committedDate: string, commit?: CommitSpec): GitSnapshot {
  const objects = new Map<string, GitObject>();
  const byPath = new Map<string, GitBlob | GitTree>();
  // Group files into a nested directory structure first.
  interface Dir { dirs: Map<string, Dir>; files: Map<string, Buffer> }
  const rootDir: Dir = { dirs: new Map(), files: new Map() };
  for (const [path, bytes] of files) {
    const parts = path.split("/");
    let dir = rootDir;
    for (const part of parts.slice(0, -1)) {
      let next = dir.dirs.get(part);
      if (!next) { next = { dirs: new Map(), files: new Map() }; dir.dirs.set(part, next); }
      dir = next;
    }
    dir.files.set(parts[parts.length - 1], bytes);
  }
  const build = (dir: Dir, prefix: string): GitTree => {
    const entries: GitTreeEntry[] = [];
    for (const [name, bytes] of dir.files) {
      const path = prefix ? `${prefix}/${name}` : name;
      const blob: GitBlob = { kind: "blob", oid: hashObject("blob", bytes), path, name, bytes };
      objects.set(blob.oid, blob);
      byPath.set(path, blob);
      entries.push({ name, path, mode: "100644", type: "blob", oid: blob.oid });
    }
    for (const [name, sub] of dir.dirs) {
      const path = prefix ? `${prefix}/${name}` : name;
      const tree = build(sub, path);
      entries.push({ name, path, mode: "040000", type: "tree", oid: tree.oid });
    }
    // git sorts tree entries by name, comparing directories as if they ended in "/".
    const key = (e: GitTreeEntry) => (e.type === "tree" ? `${e.name}/` : e.name);
    entries.sort((a, b) => Buffer.compare(Buffer.from(key(a)), Buffer.from(key(b))));
    const body = Buffer.concat(
      entries.map((e) => Buffer.concat([Buffer.from(`${e.mode === "040000" ? "40000" : e.mode} ${e.name}\0`), Buffer.from(e.oid, "hex")])),
    );
    const tree: GitTree = { kind: "tree", oid: hashObject("tree", body), path: prefix, entries };
    objects.set(tree.oid, tree);
    byPath.set(prefix, tree);
    return tree;
  };
  const root = build(rootDir, "");
  if (commit) {
    const body = commitBody(root.oid, commit.parents, commit.message, "GitHub <noreply@github.com>", commit.date);
    const head: GitCommit = { kind: "commit", oid: hashObject("commit", body), treeOid: root.oid, message: commit.message, committedDate: commit.date, parents: commit.parents };
    objects.set(head.oid, head);
    return { head, root, objects, byPath };
  }
  const message = "Fixture snapshot\n";
  const stamp = "1700000000 +0000";
  const fixtureCommit = Buffer.from(
    `tree ${root.oid}\nauthor Fixture <fixture@example.com> ${stamp}\ncommitter Fixture <fixture@example.com> ${stamp}\n\n${message}`,
  );
  const head: GitCommit = { kind: "commit", oid: hashObject("commit", fixtureCommit), treeOid: root.oid, message, committedDate };
  objects.set(head.oid, head);
  return { head, root, objects, byPath };
}

/** git's binary heuristic: a NUL byte in the first 8000 bytes. */
export function isBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8000).includes(0);
}
