import type { components } from "@octokit/openapi-types";
import { z } from "zod";
import { type GitHubClient, untilComplete } from "./client";
import { IncompleteError } from "./errors";

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

const PER_PAGE = 100;

/** A package as GitHub's REST description types it (`GET /orgs/{org}/packages`). */
export type GitHubPackage = components["schemas"]["package"];

const packageSchema = z.object({
  name: z.string().min(1),
  updated_at: z.string(),
  visibility: z.string(),
  repository: z.object({ name: z.string() }).nullish(),
  version_count: z.number().optional(),
});
/** Compiles only while every field read above is one GitHub's package has, typed as GitHub types it. */
type FieldsAreGitHubs<T extends true> = T;
export type PackageFieldsAreGitHubs = FieldsAreGitHubs<GitHubPackage extends z.input<typeof packageSchema> ? true : false>;

/**
 * The organization's container packages (GET /orgs/{org}/packages?package_type=container, all pages).
 * Complete or it throws: every page is a parsed list of packages, the `Link` pages are followed one
 * by one to the end (a next page that skips one, or an end before the `last` page, is incomplete),
 * and a full page without a next link is confirmed by asking for the one after it. A list that does
 * not add up is read again, then reported as IncompleteError: a package is gone only when a complete
 * list lacks it.
 */
export async function listContainerPackages(gh: GitHubClient, org: string): Promise<PackageInfo[]> {
  const doing = `listing the container packages of '${org}'`;
  try {
    return await untilComplete(gh, () => listOnce(gh, org, doing));
  } catch (err) {
    throw gh.error(err, { org, action: doing });
  }
}

async function listOnce(gh: GitHubClient, org: string, doing: string): Promise<PackageInfo[]> {
  const first = gh.octokit.rest.packages.listPackagesForOrganization.endpoint({ org, package_type: "container", per_page: PER_PAGE });
  const byName = new Map<string, PackageInfo>();
  let url: string | null = first.url;
  let pageNo = 1;
  let lastPage: number | null = null;
  for (let pages = 0; url; pages++) {
    if (pages >= 10_000) throw new IncompleteError(`The package list did not end after 10,000 pages (${doing})`);
    const res = await gh.octokit.request({ method: "GET", url, headers: first.headers });
    const items = z.array(packageSchema).safeParse(res.data);
    if (!items.success) {
      throw new IncompleteError(`GitHub's page ${pageNo} of the package list is not a complete list of packages (${doing}): ${items.error.issues[0]?.message ?? "unreadable"}`);
    }
    for (const p of items.data) {
      byName.set(p.name, {
        name: p.name,
        updatedAt: p.updated_at,
        visibility: p.visibility,
        repository: p.repository?.name ?? null,
        ...(typeof p.version_count === "number" ? { versionCount: p.version_count } : {}),
      });
    }
    const links = parseLink(res.headers.link);
    lastPage ??= pageOf(links.last);
    const nextNo = pageOf(links.next);
    if (links.next) {
      if (nextNo !== null && nextNo !== pageNo + 1) {
        throw new IncompleteError(`GitHub's page ${pageNo} of the package list links to page ${nextNo} as the next one, skipping pages (${doing})`);
      }
      url = links.next;
      pageNo++;
    } else if (lastPage !== null && pageNo < lastPage) {
      throw new IncompleteError(`GitHub's package list ended at page ${pageNo} of ${lastPage} (${doing})`);
    } else if (items.data.length >= PER_PAGE) {
      // a full page and no next link: the list may go on (a header lost on the way); the next page says
      const next: URL = new URL(url);
      next.searchParams.set("page", String(pageNo + 1));
      url = next.href;
      pageNo++;
    } else {
      url = null;
    }
  }
  return [...byName.values()];
}

/**
 * One container package of the organization (GET /orgs/{org}/packages/container/{name}), or null when
 * GitHub says there is none (deleted, or not visible to this token).
 */
export async function getContainerPackage(gh: GitHubClient, org: string, name: string): Promise<PackageInfo | null> {
  const doing = `reading the container package '${name}' of '${org}'`;
  let data: unknown;
  try {
    data = (await gh.octokit.rest.packages.getPackageForOrganization({ org, package_type: "container", package_name: name })).data;
  } catch (err) {
    if ((err as { status?: number }).status === 404) return null;
    throw gh.error(err, { action: doing });
  }
  const p = packageSchema.safeParse(data);
  if (!p.success) throw new IncompleteError(`GitHub answered ${doing} in an unexpected shape: ${p.error.issues[0]?.message ?? "unreadable"}`);
  return {
    name: p.data.name,
    updatedAt: p.data.updated_at,
    visibility: p.data.visibility,
    repository: p.data.repository?.name ?? null,
    ...(typeof p.data.version_count === "number" ? { versionCount: p.data.version_count } : {}),
  };
}

/** `Link: <url>; rel="next", <url>; rel="last"` by rel. */
export function parseLink(link: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (link ?? "").split(/,(?=\s*<)/)) {
    const m = /<([^>]*)>\s*;(.*)$/.exec(part.trim());
    const rel = m && /\brel\s*=\s*"?([^";]+)"?/i.exec(m[2])?.[1];
    if (m && rel) for (const r of rel.trim().split(/\s+/)) out[r.toLowerCase()] = m[1];
  }
  return out;
}

/** The `page` number a link points at, when it pages by number. */
export function pageOf(url: string | undefined): number | null {
  if (!url) return null;
  const p = new URL(url, "http://x").searchParams.get("page");
  return p && /^\d+$/.test(p) ? Number(p) : null;
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
