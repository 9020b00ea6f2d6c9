import { z } from "zod";
import { type GitHubClient, untilComplete } from "./client";
import { GitHubError, IncompleteError } from "./errors";

export interface RepoInfo {
  name: string;
  nameWithOwner: string;
  defaultBranch: string;
  headOid: string | null;
  archived: boolean;
  fork: boolean;
  isPrivate: boolean;
  isEmpty: boolean;
  pushedAt: string | null;
  /** the repository's topics (the first 20: a `team-*` one names its owner team) */
  topics: string[];
}

export interface ListReposOptions {
  includeArchived?: boolean;
  includeForks?: boolean;
  /** empty repositories have no default branch to read; skipped unless asked */
  includeEmpty?: boolean;
}

export interface RepoListing {
  repos: RepoInfo[];
  /** repositories the organization has in total */
  total: number;
  skipped: { archived: number; forks: number; empty: number };
}

/** What the scan reads of each repository, in the org listing and for one repository. */
const REPO_FIELDS = `
  name
  nameWithOwner
  isArchived
  isFork
  isEmpty
  isPrivate
  pushedAt
  defaultBranchRef { name target { oid } }
  repositoryTopics(first: 20) { nodes { topic { name } } }
`;

const REPOS_QUERY = /* GraphQL */ `
  query($org: String!, $cursor: String) {
    organization(login: $org) {
      repositories(first: 100, after: $cursor) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes {${REPO_FIELDS}}
      }
    }
  }
`;

const nodeSchema = z.object({
  name: z.string(),
  nameWithOwner: z.string(),
  isArchived: z.boolean(),
  isFork: z.boolean(),
  isEmpty: z.boolean().optional().default(false),
  isPrivate: z.boolean(),
  pushedAt: z.string().nullable().optional(),
  defaultBranchRef: z.object({ name: z.string(), target: z.object({ oid: z.string() }).nullable().optional() }).nullable().optional(),
  repositoryTopics: z.object({ nodes: z.array(z.object({ topic: z.object({ name: z.string() }) }).nullable()).nullable().optional() }).nullable().optional(),
});

const pageSchema = z.object({
  organization: z
    .object({
      repositories: z.object({
        totalCount: z.number().optional(),
        pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable().optional() }),
        nodes: z.array(nodeSchema.nullable()),
      }),
    })
    .nullable(),
});

const PAGE = 100;

type RepoPage = z.infer<typeof pageSchema>["organization"] & object;

/**
 * All repositories of an organization, 100 per GraphQL page, with what was skipped and why. The
 * list is complete or this throws: every page parses and holds no null node, each page delivers as
 * many nodes as `totalCount` leaves for it (100, or the rest), and pagination ends where the count
 * does. A list that does not add up (cut short, or the org changed while it was read) is read again,
 * then reported as IncompleteError.
 */
export async function listOrgReposReport(gh: GitHubClient, org: string, opts: ListReposOptions = {}): Promise<RepoListing> {
  return untilComplete(gh, () => listOnce(gh, org, opts));
}

async function listOnce(gh: GitHubClient, org: string, opts: ListReposOptions): Promise<RepoListing> {
  const listing: RepoListing = { repos: [], total: 0, skipped: { archived: 0, forks: 0, empty: 0 } };
  const doing = `listing the repositories of '${org}'`;
  let cursor: string | null = null;
  let seen = 0;
  for (let page = 0; ; page++) {
    if (page >= 10_000) throw new IncompleteError(`The repository list of '${org}' did not end after 10,000 pages (${doing})`);
    const conn = await readPage(gh, org, cursor, seen, doing);
    seen += conn.nodes.length;
    listing.total = conn.totalCount ?? seen;
    for (const n of conn.nodes) {
      if (!n) continue; // readPage refuses null nodes
      // one reason per repo, in the order a user would think of them
      if (n.isArchived && !opts.includeArchived) listing.skipped.archived++;
      else if (n.isFork && !opts.includeForks) listing.skipped.forks++;
      else if ((n.isEmpty || !n.defaultBranchRef) && !opts.includeEmpty) listing.skipped.empty++;
      else
        listing.repos.push(repoInfoOf(n));
    }
    if (!conn.pageInfo.hasNextPage) break;
    cursor = conn.pageInfo.endCursor ?? null;
  }
  return listing;
}

