import type { FixtureRepo } from "./fixture";
import { isBinary, type GitBlob, type GitCommit, type GitObject, type GitTree } from "./git-objects";
import type { Ctx } from "./http";
import { peek, stableUserId } from "./rate-limit";
import { findRepo, isOrg, visibleRepos } from "./rest-repos";
import { resolveExpression, resolveRefName } from "./revisions";

/** GitHub truncates Blob.text at exactly 512,000 bytes and says so in isTruncated. */
export const BLOB_TEXT_LIMIT = 512_000;

/** An error carrying GitHub's `type` (NOT_FOUND, MISSING_PAGINATION_BOUNDARIES, ...). */
export class GitHubGraphQLError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
  }
}

const cursorOf = (i: number) => Buffer.from(`cursor:v2:${i}`).toString("base64");
const indexOf = (cursor: string | null | undefined): number => {
  if (!cursor) return -1;
  const m = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, "base64").toString("utf8"));
  if (!m) throw new GitHubGraphQLError("INVALID_CURSOR_ARGUMENTS", `\`${cursor}\` does not appear to be a valid cursor.`);
  return Number(m[1]);
};

function checkBounds(connection: string, first?: number | null, last?: number | null): void {
  if (first == null && last == null) {
    throw new GitHubGraphQLError("MISSING_PAGINATION_BOUNDARIES", `You must provide a \`first\` or \`last\` value to properly paginate the \`${connection}\` connection.`);
  }
  for (const [name, v] of [["first", first], ["last", last]] as const) {
    if (v != null && (v < 0 || v > 100)) {
      throw new GitHubGraphQLError("EXCESSIVE_PAGINATION", `Requesting ${v} records on the \`${connection}\` connection exceeds the \`${name}\` limit of 100 records.`);
    }
  }
}

function orgNode(ctx: Ctx) {
  const fx = ctx.fixture;
  return {
    __typename: "Organization",
    id: `O_${fx.org.id}`,
    databaseId: fx.org.id,
    login: fx.org.login,
    name: fx.org.name ?? fx.org.login,
    url: `https://github.com/${fx.org.login}`,
    repository: ({ name }: { name: string }) => {
      const r = findRepo(ctx, fx.org.login, name);
      return r ? repoNode(ctx, r) : null;
    },
    repositories: (args: {
      first?: number | null; after?: string | null; last?: number | null; before?: string | null;
      isFork?: boolean | null; isArchived?: boolean | null; privacy?: string | null; visibility?: string | null;
      orderBy?: { field: string; direction: "ASC" | "DESC" } | null;
    }) => {
      checkBounds("repositories", args.first, args.last);
      let repos = visibleRepos(ctx);
      if (args.isFork != null) repos = repos.filter((r) => r.fork === args.isFork);
      if (args.isArchived != null) repos = repos.filter((r) => r.archived === args.isArchived);
      const privacy = args.privacy ?? args.visibility;
      if (privacy) repos = repos.filter((r) => (r.isPrivate ? "PRIVATE" : "PUBLIC") === privacy);
      if (args.orderBy) {
        const { field, direction } = args.orderBy;
        const key = (r: FixtureRepo) => (field === "NAME" ? r.name.toLowerCase() : field === "PUSHED_AT" || field === "UPDATED_AT" ? r.pushedAt : r.createdAt + r.name);
        repos = [...repos].sort((a, b) => key(a).localeCompare(key(b)) * (direction === "DESC" ? -1 : 1));
      }
      let start = indexOf(args.after) + 1;
      let end = args.before ? indexOf(args.before) : repos.length;
      if (args.first != null) end = Math.min(end, start + args.first);
      if (args.last != null) start = Math.max(start, end - args.last);
      const page = repos.slice(start, end);
      return {
        totalCount: repos.length,
        pageInfo: {
          hasNextPage: end < repos.length,
          hasPreviousPage: start > 0,
          startCursor: page.length ? cursorOf(start) : null,
          endCursor: page.length ? cursorOf(end - 1) : null,
        },
        nodes: page.map((r) => repoNode(ctx, r)),
        edges: page.map((r, i) => ({ cursor: cursorOf(start + i), node: repoNode(ctx, r) })),
      };
    },
  };
}

type RepoNode = ReturnType<typeof repoNode>;

function repoNode(ctx: Ctx, r: FixtureRepo) {
  const fx = ctx.fixture;
  const node = {
    id: `R_${r.id}`,
    databaseId: r.id,
    name: r.name,
    nameWithOwner: `${fx.org.login}/${r.name}`,
    description: r.description,
    url: `https://github.com/${fx.org.login}/${r.name}`,
    owner: () => orgNode(ctx),
    isArchived: r.archived,
    isFork: r.fork,
    isEmpty: r.empty,
    isPrivate: r.isPrivate,
    isDisabled: false,
    isLocked: false,
    visibility: r.isPrivate ? "PRIVATE" : "PUBLIC",
    createdAt: r.createdAt,
    updatedAt: r.pushedAt,
    pushedAt: r.pushedAt,
    diskUsage: 1,
    defaultBranchRef: () => refNode(node, r, r.defaultBranch, "refs/heads/"),
    ref: ({ qualifiedName }: { qualifiedName: string }) => {
      const ref = resolveRefName(r, qualifiedName);
      return ref ? refNode(node, r, ref.name, ref.prefix) : null;
    },
    object: ({ expression, oid }: { expression?: string | null; oid?: string | null }) => {
      const obj = resolveExpression(r, expression ?? oid ?? "");
      return obj ? gitNode(node, r, obj) : null;
    },
    repositoryTopics: (args: { first?: number | null; after?: string | null; last?: number | null; before?: string | null }) =>
      connection("repositoryTopics", r.topics.map((name) => ({ id: `RT_${r.id}_${name}`, topic: { id: `TO_${name}`, name } })), args),
  };
  return node;
}

