/**
 * What a GitHub webhook delivery asks cacheguard to do, decided from its event and payload alone
 * (plain data in, plain data out): read one repository again, read one package again, change the
 * repository list, or nothing (with the reason, which is stored and shown).
 */
import { DEFAULT_BAKE_FILES } from "@/lib/engine/bake";

/** One thing the webhook queue does for a delivery. */
export type Work =
  /** read this repository again (a push that touched what the scan reads) */
  | { kind: "repo"; repo: string }
  /** read this container package's tags again */
  | { kind: "package"; package: string }
  /** the repository list changed: a rename (its findings kept under the new name) */
  | { kind: "renamed"; from: string; to: string }
  /** a repository that went away (deleted, removed from the App installation) */
  | { kind: "gone"; repo: string; reason: string }
  /** a repository that appeared or changed state (created, unarchived, added to the installation): read it */
  | { kind: "listed"; repo: string };

export type Plan =
  | { status: "queued"; work: Work[]; repo?: string; package?: string; message: string }
  | { status: "ignored"; reason: string; repo?: string; package?: string }
  /** handled on arrival (a ping) */
  | { status: "applied"; message: string };

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : null);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

const ZERO_SHA = /^0{40}$/;
const DEFAULT_BAKE = new Set(DEFAULT_BAKE_FILES.map((f) => f.toLowerCase()));

/**
 * Could a change to this path change what a scan finds? The workflows, the actions and reusable
 * workflows they run, scripts, Makefiles, bake and compose files, the per-repository config; and any
 * file the last scan read for this repository (`readPaths`: a script named `ci/release` has no suffix).
 */
export function isBuildPath(path: string, readPaths: ReadonlySet<string> = new Set()): boolean {
  if (readPaths.has(path)) return true;
  const p = path.toLowerCase();
  const base = p.slice(p.lastIndexOf("/") + 1);
  if (p.startsWith(".github/workflows/")) return true;
  if (p === ".github/cacheguard.yml" || p === ".github/cacheguard.yaml") return true;
  if (base === "action.yml" || base === "action.yaml") return true;
  if (base === "makefile" || base === "gnumakefile" || base.endsWith(".mk")) return true;
  if (DEFAULT_BAKE.has(base) || base.endsWith(".hcl") || /^docker-bake[\w.-]*\.json$/.test(base)) return true;
  if (/^(docker-)?compose[\w.-]*\.ya?ml$/.test(base)) return true;
  if (base.endsWith(".sh") || base.endsWith(".bash")) return true;
  return false;
}

/** Every path a push's commits added, modified or removed; null when the payload cannot say (no commit list). */
export function pushedPaths(payload: Json): string[] | null {
  const commits = Array.isArray(payload.commits) ? payload.commits : null;
  if (!commits || commits.length === 0) return null;
  const out = new Set<string>();
  for (const c of [...commits, payload.head_commit]) {
    const commit = obj(c);
    if (!commit) continue;
    for (const k of ["added", "modified", "removed"]) {
      const list = commit[k];
      if (Array.isArray(list)) for (const p of list) if (typeof p === "string") out.add(p);
    }
  }
  return [...out];
}

export interface PlanContext {
  /** the organization the dashboard audits (case-insensitive) */
  org: string;
  /** the files the last scan read for a repository (paths relative to it), to judge a push */
  readPaths?: (repo: string) => Promise<ReadonlySet<string>>;
}

function orgOf(payload: Json): string | undefined {
  return str(obj(payload.organization)?.login) ?? str(obj(obj(payload.repository)?.owner)?.login) ?? str(obj(obj(payload.installation)?.account)?.login);
}

const names = (list: unknown): string[] =>
  (Array.isArray(list) ? list : []).flatMap((r) => {
    const n = str(obj(r)?.name);
    return n ? [n] : [];
  });

