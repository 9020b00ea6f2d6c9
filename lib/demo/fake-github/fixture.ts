import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { isValidGitRef } from "../../github/git-ref";
import { actionsCacheSchema, type FixtureActionsCache, loadActionsCache } from "./actions-cache-fixture";
import { buildSnapshot, type GitSnapshot } from "./git-objects";

/** The fixture folder format of issue 3, item 4 (see lib/demo/fixture/README.md). */
const orgSchema = z.object({
  login: z.string().min(1),
  name: z.string().optional(),
  /** logins that are org members besides tokens marked `member` */
  members: z.array(z.string()).optional(),
  /** user the OAuth authorize endpoint signs in when the request names none */
  oauth_login: z.string().optional(),
});
const refName = z.string().refine(isValidGitRef, { message: "is not a valid git ref name" });
const repoMetaSchema = z.object({
  archived: z.boolean().optional(),
  fork: z.boolean().optional(),
  private: z.boolean().optional(),
  default_branch: refName.optional(),
  empty: z.boolean().optional(),
  description: z.string().optional(),
  /** more refs, all pointing at the one head commit (the default branch is always a branch) */
  branches: z.array(refName).optional(),
  tags: z.array(refName).optional(),
  /** code scanning on a private repository needs GitHub Advanced Security (Code Security); default on */
  advanced_security: z.boolean().optional(),
  /** GitHub topics (lower-case words and hyphens, 50 characters at most, as GitHub allows) */
  topics: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,49}$/)).optional(),
  /** custom property values, served by GET /orgs/{org}/properties/values (multi-select: a list) */
  custom_properties: z.record(z.string().min(1), z.union([z.string(), z.array(z.string()), z.null()])).optional(),
  /** GitHub Actions cache entries and the storage limit (lib/demo/fake-github/actions-cache-fixture.ts) */
  actions_cache: actionsCacheSchema.optional(),
});
const packageMetaSchema = z.object({
  untagged_versions: z.number().int().nonnegative().optional(),
  repository: z.string().optional(),
  // the values GitHub's REST description gives a package's visibility
  visibility: z.enum(["public", "private"]).optional(),
  /** when a manifest was pushed, by its file ("manifests/x.json", "tags/t.json"); default: the file's mtime */
  version_dates: z.record(z.string(), z.iso.datetime()).optional(),
});
const tokenSchema = z.object({
  login: z.string().min(1),
  scopes: z.array(z.string()).default([]),
  member: z.boolean().optional(),
});
const tokensSchema = z.record(z.string(), tokenSchema);

export type TokenUser = z.infer<typeof tokenSchema>;
export const DEFAULT_TOKENS: Record<string, TokenUser> = {
  "demo-token": { login: "octocat", scopes: ["repo", "read:org", "read:packages", "workflow"], member: true },
  /** an org owner's token, for DELETE /orgs/{org}/members/{username} */
  "demo-admin-token": { login: "octocat", scopes: ["admin:org"], member: true },
  /** a token that may delete package versions (`cacheguard cleanup --apply`) */
  "demo-delete-token": { login: "octocat", scopes: ["repo", "read:org", "read:packages", "delete:packages"], member: true },
};

export interface FixtureRepo {
  id: number;
  name: string;
  archived: boolean;
  fork: boolean;
  isPrivate: boolean;
  /** whether code scanning accepts uploads for a private repository (public ones always do) */
  advancedSecurity: boolean;
  empty: boolean;
  defaultBranch: string;
  /** branch names, the default branch first; every branch and tag points at the head commit */
  branches: string[];
  tags: string[];
  topics: string[];
  customProperties: Record<string, string | string[] | null>;
  description: string | null;
  createdAt: string;
  pushedAt: string;
  /** null for an empty repository */
  git: GitSnapshot | null;
  /** stat signature of the repo's files, so a reload re-reads only repos that changed */
  statSig: string;
  /** its GitHub Actions cache (none: no entries, no limit set) */
  actionsCache: FixtureActionsCache;
}

export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

