import type { components } from "@octokit/openapi-types";
import { hasScope, isMember, notFound, paginate, send, sendError, type Ctx } from "./http";
import { isOrg, visibleRepos } from "./rest-repos";

const DOCS = "https://docs.github.com/rest/orgs/custom-properties#list-custom-property-values-for-organization-repositories";

type Values = components["schemas"]["org-repo-custom-property-values"];

/**
 * GET /orgs/{org}/properties/values: every repository the token sees with the custom property values
 * set on it (repositories with none are listed with an empty list), 30 a page unless per_page says.
 * Organization members with `read:org` may read them; anyone else is refused as GitHub refuses.
 */
export function listPropertyValues(ctx: Ctx, [org]: string[]): void {
  if (!ctx.identity) return sendError(ctx, 401, "Requires authentication", DOCS);
  if (!isOrg(ctx, org)) return notFound(ctx, DOCS);
  if (!isMember(ctx.fixture, ctx.identity.user.login, ctx.state)) return sendError(ctx, 403, "You must be a member of this organization to read its custom property values.", DOCS);
  if (!hasScope(ctx.identity, "read:org")) return sendError(ctx, 403, "You need at least read:org scope to read custom property values.", DOCS);
  const repos = [...visibleRepos(ctx)].sort((a, b) => a.name.localeCompare(b.name));
  const { page, link } = paginate(ctx, repos);
  const body: Values[] = page.map((r) => ({
    repository_id: r.id,
    repository_name: r.name,
    repository_full_name: `${ctx.fixture.org.login}/${r.name}`,
    properties: Object.entries(r.customProperties).map(([property_name, value]) => ({ property_name, value })),
  }));
  send(ctx, 200, body, link);
}