/** Decide what a delivery asks for. */
export async function planDelivery(event: string, payload: Json, ctx: PlanContext): Promise<Plan> {
  if (event === "ping") {
    const hook = obj(payload.hook);
    return { status: "applied", message: `ping: the hook${hook?.id !== undefined ? ` ${String(hook.id)}` : ""} reaches cacheguard` };
  }
  const action = str(payload.action);
  const repo = obj(payload.repository);
  const repoName = str(repo?.name);
  const owner = orgOf(payload);
  if (owner && owner.toLowerCase() !== ctx.org.toLowerCase()) {
    return { status: "ignored", reason: `about the organization ${owner}, not ${ctx.org}`, repo: repoName };
  }
  switch (event) {
    case "push": {
      if (!repoName) return { status: "ignored", reason: "push without a repository" };
      const ref = str(payload.ref) ?? "";
      const branch = str(repo?.default_branch) ?? str(repo?.master_branch);
      if (!branch || ref !== `refs/heads/${branch}`) {
        return { status: "ignored", reason: `push to ${ref || "an unknown ref"}, not the default branch ${branch ?? "(unknown)"}`, repo: repoName };
      }
      if (payload.deleted === true || ZERO_SHA.test(str(payload.after) ?? "")) return { status: "ignored", reason: "push deleted the branch", repo: repoName };
      const paths = pushedPaths(payload);
      // a push whose commits are not listed (a new branch, a force push, too many commits) may have changed anything
      if (paths === null || payload.forced === true || payload.created === true) {
        return { status: "queued", work: [{ kind: "repo", repo: repoName }], repo: repoName, message: `push to ${branch}: the files it changed are not listed; reading ${repoName} again` };
      }
      const read = ctx.readPaths ? await ctx.readPaths(repoName) : new Set<string>();
      const touched = paths.filter((p) => isBuildPath(p, read));
      if (touched.length === 0) {
        return { status: "ignored", reason: `push to ${branch} changed no file a scan reads (${paths.length} file${paths.length === 1 ? "" : "s"}: ${paths.slice(0, 3).join(", ")}${paths.length > 3 ? ", …" : ""})`, repo: repoName };
      }
      return { status: "queued", work: [{ kind: "repo", repo: repoName }], repo: repoName, message: `push to ${branch} changed ${touched.slice(0, 3).join(", ")}${touched.length > 3 ? `, … (${touched.length} files)` : ""}` };
    }
    case "package":
    case "registry_package": {
      const pkg = obj(payload[event === "package" ? "package" : "registry_package"]);
      const name = str(pkg?.name);
      const type = (str(pkg?.package_type) ?? str(pkg?.ecosystem) ?? "").toLowerCase();
      if (!name) return { status: "ignored", reason: `${event} without a package name`, repo: repoName };
      if (type !== "container") return { status: "ignored", reason: `a ${type || "non-container"} package; only container packages (GHCR) are scanned`, package: name };
      if (action !== "published" && action !== "updated") return { status: "ignored", reason: `${event}.${action ?? "?"}: only published and updated change tags`, package: name };
      return { status: "queued", work: [{ kind: "package", package: name }], package: name, message: `${event}.${action}: reading the tags of ${name} again` };
    }
    case "repository": {
      if (!repoName) return { status: "ignored", reason: "repository event without a repository" };
      switch (action) {
        case "renamed": {
          const from = str(obj(obj(obj(payload.changes)?.repository)?.name)?.from);
          if (!from) return { status: "queued", work: [{ kind: "listed", repo: repoName }], repo: repoName, message: `renamed to ${repoName} (old name not given)` };
          return { status: "queued", work: [{ kind: "renamed", from, to: repoName }], repo: repoName, message: `renamed ${from} → ${repoName}` };
        }
        case "deleted":
          return { status: "queued", work: [{ kind: "gone", repo: repoName, reason: "deleted on GitHub" }], repo: repoName, message: `${repoName} deleted` };
        case "created":
        case "archived":
        case "unarchived":
        case "transferred":
        case "privatized":
        case "publicized":
          return { status: "queued", work: [{ kind: "listed", repo: repoName }], repo: repoName, message: `${repoName} ${action}: reading it again` };
        default:
          return { status: "ignored", reason: `repository.${action ?? "?"} does not change what a scan reads`, repo: repoName };
      }
    }
    case "installation_repositories": {
      const added = names(payload.repositories_added);
      const removed = names(payload.repositories_removed);
      const work: Work[] = [
        ...removed.map((r): Work => ({ kind: "gone", repo: r, reason: "removed from the GitHub App installation" })),
        ...added.map((r): Work => ({ kind: "listed", repo: r })),
      ];
      if (work.length === 0) return { status: "ignored", reason: "installation_repositories without repositories" };
      const text = [added.length ? `added ${added.join(", ")}` : "", removed.length ? `removed ${removed.join(", ")}` : ""].filter(Boolean).join("; ");
      return { status: "queued", work, repo: [...added, ...removed].slice(0, 1)[0], message: `installation ${text}` };
    }
    default:
      return { status: "ignored", reason: `${event}${action ? `.${action}` : ""} events do not change what a scan reads`, repo: repoName };
  }
}