export interface FixtureManifest { digest: string; bytes: Buffer; mediaType: string; tags: string[]; createdAt: string }
export interface FixturePackage {
  id: number;
  name: string;
  visibility: "public" | "private";
  repository: string | null;
  untaggedVersions: number;
  /** by digest, newest first */
  manifests: Map<string, FixtureManifest>;
  tags: Map<string, string>;
  blobs: Map<string, Buffer>;
  createdAt: string;
  updatedAt: string;
  /** digests of versions deleted through the API since the server started (package-deletions.ts) */
  deletedDigests?: ReadonlySet<string>;
}

export interface Fixture {
  root: string;
  org: z.infer<typeof orgSchema> & { id: number };
  repos: Map<string, FixtureRepo>;
  packages: Map<string, FixturePackage>;
  /** other registries (the fake Docker Hub): host → repository path (`acme/sdk`) → its tags, as packages are */
  registries: Map<string, Map<string, FixturePackage>>;
  tokens: Record<string, TokenUser>;
}

export class FixtureError extends Error {}

export function stableId(...parts: string[]): number {
  return parseInt(createHash("sha1").update(parts.join("/")).digest("hex").slice(0, 7), 16) + 1000;
}
export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

function readJson<T>(file: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new FixtureError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new FixtureError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
  return parsed.data;
}

const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)).split(path.sep).join("/"))
    .sort();
}

function repoStatSig(reposDir: string, name: string): string {
  const parts: string[] = [];
  for (const full of [path.join(reposDir, `${name}.json`), ...listFiles(path.join(reposDir, name)).map((rel) => path.join(reposDir, name, rel))]) {
    const st = statSync(full, { throwIfNoEntry: false });
    if (st) parts.push(`${full}:${st.mtimeMs}:${st.size}`);
  }
  return parts.join("\n");
}

function loadRepo(reposDir: string, name: string, org: string, previous?: FixtureRepo): FixtureRepo {
  const statSig = repoStatSig(reposDir, name);
  if (previous && previous.statSig === statSig) return previous;
  const metaFile = path.join(reposDir, `${name}.json`);
  const meta = existsSync(metaFile) ? readJson(metaFile, repoMetaSchema) : {};
  const dir = path.join(reposDir, name);
  const files = new Map<string, Buffer>();
  let newest = 0;
  for (const rel of meta.empty ? [] : listFiles(dir)) {
    const full = path.join(dir, rel);
    files.set(rel, readFileSync(full));
    newest = Math.max(newest, statSync(full).mtimeMs);
  }
  const empty = files.size === 0;
  const pushedAt = iso(newest || Date.UTC(2024, 0, 15));
  const defaultBranch = meta.default_branch ?? "main";
  return {
    id: stableId(org, name),
    name,
    archived: meta.archived ?? false,
    fork: meta.fork ?? false,
    isPrivate: meta.private ?? false,
    advancedSecurity: meta.advanced_security ?? true,
    empty,
    defaultBranch,
    branches: [...new Set([defaultBranch, ...(meta.branches ?? [])])],
    tags: [...new Set(meta.tags ?? [])],
    topics: [...new Set(meta.topics ?? [])],
    customProperties: meta.custom_properties ?? {},
    description: meta.description ?? null,
    createdAt: "2024-01-15T10:00:00Z",
    pushedAt,
    git: empty ? null : buildSnapshot(files, pushedAt),
    statSig,
    actionsCache: loadActionsCache(`${org}/${name}`, meta.actions_cache),
  };
}

/** A manifest's media type as a registry reports it: its mediaType field, or inferred (OCI allows omitting it). */
export function manifestMediaType(bytes: Buffer): string {
  try {
    const body = JSON.parse(bytes.toString("utf8")) as { mediaType?: unknown; manifests?: unknown };
    if (typeof body.mediaType === "string") return body.mediaType;
    return Array.isArray(body.manifests) ? OCI_INDEX : OCI_MANIFEST;
  } catch {
    return OCI_MANIFEST; // garbage is served as-is, so clients meet it the way they would on ghcr.io
  }
}

