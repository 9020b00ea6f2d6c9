import type { components } from "@octokit/openapi-types";
import type { Fixture, FixturePackage, FixtureRepo } from "./fixture";
import { stableUserId } from "./rate-limit";

/**
 * JSON bodies as api.github.com returns them, typed by GitHub's own description
 * (@octokit/openapi-types): a field GitHub always sends cannot be left out here, and the contract
 * suite holds the answers against the description's schemas at run time (tests/contract).
 */
type Schemas = components["schemas"];
/** ids are int64 (number | bigint) in the REST description, plain numbers in the webhook one: the fake's are numbers */
export type SimpleUser = Omit<Schemas["simple-user"], "id" | "gravatar_id"> & { id: number; gravatar_id: string };
export type FullRepository = Schemas["full-repository"];
export type MinimalRepository = Schemas["minimal-repository"];

const FIXTURE_TIME = "2024-01-15T10:00:00Z";

/**
 * A user or organization as GitHub embeds it (`owner` of repositories and packages): the simple-user
 * shape. An App's bot (`slug[bot]`, type Bot) has its login escaped in its URLs and its page at /apps/.
 */
export function simpleUserJson(base: string, login: string, id: number, type: "User" | "Organization" | "Bot"): SimpleUser {
  const u = `${base}/users/${encodeURIComponent(login)}`;
  const bot = /^(.+)\[bot\]$/.exec(login);
  return {
    login,
    id,
    node_id: `${type === "Organization" ? "O" : type === "Bot" ? "BOT" : "U"}_${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: "",
    url: u,
    html_url: bot ? `https://github.com/apps/${bot[1]}` : `https://github.com/${login}`,
    followers_url: `${u}/followers`,
    following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`,
    starred_url: `${u}/starred{/owner}{/repo}`,
    subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`,
    repos_url: `${u}/repos`,
    events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`,
    type,
    user_view_type: "public",
    site_admin: false,
  };
}

export function ownerJson(base: string, fx: Fixture): SimpleUser {
  return simpleUserJson(base, fx.org.login, fx.org.id, "Organization");
}

/** GET /user/orgs: the organization-simple shape. */
export function orgSimpleJson(base: string, fx: Fixture): Schemas["organization-simple"] {
  const login = fx.org.login;
  const u = `${base}/orgs/${login}`;
  return {
    login,
    id: fx.org.id,
    node_id: `O_${fx.org.id}`,
    url: u,
    repos_url: `${u}/repos`,
    events_url: `${u}/events`,
    hooks_url: `${u}/hooks`,
    issues_url: `${u}/issues`,
    members_url: `${u}/members{/member}`,
    public_members_url: `${u}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${fx.org.id}?v=4`,
    description: null,
  };
}

/** GET /orgs/{org}: organization-full, as anyone may read it (the admin-only fields left out, as GitHub does). */
export function orgJson(base: string, fx: Fixture, visibleRepos: number): Schemas["organization-full"] {
  return {
    ...orgSimpleJson(base, fx),
    name: fx.org.name ?? fx.org.login,
    html_url: `https://github.com/${fx.org.login}`,
    has_organization_projects: true,
    has_repository_projects: true,
    public_repos: visibleRepos,
    public_gists: 0,
    followers: 0,
    following: 0,
    type: "Organization",
    created_at: FIXTURE_TIME,
    updated_at: FIXTURE_TIME,
    archived_at: null,
  };
}

