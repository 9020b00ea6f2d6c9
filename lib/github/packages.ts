import type { GitHubClient } from "./client";

export interface PackageInfo {
  name: string;
  updatedAt: string;
  visibility: string;
  repository: string | null;
  versionCount?: number;
}

export interface PackageVersionInfo {
  id: number;
  /** the manifest digest */
  digest: string;
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

/** The organization's container packages (GET /orgs/{org}/packages?package_type=container, all pages). */
export async function listContainerPackages(gh: GitHubClient, org: string): Promise<PackageInfo[]> {
  try {
    const items = await gh.octokit.paginate(gh.octokit.rest.packages.listPackagesForOrganization, {
      org,
      package_type: "container",
      per_page: 100,
    });
    return items.map((p) => {
      const extra = p as { version_count?: number };
      return {
        name: p.name,
        updatedAt: p.updated_at,
        visibility: p.visibility,
        repository: p.repository?.name ?? null,
        ...(typeof extra.version_count === "number" ? { versionCount: extra.version_count } : {}),
      };
    });
  } catch (err) {
    throw gh.error(err, { org, action: `listing the container packages of '${org}'` });
  }
}

/**
 * Every version of a container package with its tags and dates. A package that receives
 * cache exports has thousands of untagged versions, so this is costly: use it only where
 * the dates are needed (tags and digests come cheaper from the registry).
 */
export async function listPackageVersions(
  gh: GitHubClient,
  org: string,
  packageName: string,
  opts: { maxPages?: number } = {},
): Promise<PackageVersionInfo[]> {
  const out: PackageVersionInfo[] = [];
  let pages = 0;
  try {
    for await (const res of gh.octokit.paginate.iterator(gh.octokit.rest.packages.getAllPackageVersionsForPackageOwnedByOrg, {
      org,
      package_type: "container",
      package_name: packageName,
      per_page: 100,
      state: "active",
    })) {
      for (const v of res.data) {
        out.push({
          id: v.id,
          digest: v.name,
          tags: v.metadata?.container?.tags ?? [],
          createdAt: v.created_at,
          updatedAt: v.updated_at,
        });
      }
      if (opts.maxPages !== undefined && ++pages >= opts.maxPages) break;
    }
  } catch (err) {
    throw gh.error(err, { action: `listing the versions of package '${packageName}'` });
  }
  return out;
}