function loadPackage(pkgDir: string, name: string, org: string, repos: Map<string, FixtureRepo>): FixturePackage {
  const metaFile = path.join(pkgDir, "package.json");
  const meta = existsSync(metaFile) ? readJson(metaFile, packageMetaSchema) : {};
  const manifests = new Map<string, FixtureManifest>();
  const tags = new Map<string, string>();
  const add = (file: string, tag: string | null) => {
    const bytes = readFileSync(file);
    const digest = sha256(bytes);
    const existing = manifests.get(digest);
    const dated = meta.version_dates?.[path.relative(pkgDir, file).split(path.sep).join("/")];
    const m = existing ?? { digest, bytes, mediaType: manifestMediaType(bytes), tags: [], createdAt: dated ?? iso(statSync(file).mtimeMs) };
    if (tag) { m.tags.push(tag); tags.set(tag, digest); }
    manifests.set(digest, m);
  };
  for (const f of listFiles(path.join(pkgDir, "tags"))) if (f.endsWith(".json")) add(path.join(pkgDir, "tags", f), f.slice(0, -5));
  for (const f of listFiles(path.join(pkgDir, "manifests"))) add(path.join(pkgDir, "manifests", f), null);
  const blobs = new Map<string, Buffer>();
  for (const f of listFiles(path.join(pkgDir, "blobs"))) {
    const bytes = readFileSync(path.join(pkgDir, "blobs", f));
    blobs.set(sha256(bytes), bytes);
  }
  const sorted = [...manifests.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.digest.localeCompare(b.digest));
  const repoName = meta.repository ?? (repos.has(name) ? name : null);
  const repoPrivate = repoName ? repos.get(repoName)?.isPrivate : false;
  const dates = sorted.map((m) => m.createdAt).sort();
  return {
    id: stableId(org, "package", name),
    name,
    visibility: meta.visibility ?? (repoPrivate ? "private" : "public"),
    repository: repoName,
    untaggedVersions: meta.untagged_versions ?? 0,
    manifests: new Map(sorted.map((m) => [m.digest, m])),
    tags,
    blobs,
    createdAt: "2024-01-15T10:00:00Z",
    updatedAt: dates[dates.length - 1] ?? "2024-01-15T10:00:00Z",
  };
}

/** Load the fixture folder; with `previous`, repos whose files did not change are reused as they were. */
export function loadFixture(root: string, previous?: Fixture): Fixture {
  const orgFile = path.join(root, "org.json");
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new FixtureError(`fixture folder not found: ${root}`);
  if (!existsSync(orgFile)) throw new FixtureError(`${orgFile} is missing: a fixture needs org.json like {"login": "acme"}`);
  const org = { ...readJson(orgFile, orgSchema), id: 0 };
  org.id = stableId(org.login);
  const repos = new Map<string, FixtureRepo>();
  const reposDir = path.join(root, "repos");
  if (existsSync(reposDir)) {
    const names = new Set<string>();
    for (const d of readdirSync(reposDir, { withFileTypes: true })) {
      if (d.isDirectory()) names.add(d.name);
      else if (d.isFile() && d.name.endsWith(".json")) names.add(d.name.slice(0, -5));
    }
    for (const name of [...names].sort()) repos.set(name, loadRepo(reposDir, name, org.login, previous?.org.login === org.login ? previous.repos.get(name) : undefined));
  }
  const packages = new Map<string, FixturePackage>();
  const pkgsDir = path.join(root, "packages");
  if (existsSync(pkgsDir)) {
    for (const d of readdirSync(pkgsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
      packages.set(d.name, loadPackage(path.join(pkgsDir, d.name), d.name, org.login, repos));
    }
  }
  const registries = new Map<string, Map<string, FixturePackage>>();
  const regsDir = path.join(root, "registries");
  if (existsSync(regsDir)) {
    for (const h of readdirSync(regsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
      const repos = new Map<string, FixturePackage>();
      // a repository is a folder with tags/ (its path may have any number of parts: library/nginx, org/team/app)
      const walk = (dir: string, rel: string) => {
        if (existsSync(path.join(dir, "tags"))) return void repos.set(rel, loadPackage(dir, rel, `${h.name}/${rel}`, new Map()));
        for (const d of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
          walk(path.join(dir, d.name), rel ? `${rel}/${d.name}` : d.name);
        }
      };
      walk(path.join(regsDir, h.name), "");
      registries.set(h.name, repos);
    }
  }
  const tokensFile = path.join(root, "tokens.json");
  const tokens = existsSync(tokensFile) ? readJson(tokensFile, tokensSchema) : DEFAULT_TOKENS;
  return { root, org, repos, packages, registries, tokens };
}