/** The repository shape of lists (`GET /orgs/{org}/repos`, a package's `repository`): minimal-repository. */
export function minimalRepoJson(base: string, fx: Fixture, r: FixtureRepo): Omit<MinimalRepository, "id" | "owner"> & { id: number; owner: SimpleUser } & FullRepositoryUrls {
  const full = `${fx.org.login}/${r.name}`;
  const u = `${base}/repos/${full}`;
  return {
    id: r.id,
    node_id: `R_${r.id}`,
    name: r.name,
    full_name: full,
    private: r.isPrivate,
    owner: ownerJson(base, fx),
    html_url: `https://github.com/${full}`,
    description: r.description,
    fork: r.fork,
    url: u,
    archive_url: `${u}/{archive_format}{/ref}`,
    assignees_url: `${u}/assignees{/user}`,
    blobs_url: `${u}/git/blobs{/sha}`,
    branches_url: `${u}/branches{/branch}`,
    collaborators_url: `${u}/collaborators{/collaborator}`,
    comments_url: `${u}/comments{/number}`,
    commits_url: `${u}/commits{/sha}`,
    compare_url: `${u}/compare/{base}...{head}`,
    contents_url: `${u}/contents/{+path}`,
    contributors_url: `${u}/contributors`,
    deployments_url: `${u}/deployments`,
    downloads_url: `${u}/downloads`,
    events_url: `${u}/events`,
    forks_url: `${u}/forks`,
    git_commits_url: `${u}/git/commits{/sha}`,
    git_refs_url: `${u}/git/refs{/sha}`,
    git_tags_url: `${u}/git/tags{/sha}`,
    git_url: `git://github.com/${full}.git`,
    issue_comment_url: `${u}/issues/comments{/number}`,
    issue_events_url: `${u}/issues/events{/number}`,
    issues_url: `${u}/issues{/number}`,
    keys_url: `${u}/keys{/key_id}`,
    labels_url: `${u}/labels{/name}`,
    languages_url: `${u}/languages`,
    merges_url: `${u}/merges`,
    milestones_url: `${u}/milestones{/number}`,
    notifications_url: `${u}/notifications{?since,all,participating}`,
    pulls_url: `${u}/pulls{/number}`,
    releases_url: `${u}/releases{/id}`,
    ssh_url: `git@github.com:${full}.git`,
    stargazers_url: `${u}/stargazers`,
    statuses_url: `${u}/statuses/{sha}`,
    subscribers_url: `${u}/subscribers`,
    subscription_url: `${u}/subscription`,
    tags_url: `${u}/tags`,
    teams_url: `${u}/teams`,
    trees_url: `${u}/git/trees{/sha}`,
    clone_url: `https://github.com/${full}.git`,
    mirror_url: null,
    hooks_url: `${u}/hooks`,
    svn_url: `https://github.com/${full}`,
    homepage: null,
    language: null,
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    size: r.git ? Math.ceil([...r.git.byPath.values()].reduce((n, o) => n + (o.kind === "blob" ? o.bytes.length : 0), 0) / 1024) : 0,
    default_branch: r.defaultBranch,
    open_issues_count: 0,
    is_template: false,
    topics: r.topics,
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: r.archived,
    disabled: false,
    visibility: r.isPrivate ? "private" : "public",
    pushed_at: r.pushedAt,
    created_at: r.createdAt,
    updated_at: r.pushedAt,
    permissions: { admin: false, maintain: false, push: false, triage: false, pull: true },
    allow_forking: true,
    web_commit_signoff_required: false,
    forks: 0,
    open_issues: 0,
    watchers: 0,
    license: null,
  };
}

/** minimal-repository leaves these optional; full-repository requires them, and the list carries them too */
type FullRepositoryUrls = Pick<FullRepository, "clone_url" | "git_url" | "mirror_url" | "ssh_url" | "svn_url" | "homepage" | "language" | "size" | "default_branch" | "pushed_at" | "license">;

/** GET /repos/{owner}/{repo}: full-repository. */
export function repoJson(base: string, fx: Fixture, r: FixtureRepo): FullRepository {
  return fullRepoFields(base, fx, r);
}

/** A pull request's head.repo and base.repo: GitHub's `repository` shape (the same fields; it also requires has_downloads). */
export function pullRepoJson(base: string, fx: Fixture, r: FixtureRepo): Schemas["repository"] {
  return { ...fullRepoFields(base, fx, r), has_downloads: true };
}

function fullRepoFields(base: string, fx: Fixture, r: FixtureRepo) {
  const min = minimalRepoJson(base, fx, r);
  return {
    ...min,
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    open_issues_count: 0,
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    archived: r.archived,
    disabled: false,
    created_at: r.createdAt,
    updated_at: r.pushedAt,
    forks: 0,
    open_issues: 0,
    watchers: 0,
    network_count: 0,
    subscribers_count: 0,
    organization: ownerJson(base, fx),
    permissions: { admin: false, maintain: false, push: false, triage: false, pull: true },
  };
}

/** GET /users/{username} (and the org's login there): public-user; GET /user adds the private fields. */
export function userJson(base: string, login: string, type: "User" | "Organization" = "User", id = stableUserId(login)): Schemas["public-user"] {
  return {
    ...simpleUserJson(base, login, id, type),
    name: login,
    company: null,
    blog: "",
    location: null,
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: FIXTURE_TIME,
    updated_at: FIXTURE_TIME,
  };
}

export function authenticatedUserJson(base: string, login: string): Schemas["private-user"] {
  return {
    ...userJson(base, login),
    user_view_type: "private",
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: false,
  };
}

export function packageJson(base: string, fx: Fixture, p: FixturePackage, repo: FixtureRepo | undefined): Schemas["package"] {
  return {
    id: p.id,
    name: p.name,
    package_type: "container",
    owner: ownerJson(base, fx),
    version_count: p.manifests.size + p.untaggedVersions - (p.deletedDigests?.size ?? 0),
    visibility: p.visibility,
    url: `${base}/orgs/${fx.org.login}/packages/container/${encodeURIComponent(p.name)}`,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    ...(repo ? { repository: minimalRepoJson(base, fx, repo) } : {}),
    html_url: `https://github.com/orgs/${fx.org.login}/packages/container/package/${encodeURIComponent(p.name)}`,
  };
}
