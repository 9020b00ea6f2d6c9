import type { Fixture } from "./fixture";
import { hasScope, send, sendError, type Ctx } from "./http";
import { canSeePackage, packageVersions } from "./rest-packages";
import { isOrg } from "./rest-repos";

/**
 * DELETE /orgs/{org}/packages/container/{name}/versions/{id}, as GitHub answers it: 204; 403 with
 * GitHub's message for a token without `delete:packages` (asked before the version is looked up, as
 * GitHub does: even an unknown id gets the 403); 404 for an unknown package or version. A deleted
 * version leaves the versions list and `version_count`, its tags leave tags/list and its manifest
 * the registry (an index that lists it now names a manifest GHCR no longer has, the breakage blind
 * clean-ups cause). Deletions last for the server's lifetime, in memory.
 */

const DELETE_DOCS = "https://docs.github.com/rest/packages/packages#delete-package-version-for-an-organization";
/** GitHub's answer to a delete without the scopes (what `gh api -X DELETE …` prints). */
export const DELETE_SCOPE_MESSAGE = "You need at least delete:packages and read:packages scopes to delete a package version.";

export function deletePackageVersion(ctx: Ctx, [org, type, name, id]: string[]): void {
  if (!ctx.identity) return sendError(ctx, 401, "Requires authentication", DELETE_DOCS);
  // the Packages API takes no installation token (enabledForGitHubApps: false): the package is not there for it
  if (ctx.identity.installation) return sendError(ctx, 404, "Package not found.", DELETE_DOCS);
  if (!hasScope(ctx.identity, "delete:packages") || !hasScope(ctx.identity, "read:packages")) return sendError(ctx, 403, DELETE_SCOPE_MESSAGE, DELETE_DOCS);
  if (!isOrg(ctx, org)) return sendError(ctx, 404, "Not Found", DELETE_DOCS);
  const p = type === "container" ? ctx.fixture.packages.get(decodeURIComponent(name)) : undefined;
  if (!p || !canSeePackage(ctx, p)) return sendError(ctx, 404, "Package not found.", DELETE_DOCS);
  const version = /^\d+$/.test(id) ? packageVersions(p).find((v) => v.id === Number(id)) : undefined;
  if (!version) return sendError(ctx, 404, "Package version not found.", DELETE_DOCS);
  let gone = ctx.state.packageDeletions.get(p.name);
  if (!gone) ctx.state.packageDeletions.set(p.name, (gone = new Set()));
  gone.add(version.name);
  send(ctx, 204, undefined);
}

const overlays = new WeakMap<Fixture, { count: number; fixture: Fixture }>();

/** The fixture as served after the deletions: the packages that lost versions carry `deletedDigests`. */
export function withPackageDeletions(fx: Fixture, deletions: Map<string, Set<string>>): Fixture {
  let count = 0;
  for (const s of deletions.values()) count += s.size;
  if (count === 0) return fx;
  const cached = overlays.get(fx);
  if (cached && cached.count === count) return cached.fixture;
  const packages = new Map(fx.packages);
  for (const [name, digests] of deletions) {
    const p = packages.get(name);
    if (!p) continue;
    const tags = new Map([...p.tags].filter(([, digest]) => !digests.has(digest)));
    packages.set(name, { ...p, tags, deletedDigests: new Set(digests) });
  }
  const fixture = { ...fx, packages };
  overlays.set(fx, { count, fixture });
  return fixture;
}
