import type { components } from "@octokit/openapi-types";
import type { FixturePackage } from "./fixture";
import { hasScope, isMember, notFound, paginate, send, sendError, type Ctx } from "./http";
import { isOrg } from "./rest-repos";
import { packageJson } from "./shapes";
import { untaggedDigests } from "./untagged-versions";

const LIST_DOCS = "https://docs.github.com/rest/packages/packages#list-packages-for-an-organization";

/**
 * Packages need a token with read:packages (GitHub's REST packages API has no anonymous access).
 * GitHub documents that this API takes a personal access token (classic) only: an App installation
 * token, whatever its permissions, gets 400 "Invalid argument." on the org's list (as GitHub answers
 * it, cli/cli#9606) and 404 on a package it names.
 */
function guard(ctx: Ctx, org: string, docs = LIST_DOCS): boolean {
  if (!ctx.identity) {
    sendError(ctx, 401, "Requires authentication", docs);
    return false;
  }
  if (ctx.identity.installation) {
    if (docs === LIST_DOCS) sendError(ctx, 400, "Invalid argument.", LIST_DOCS);
    else sendError(ctx, 404, "Package not found.", docs);
    return false;
  }
  if (!hasScope(ctx.identity, "read:packages")) {
    sendError(ctx, 403, "You need at least read:packages scope to list packages.", LIST_DOCS);
    return false;
  }
  if (!isOrg(ctx, org)) {
    notFound(ctx, LIST_DOCS);
    return false;
  }
  return true;
}

export function canSeePackage(ctx: Ctx, p: FixturePackage): boolean {
  if (p.visibility === "public") return true;
  return !!ctx.identity && hasScope(ctx.identity, "read:packages") && isMember(ctx.fixture, ctx.identity.user.login, ctx.state);
}

export function listPackages(ctx: Ctx, [org]: string[]): void {
  if (!guard(ctx, org)) return;
  const type = ctx.url.searchParams.get("package_type");
  if (!type) return sendError(ctx, 400, "Invalid argument: package_type is required", LIST_DOCS);
  const visibility = ctx.url.searchParams.get("visibility");
  let pkgs = type === "container" ? [...ctx.fixture.packages.values()].filter((p) => canSeePackage(ctx, p)) : [];
  if (visibility) pkgs = pkgs.filter((p) => p.visibility === visibility);
  const { page, link } = paginate(ctx, pkgs);
  send(ctx, 200, page.map((p) => packageJson(ctx.base, ctx.fixture, p, p.repository ? ctx.fixture.repos.get(p.repository) : undefined)), link);
}

function findPackage(ctx: Ctx, name: string): FixturePackage | null {
  const p = ctx.fixture.packages.get(decodeURIComponent(name));
  return p && canSeePackage(ctx, p) ? p : null;
}

const GET_DOCS = "https://docs.github.com/rest/packages/packages#get-a-package-for-an-organization";
const VERSIONS_DOCS = "https://docs.github.com/rest/packages/packages#list-package-versions-for-a-package-owned-by-an-organization";

export function getPackage(ctx: Ctx, [org, type, name]: string[]): void {
  if (!guard(ctx, org, GET_DOCS)) return;
  const p = type === "container" ? findPackage(ctx, name) : null;
  if (!p) return sendError(ctx, 404, "Package not found.", GET_DOCS);
  send(ctx, 200, packageJson(ctx.base, ctx.fixture, p, p.repository ? ctx.fixture.repos.get(p.repository) : undefined));
}

export interface PackageVersion { id: number; name: string; createdAt: string; tags: string[] }

/**
 * Every pushed manifest is a version; cache exports leave many untagged ones, synthesized from
 * package.json. Newest first, as GitHub lists them; ids stay what they were when others are deleted.
 */
export function packageVersions(p: FixturePackage): PackageVersion[] {
  const all = allVersions(p);
  return p.deletedDigests?.size ? all.filter((v) => !p.deletedDigests!.has(v.name)) : all;
}

function allVersions(p: FixturePackage): PackageVersion[] {
  const out: PackageVersion[] = [];
  let idx = 0;
  for (const m of p.manifests.values()) out.push({ id: p.id * 10 + idx++, name: m.digest, createdAt: m.createdAt, tags: [...m.tags].sort() });
  const oldest = Math.min(...[...p.manifests.values()].map((m) => Date.parse(m.createdAt)), Date.parse(p.updatedAt));
  const untagged = untaggedDigests(p);
  for (let i = 0; i < untagged.length; i++) out.push({ id: p.id * 10 + idx++, name: untagged[i], createdAt: untaggedCreatedAt(oldest, i), tags: [] });
  return out;
}

/** The i-th synthesized untagged version: an hour older than the one before, below the oldest manifest. */
function untaggedCreatedAt(oldestMs: number, i: number): string {
  return new Date(oldestMs - (i + 1) * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function listPackageVersions(ctx: Ctx, [org, type, name]: string[]): void {
  if (!guard(ctx, org, VERSIONS_DOCS)) return;
  const p = type === "container" ? findPackage(ctx, name) : null;
  if (!p) return sendError(ctx, 404, "Package not found.", VERSIONS_DOCS);
  const { page, link } = paginate(ctx, packageVersions(p));
  const pkgUrl = `${ctx.base}/orgs/${ctx.fixture.org.login}/packages/container/${encodeURIComponent(p.name)}`;
  send(
    ctx,
    200,
    page.map((v): components["schemas"]["package-version"] => ({
      id: v.id,
      name: v.name,
      url: `${pkgUrl}/versions/${v.id}`,
      package_html_url: `https://github.com/orgs/${ctx.fixture.org.login}/packages/container/package/${encodeURIComponent(p.name)}`,
      created_at: v.createdAt,
      updated_at: v.createdAt,
      html_url: `https://github.com/orgs/${ctx.fixture.org.login}/packages/container/${encodeURIComponent(p.name)}/${v.id}`,
      metadata: { package_type: "container", container: { tags: v.tags } },
    })),
    link,
  );
}
