import type { components } from "@octokit/openapi-types";
import { z } from "zod";
import type { GitHubClient } from "./client";
import { GitHubError, IncompleteError } from "./errors";
import type { PackageVersionInfo } from "./packages";

/**
 * One page at a time of a container package's versions (GET /orgs/{org}/packages/container/{name}/versions,
 * 100 a page, newest first), so a caller can store each page as it comes and stop within a budget; and
 * the delete of one version. lib/github/packages.ts `listPackageVersions` reads them all at once.
 */

export const VERSIONS_PER_PAGE = 100;

/** A package version as GitHub's REST description types it. */
export type GitHubPackageVersion = components["schemas"]["package-version"];

const versionSchema = z.object({
  id: z.number().int().nonnegative(),
  name: z.string().min(1),
  created_at: z.string(),
  updated_at: z.string(),
  metadata: z.object({ container: z.object({ tags: z.array(z.string()) }).optional() }).optional(),
});
/** Compiles only while every field read above is one GitHub's package version has, typed as GitHub types it. */
type FieldsAreGitHubs<T extends true> = T;
export type VersionFieldsAreGitHubs = FieldsAreGitHubs<GitHubPackageVersion extends z.input<typeof versionSchema> ? true : false>;

export interface VersionsPage {
  page: number;
  versions: PackageVersionInfo[];
  /** another page follows (a `next` link, or a full page the list may go on after) */
  more: boolean;
  /** the token's scopes as GitHub named them (x-oauth-scopes), null when it sends none (an App, a fine-grained token) */
  scopes: string[] | null;
}

/** GitHub's answer to a package the token cannot see, or that is gone. */
export class PackageGoneError extends Error {
  constructor(readonly packageName: string) {
    super(`GitHub answers 404 for the container package '${packageName}': deleted, or not visible to this token`);
    this.name = "PackageGoneError";
  }
}

function scopesOf(headers: Record<string, unknown>): string[] | null {
  const v = headers["x-oauth-scopes"];
  return typeof v === "string" ? v.split(",").map((s) => s.trim()).filter(Boolean) : null;
}

/** Page `page` (1-based) of a container package's active versions; complete or it throws. */
export async function readVersionsPage(gh: GitHubClient, org: string, name: string, page: number): Promise<VersionsPage> {
  const doing = `listing page ${page} of the versions of package '${name}'`;
  let res;
  try {
    res = await gh.octokit.rest.packages.getAllPackageVersionsForPackageOwnedByOrg({
      org, package_type: "container", package_name: name, per_page: VERSIONS_PER_PAGE, page, state: "active",
    });
  } catch (err) {
    if ((err as { status?: number }).status === 404) throw new PackageGoneError(name);
    throw gh.error(err, { action: doing });
  }
  const items = z.array(versionSchema).safeParse(res.data);
  if (!items.success) throw new IncompleteError(`GitHub's answer ${doing} is not a complete list of versions: ${items.error.issues[0]?.message ?? "unreadable"}`);
  const versions = items.data.map((v) => ({
    id: v.id, digest: v.name, tags: v.metadata?.container?.tags ?? [], createdAt: v.created_at, updatedAt: v.updated_at,
  }));
  const link = typeof res.headers.link === "string" ? res.headers.link : "";
  // a full page without a next link may still go on (a header lost on the way): the next page says
  const more = /rel="?next"?/.test(link) || versions.length >= VERSIONS_PER_PAGE;
  return { page, versions, more, scopes: scopesOf(res.headers as Record<string, unknown>) };
}

export type DeleteOutcome = "deleted" | "already-gone";

/** A refusal to delete for want of the `delete:packages` scope (GitHub's 403). */
export class DeleteScopeError extends GitHubError {
  constructor(message: string) {
    super("scope", message, 403);
    this.name = "DeleteScopeError";
  }
}

/**
 * DELETE /orgs/{org}/packages/container/{name}/versions/{id}: 204 deleted, 404 already gone (or never
 * there), 403 DeleteScopeError (the token lacks delete:packages, or is not an admin of the package).
 * Through the client's governor: throttled, rate limits honoured, never retried on 4xx.
 */
export async function deleteVersion(gh: GitHubClient, org: string, name: string, versionId: number): Promise<DeleteOutcome> {
  try {
    await gh.octokit.rest.packages.deletePackageVersionForOrg({ org, package_type: "container", package_name: name, package_version_id: versionId });
    return "deleted";
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 404) return "already-gone";
    if (status === 403) {
      const data = (err as { response?: { data?: { message?: unknown } } }).response?.data;
      const said = typeof data?.message === "string" ? data.message : "";
      if (!/rate limit/i.test(said)) {
        throw new DeleteScopeError(
          `GitHub refused to delete version ${versionId} of '${name}' (403${said ? `: ${said}` : ""}): the token needs the delete:packages and read:packages scopes (a classic PAT) and admin rights on the package`,
        );
      }
    }
    throw gh.error(err, { action: `deleting version ${versionId} of package '${name}'` });
  }
}
