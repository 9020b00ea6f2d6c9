import type { components } from "@octokit/openapi-types";
import { hasScope, isMember, notAccessibleByIntegration, notFound, send, sendError, type Ctx } from "./http";
import { peek } from "./rate-limit";
import { isOrg } from "./rest-repos";
import { authenticatedUserJson, orgSimpleJson, userJson } from "./shapes";

export function getUser(ctx: Ctx): void {
  const docs = "https://docs.github.com/rest/users/users#get-the-authenticated-user";
  if (!ctx.identity) return sendError(ctx, 401, "Requires authentication", docs);
  // an installation token is no user: GitHub answers it 403
  if (ctx.identity.installation) return notAccessibleByIntegration(ctx, docs);
  send(ctx, 200, authenticatedUserJson(ctx.base, ctx.identity.user.login));
}

export function getUserByLogin(ctx: Ctx, [login]: string[]): void {
  if (login.toLowerCase() === ctx.fixture.org.login.toLowerCase()) return send(ctx, 200, userJson(ctx.base, ctx.fixture.org.login, "Organization", ctx.fixture.org.id));
  send(ctx, 200, userJson(ctx.base, login));
}

export function listUserOrgs(ctx: Ctx): void {
  const docs = "https://docs.github.com/rest/orgs/orgs#list-organizations-for-the-authenticated-user";
  if (!ctx.identity) return sendError(ctx, 401, "Requires authentication", docs);
  if (ctx.identity.installation) return notAccessibleByIntegration(ctx, docs);
  const fx = ctx.fixture;
  send(ctx, 200, isMember(fx, ctx.identity.user.login, ctx.state) ? [orgSimpleJson(ctx.base, fx)] : []);
}

/** 204 when the user is a member, 404 otherwise (GitHub's check-membership endpoint). */
export function checkMember(ctx: Ctx, [org, username]: string[]): void {
  const docs = "https://docs.github.com/rest/orgs/members#check-organization-membership-for-a-user";
  if (!ctx.identity) return sendError(ctx, 401, "Requires authentication", docs);
  // an App reads memberships with the Members (read) permission
  if (ctx.identity.installation && !hasScope(ctx.identity, "read:org")) return notAccessibleByIntegration(ctx, docs);
  if (!isOrg(ctx, org)) return notFound(ctx, docs);
  if (isMember(ctx.fixture, username, ctx.state)) {
    ctx.res.writeHead(204, ctx.extraHeaders);
    ctx.res.end();
    return;
  }
  notFound(ctx, docs);
}

/**
 * Remove an organization member (GitHub: 204, for an org owner's token with admin:org). Lets a
 * test take a member out of the org and watch the dashboard notice.
 */
export function removeMember(ctx: Ctx, [org, username]: string[]): void {
  const docs = "https://docs.github.com/rest/orgs/members#remove-an-organization-member";
  if (!ctx.identity) return sendError(ctx, 401, "Requires authentication", docs);
  if (ctx.identity.installation && !hasScope(ctx.identity, "admin:org")) return notAccessibleByIntegration(ctx, docs);
  if (!isOrg(ctx, org)) return notFound(ctx, docs);
  if (!hasScope(ctx.identity, "admin:org")) return sendError(ctx, 403, "Must have admin rights to Organization.", docs);
  ctx.state.removedMembers.add(username.toLowerCase());
  ctx.res.writeHead(204, ctx.extraHeaders);
  ctx.res.end();
}

export function getRateLimit(ctx: Ctx): void {
  const core = peek(ctx, "core");
  const graphql = peek(ctx, "graphql");
  const fmt = (w: typeof core) => ({ limit: w.limit, used: w.used, remaining: w.remaining, reset: w.reset });
  // GitHub always reports search; the fake serves none, so its window is never spent
  const search = { limit: 30, used: 0, remaining: 30, reset: Math.ceil(Date.now() / 60_000) * 60 };
  const body: components["schemas"]["rate-limit-overview"] = { resources: { core: fmt(core), graphql: fmt(graphql), search }, rate: fmt(core) };
  send(ctx, 200, body);
}
