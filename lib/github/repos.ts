import { z } from "zod";
import type { GitHubClient } from "./client";
import { GitHubError } from "./errors";

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

const REPOS_QUERY = /* GraphQL */ `
  query($org: String!, $cursor: String) {
    organization(login: $org) {
      repositories(first: 100, after: $cursor) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes {
          name
          nameWithOwner
          isArchived
          isFork
          isEmpty
          isPrivate
          pushedAt
          defaultBranchRef { name target { oid } }
        }
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

/** All repositories of an organization, 100 per GraphQL page, with what was skipped and why. */
export async function listOrgReposReport(gh: GitHubClient, org: string, opts: ListReposOptions = {}): Promise<RepoListing> {
  const listing: RepoListing = { repos: [], total: 0, skipped: { archived: 0, forks: 0, empty: 0 } };
  let cursor: string | null = null;
  for (let page = 0; page < 10_000; page++) {
    let result;
    try {
      result = await gh.graphqlPartial<unknown>(REPOS_QUERY, { org, cursor });
    } catch (err) {
      throw gh.error(err, { org, action: `listing the repositories of '${org}'` });
    }
    const notFound = result.errors.find((e) => e.type === "NOT_FOUND");
    if (notFound) throw new GitHubError("not-found", `Organization '${org}' not found or not visible to this token`, 404);
    if (result.errors.length > 0) {
      throw gh.error({ status: 200, errors: result.errors, message: result.errors[0].message }, { org, action: `listing the repositories of '${org}'` });
    }
    const parsed = pageSchema.safeParse(result.data);
    if (!parsed.success) throw new GitHubError("other", `GitHub answered the repository list of '${org}' in an unexpected shape: ${parsed.error.issues[0]?.message}`);
    const orgData = parsed.data.organization;
    if (!orgData) throw new GitHubError("not-found", `Organization '${org}' not found or not visible to this token`, 404);
    const conn = orgData.repositories;
    listing.total = conn.totalCount ?? listing.total + conn.nodes.length;
    for (const n of conn.nodes) {
      if (!n) continue;
      // one reason per repo, in the order a user would think of them
      if (n.isArchived && !opts.includeArchived) listing.skipped.archived++;
      else if (n.isFork && !opts.includeForks) listing.skipped.forks++;
      else if ((n.isEmpty || !n.defaultBranchRef) && !opts.includeEmpty) listing.skipped.empty++;
      else
        listing.repos.push({
          name: n.name,
          nameWithOwner: n.nameWithOwner,
          defaultBranch: n.defaultBranchRef?.name ?? "",
          headOid: n.defaultBranchRef?.target?.oid ?? null,
          archived: n.isArchived,
          fork: n.isFork,
          isPrivate: n.isPrivate,
          isEmpty: n.isEmpty || !n.defaultBranchRef,
          pushedAt: n.pushedAt ?? null,
        });
    }
    if (!conn.pageInfo.hasNextPage || !conn.pageInfo.endCursor) break;
    cursor = conn.pageInfo.endCursor;
  }
  return listing;
}

/** The repositories a scan reads (archived, forks and empty repositories skipped unless asked). */
export async function listOrgRepos(gh: GitHubClient, org: string, opts: ListReposOptions = {}): Promise<RepoInfo[]> {
  return (await listOrgReposReport(gh, org, opts)).repos;
}
