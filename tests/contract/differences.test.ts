/**
 * The differences the published descriptions found in the fake, one test each: the answer as the
 * fake used to give it (rebuilt from today's answer by undoing the fix) is refused by GitHub's
 * description, and today's answer is accepted. Each stays fixed, and the judges stay able to see it.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFixture } from "@/lib/demo/fake-github/fixture";
import { schema as fakeSchema } from "@/lib/demo/fake-github/graphql-schema";
import { type FakeGitHub, startFakeGitHub } from "@/lib/demo/fake-github/server";
import { DEMO_FIXTURE } from "../scan-helpers";
import { publishedGraphQLSchema } from "./descriptions";
import type { Exchange } from "./recording-proxy";
import { judgeRest } from "./rest-judge";
import { callAs, prepareWrites } from "./rest-write-probes";
import { tally } from "./tally";

type Body = Record<string, unknown>;
const omit = (o: unknown, keys: string[]): Body => Object.fromEntries(Object.entries(o as Body).filter(([k]) => !keys.includes(k)));

const SIMPLE_USER_ADDED = ["avatar_url", "gravatar_id", "html_url", "followers_url", "following_url", "gists_url", "starred_url", "subscriptions_url", "organizations_url", "repos_url", "events_url", "received_events_url", "user_view_type"];
const OLD_OWNER = (o: unknown) => omit(o, SIMPLE_USER_ADDED);
const REPO_ADDED = [
  "archive_url", "assignees_url", "blobs_url", "branches_url", "collaborators_url", "comments_url", "commits_url", "compare_url", "contributors_url", "deployments_url",
  "downloads_url", "events_url", "forks_url", "git_commits_url", "git_refs_url", "git_tags_url", "git_url", "issue_comment_url", "issue_events_url", "issues_url", "keys_url",
  "labels_url", "languages_url", "merges_url", "milestones_url", "notifications_url", "pulls_url", "releases_url", "ssh_url", "stargazers_url", "statuses_url", "subscribers_url",
  "subscription_url", "tags_url", "teams_url", "clone_url", "mirror_url", "hooks_url", "svn_url", "homepage", "language", "forks_count", "stargazers_count", "watchers_count",
  "open_issues_count", "is_template", "topics", "has_issues", "has_projects", "has_wiki", "has_pages", "has_downloads", "has_discussions", "allow_forking",
  "web_commit_signoff_required", "forks", "open_issues", "watchers", "license", "network_count", "subscribers_count", "organization",
];
const OLD_REPO = (r: unknown) => ({ ...omit(r, REPO_ADDED), owner: OLD_OWNER((r as Body).owner) });
/** a pull request's head.repo and base.repo, as the fix-PR routes first sent them: the lists' old repository subset */
const OLD_PULL = (p: unknown) => {
  const side = (s: unknown) => ({ ...(s as Body), repo: OLD_REPO((s as Body).repo) });
  return { ...(p as Body), head: side((p as Body).head), base: side((p as Body).base) };
};
const OLD_USER = (u: unknown) => omit(u, [...SIMPLE_USER_ADDED.filter((k) => k !== "avatar_url" && k !== "html_url"), "company", "blog", "location", "hireable", "bio", "twitter_username", "public_repos", "public_gists", "followers", "following", "created_at", "updated_at", "private_gists", "total_private_repos", "owned_private_repos", "disk_usage", "collaborators", "two_factor_authentication"]);

interface Difference {
  id: string;
  path: string;
  /** the answer as the fake gave it before the fix */
  before: (body: unknown) => unknown;
}

