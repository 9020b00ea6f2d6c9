import type { components } from "@octokit/openapi-types";
import { hasScope, isMember, notFound, paginate, send, sendError, type Ctx } from "./http";
import { isOrg, visibleRepos } from "./rest-repos";

const DOCS = "https://docs.github.com/rest/orgs/custom-properties#list-custom-property-values-for-organization-repositories";

type Values = components["schemas"]["org-repo-custom-property-values"];
type Definition = components["schemas"]["custom-property"];

/** Who may read custom properties: org members with `read:org`, as GitHub allows; false when refused (answered). */
function mayRead(ctx: Ctx, org: string): boolean {
  if (!ctx.identity) {
    sendError(ctx, 401, "Requires authentication", DOCS);
    return false;
  }
  if (!isOrg(ctx, org)) {
    notFound(ctx, DOCS);
    return false;
  }
  if (!isMember(ctx.fixture, ctx.identity.user.login, ctx.state)) {
    sendError(ctx, 403, "You must be a member of this organization to read its custom properties.", DOCS);
    return false;
  }
  if (!hasScope(ctx.identity, "read:org")) {
    sendError(ctx, 403, "You need at least read:org scope to read custom properties.", DOCS);
    return false;
  }
  return true;
}

/**
 * GET /orgs/{org}/properties/schema: the properties the organization defines. The fixture defines
 * every property a repository has a value for (`custom_properties` in repos/<repo>.json), multi-select
 * where a value is a list, free text otherwise.
 */
export function listPropertyDefinitions(ctx: Ctx, [org]: string[]): void {
  if (!mayRead(ctx, org)) return;
  const types = new Map<string, Definition["value_type"]>();
  for (const r of ctx.fixture.repos.values()) {
    for (const [name, value] of Object.entries(r.customProperties)) {
      if (Array.isArray(value)) types.set(name, "multi_select");
      else if (!types.has(name)) types.set(name, "string");
    }
  }
  const body: Definition[] = [...types].sort(([a], [b]) => a.localeCompare(b)).map(([property_name, value_type]) => ({
    property_name, url: `${ctx.base}/orgs/${ctx.fixture.org.login}/properties/schema/${encodeURIComponent(property_name)}`,
    source_type: "organization", value_type, required: false, default_value: null, description: null, allowed_values: null,
    values_editable_by: "org_actors",
  }));
  send(ctx, 200, body);
}

/**
 * GET /orgs/{org}/properties/values: every repository the token sees with the custom property values
 * set on it (repositories with none are listed with an empty list), 30 a page unless per_page says.
 * Organization members with `read:org` may read them; anyone else is refused as GitHub refuses.
 */
export function listPropertyValues(ctx: Ctx, [org]: string[]): void {
  if (!mayRead(ctx, org)) return;
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