/** One page of the repository list, checked: it parses and adds up (IncompleteError otherwise). */
async function readPage(gh: GitHubClient, org: string, cursor: string | null, seen: number, doing: string): Promise<RepoPage["repositories"]> {
  let result;
  try {
    result = await gh.graphqlPartial<unknown>(REPOS_QUERY, { org, cursor });
  } catch (err) {
    throw gh.error(err, { org, action: doing });
  }
  const notFound = result.errors.find((e) => e.type === "NOT_FOUND");
  if (notFound) throw new GitHubError("not-found", `Organization '${org}' not found or not visible to this token`, 404);
  if (result.errors.length > 0) {
    throw gh.error({ status: 200, errors: result.errors, message: result.errors[0].message }, { org, action: doing });
  }
  const parsed = pageSchema.safeParse(result.data);
  if (!parsed.success) throw new IncompleteError(`GitHub answered the repository list of '${org}' in an unexpected shape: ${parsed.error.issues[0]?.message}`);
  const orgData = parsed.data.organization;
  if (!orgData) throw new GitHubError("not-found", `Organization '${org}' not found or not visible to this token`, 404);
  const conn = orgData.repositories;
  const where = `page ${Math.floor(seen / PAGE) + 1} of the repository list of '${org}'`;
  if (conn.nodes.some((n) => n === null)) throw new IncompleteError(`GitHub left repositories out of ${where} (null nodes)`);
  if (conn.pageInfo.hasNextPage && !conn.pageInfo.endCursor) throw new IncompleteError(`GitHub's ${where} says more follow but gives no cursor to them`);
  if (conn.totalCount !== undefined) {
    // 100 nodes a page until the count is reached: fewer on a page that is not the last, or a last
    // page that ends short of the count, means repositories were left out
    const expected = Math.max(Math.min(PAGE, conn.totalCount - seen), 0);
    if (conn.nodes.length < expected || (!conn.pageInfo.hasNextPage && seen + conn.nodes.length !== conn.totalCount)) {
      throw new IncompleteError(
        `GitHub's ${where} holds ${conn.nodes.length} repositories where its count of ${conn.totalCount} leaves ${expected} (${conn.pageInfo.hasNextPage ? "more pages follow" : "last page"}); the list is incomplete`,
      );
    }
  } else if (conn.pageInfo.hasNextPage && conn.nodes.length < PAGE) {
    throw new IncompleteError(`GitHub's ${where} holds ${conn.nodes.length} of ${PAGE} repositories yet says more follow; the list is incomplete`);
  }
  return conn;
}

/** The repositories a scan reads (archived, forks and empty repositories skipped unless asked). */
export async function listOrgRepos(gh: GitHubClient, org: string, opts: ListReposOptions = {}): Promise<RepoInfo[]> {
  return (await listOrgReposReport(gh, org, opts)).repos;
}

const REPO_QUERY = /* GraphQL */ `
  query($owner: String!, $name: String!) {
    repository(owner: $owner, name: $name) {${REPO_FIELDS}}
  }
`;

/**
 * One repository of the organization, as the listing reads it (one GraphQL request), or null when
 * GitHub says it does not exist (deleted, or not visible to this token). GitHub answers an old name
 * of a renamed repository with the repository under its new name: `name` says which.
 */
export async function getOrgRepo(gh: GitHubClient, org: string, name: string): Promise<RepoInfo | null> {
  const doing = `reading the repository '${org}/${name}'`;
  let result;
  try {
    result = await gh.graphqlPartial<unknown>(REPO_QUERY, { owner: org, name });
  } catch (err) {
    throw gh.error(err, { org, action: doing });
  }
  if (result.errors.some((e) => e.type === "NOT_FOUND")) return null;
  if (result.errors.length > 0) {
    throw gh.error({ status: 200, errors: result.errors, message: result.errors[0].message }, { org, action: doing });
  }
  const parsed = z.object({ repository: nodeSchema.nullable() }).safeParse(result.data);
  if (!parsed.success) throw new IncompleteError(`GitHub answered ${doing} in an unexpected shape: ${parsed.error.issues[0]?.message}`);
  const n = parsed.data.repository;
  if (!n) return null;
  return repoInfoOf(n);
}

/** A repository as GitHub's GraphQL node describes it (REPO_FIELDS). */
function repoInfoOf(n: z.infer<typeof nodeSchema>): RepoInfo {
  return {
    name: n.name,
    nameWithOwner: n.nameWithOwner,
    defaultBranch: n.defaultBranchRef?.name ?? "",
    headOid: n.defaultBranchRef?.target?.oid ?? null,
    archived: n.isArchived,
    fork: n.isFork,
    isPrivate: n.isPrivate,
    isEmpty: n.isEmpty || !n.defaultBranchRef,
    pushedAt: n.pushedAt ?? null,
    topics: (n.repositoryTopics?.nodes ?? []).flatMap((t) => (t ? [t.topic.name] : [])),
  };
}