/** A connection over a list, paged by first/after and last/before as GitHub pages. */
function connection<T>(name: string, items: T[], args: { first?: number | null; after?: string | null; last?: number | null; before?: string | null }) {
  checkBounds(name, args.first, args.last);
  let start = indexOf(args.after) + 1;
  let end = args.before ? indexOf(args.before) : items.length;
  if (args.first != null) end = Math.min(end, start + args.first);
  if (args.last != null) start = Math.max(start, end - args.last);
  const page = items.slice(start, end);
  return {
    totalCount: items.length,
    pageInfo: { hasNextPage: end < items.length, hasPreviousPage: start > 0, startCursor: page.length ? cursorOf(start) : null, endCursor: page.length ? cursorOf(end - 1) : null },
    nodes: page,
  };
}

function refNode(repo: RepoNode, r: FixtureRepo, name: string, prefix: string) {
  if (!r.git) return null;
  // lightweight tags: a tag's target is the commit itself, as for a branch
  return { id: `REF_${r.id}_${prefix}${name}`, name, prefix, repository: repo, target: gitNode(repo, r, r.git.head) };
}

function gitNode(repo: RepoNode, r: FixtureRepo, obj: GitObject): object {
  const common = { id: `${obj.kind}_${obj.oid}`, oid: obj.oid, abbreviatedOid: obj.oid.slice(0, 7), repository: repo };
  if (obj.kind === "commit") return commitNode(common, repo, r, obj);
  if (obj.kind === "tree") return treeNode(common, repo, r, obj);
  return blobNode(common, obj);
}

function commitNode(common: object, repo: RepoNode, r: FixtureRepo, c: GitCommit) {
  return {
    __typename: "Commit",
    ...common,
    committedDate: c.committedDate,
    pushedDate: c.committedDate,
    message: c.message.trim(),
    messageHeadline: c.message.trim().split("\n")[0],
    tree: () => gitNode(repo, r, r.git!.root),
  };
}

function treeNode(common: object, repo: RepoNode, r: FixtureRepo, t: GitTree) {
  return {
    __typename: "Tree",
    ...common,
    entries: () =>
      t.entries.map((e) => {
        const child = r.git!.objects.get(e.oid)!;
        const dot = e.name.lastIndexOf(".");
        return {
          name: e.name,
          path: e.path,
          oid: e.oid,
          mode: parseInt(e.mode, 8),
          type: e.type,
          size: child.kind === "blob" ? child.bytes.length : 0,
          extension: e.type === "blob" && dot > 0 ? e.name.slice(dot) : null,
          isGenerated: false,
          lineCount: child.kind === "blob" && !isBinary(child.bytes) ? child.bytes.toString("utf8").split("\n").length : null,
          object: () => gitNode(repo, r, child),
          repository: repo,
        };
      }),
  };
}

function blobNode(common: object, b: GitBlob) {
  const binary = isBinary(b.bytes);
  const truncated = b.bytes.length > BLOB_TEXT_LIMIT;
  return {
    __typename: "Blob",
    ...common,
    byteSize: b.bytes.length,
    isBinary: binary,
    isTruncated: truncated,
    text: binary ? null : b.bytes.subarray(0, BLOB_TEXT_LIMIT).toString("utf8"),
  };
}

/** The root value: Query's fields, each a resolver the default field resolver calls with (args, context). */
export function rootValue(ctx: Ctx) {
  return {
    organization: ({ login }: { login: string }) => {
      if (!isOrg(ctx, login)) throw new GitHubGraphQLError("NOT_FOUND", `Could not resolve to an Organization with the login of '${login}'.`);
      return orgNode(ctx);
    },
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const r = findRepo(ctx, owner, name);
      if (!r) throw new GitHubGraphQLError("NOT_FOUND", `Could not resolve to a Repository with the name '${owner}/${name}'.`);
      return repoNode(ctx, r);
    },
    rateLimit: () => {
      const w = peek(ctx, "graphql");
      return { limit: w.limit, cost: 1, remaining: w.remaining, used: w.used, resetAt: new Date(w.reset * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"), nodeCount: 0 };
    },
    viewer: () => {
      const login = ctx.identity?.user.login ?? "ghost";
      return { __typename: "User", id: `U_${stableUserId(login)}`, login, name: login, url: `https://github.com/${login}` };
    },
  };
}