const DIFFERENCES: Difference[] = [
  { id: "GET /orgs/{org}/packages: owner lacked simple-user's avatar_url, gravatar_id, html_url and the *_url fields", path: "/orgs/acme/packages?package_type=container", before: (b) => (b as Body[]).map((p) => ({ ...p, owner: OLD_OWNER(p.owner) })) },
  { id: "GET /orgs/{org}/packages/{type}/{name}: owner lacked simple-user's fields; repository was not a minimal-repository", path: "/orgs/acme/packages/container/api", before: (p) => ({ ...(p as Body), owner: OLD_OWNER((p as Body).owner), repository: OLD_REPO((p as Body).repository) }) },
  { id: "GET /orgs/{org}/repos: items lacked minimal-repository's 40 *_url fields, counts and owner fields", path: "/orgs/acme/repos", before: (b) => (b as Body[]).map(OLD_REPO) },
  { id: "GET /repos/{owner}/{repo}: lacked full-repository's clone_url, forks, has_issues, license, network_count, subscribers_count, … ", path: "/repos/acme/api", before: OLD_REPO },
  { id: "GET /orgs/{org}: lacked organization-full's events_url, hooks_url, issues_url, public_members_url, has_*_projects, public_gists, followers, following, archived_at", path: "/orgs/acme", before: (o) => omit(o, ["events_url", "hooks_url", "issues_url", "public_members_url", "has_organization_projects", "has_repository_projects", "public_gists", "followers", "following", "archived_at"]) },
  { id: "GET /user: lacked private-user's profile, counts and *_url fields", path: "/user", before: OLD_USER },
  { id: "GET /users/{username}: lacked public-user's profile, counts and *_url fields", path: "/users/octocat", before: OLD_USER },
  { id: "GET /users/{org}: answered organization-full instead of a user-shaped account of type Organization", path: "/users/acme", before: (u) => ({ ...omit(u, ["gravatar_id", "followers_url", "following_url", "gists_url", "starred_url", "subscriptions_url", "organizations_url", "received_events_url", "site_admin", "user_view_type", "company", "blog", "location", "email", "hireable", "bio", "twitter_username"]), repos_url: "x", hooks_url: "x", has_organization_projects: true }) },
  { id: "GET /user/orgs: items lacked organization-simple's repos_url, events_url, hooks_url, issues_url, members_url, public_members_url, avatar_url", path: "/user/orgs", before: (b) => (b as Body[]).map((o) => omit(o, ["repos_url", "events_url", "hooks_url", "issues_url", "members_url", "public_members_url", "avatar_url"])) },
  { id: "GET /repos/{owner}/{repo}/pulls/{pull_number}: head.repo and base.repo lacked repository's *_url fields, counts, has_* flags and the owner's simple-user fields", path: "/repos/acme/api/pulls/1", before: OLD_PULL },
  { id: "GET /repos/{owner}/{repo}/pulls: items' head.repo and base.repo lacked repository's *_url fields, counts, has_* flags and the owner's simple-user fields", path: "/repos/acme/api/pulls", before: (b) => (b as Body[]).map(OLD_PULL) },
  { id: "GET /rate_limit: resources lacked the search window GitHub always reports", path: "/rate_limit", before: (b) => ({ ...(b as Body), resources: omit((b as Body).resources, ["search"]) }) },
  { id: "GET /repos/{owner}/{repo}/contents/{file}: lacked _links (self, git, html)", path: "/repos/acme/api/contents/.github/workflows/ci.yml", before: (f) => omit(f, ["_links"]) },
  { id: "GET /repos/{owner}/{repo}/contents/{dir}: entries lacked _links (self, git, html)", path: "/repos/acme/api/contents/.github/workflows", before: (b) => (b as Body[]).map((e) => omit(e, ["_links"])) },
];

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await startFakeGitHub({ fixture: DEMO_FIXTURE, port: 0, reload: "manual" });
  // an open pull request (#1) for the pulls differences
  await prepareWrites(callAs(fake.url));
});
afterAll(async () => {
  await fake?.close();
});

async function answer(p: string): Promise<Exchange> {
  const res = await fetch(`${fake.url}${p}`, { headers: { authorization: "Bearer demo-token" } });
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => { headers[k] = v; });
  return { method: "GET", url: p, requestBody: "", status: res.status, headers, body: await res.text() };
}

describe("differences found and fixed", () => {
  it.each(DIFFERENCES.map((d) => [d.id, d] as const))("%s", async (_id, d) => {
    const now = await answer(d.path);
    expect(judgeRest(now).problems).toEqual([]);
    const before = { ...now, body: JSON.stringify(d.before(JSON.parse(now.body))) };
    expect(judgeRest(before).problems.length, "the answer as it was must be refused").toBeGreaterThan(0);
    tally("differences found and fixed", d.id);
  });

  it("GraphQL Organization.repositories(ownerAffiliations:) had no default; GitHub's is [OWNER, COLLABORATOR]", () => {
    const arg = (s: typeof fakeSchema) => (s.getType("Organization") as unknown as { getFields(): Record<string, { args: Array<{ name: string; defaultValue: unknown }> }> }).getFields().repositories.args.find((a) => a.name === "ownerAffiliations")?.defaultValue;
    expect(arg(publishedGraphQLSchema())).toEqual(["OWNER", "COLLABORATOR"]);
    expect(arg(fakeSchema)).toEqual(arg(publishedGraphQLSchema()));
    tally("differences found and fixed", "GraphQL Organization.repositories(ownerAffiliations:) default");
  });

  it("a fixture package could be 'internal', a visibility GitHub's package schema does not have (public, private)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cg-contract-fx-"));
    try {
      cpSync(DEMO_FIXTURE, dir, { recursive: true });
      writeFileSync(path.join(dir, "packages", "api", "package.json"), JSON.stringify({ visibility: "internal" }));
      expect(() => loadFixture(dir)).toThrow(/visibility/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const now = await answer("/orgs/acme/packages/container/api");
    expect(judgeRest({ ...now, body: JSON.stringify({ ...JSON.parse(now.body), visibility: "internal" }) }).problems.join()).toMatch(/visibility/);
    tally("differences found and fixed", "package visibility 'internal'");
  });
});
