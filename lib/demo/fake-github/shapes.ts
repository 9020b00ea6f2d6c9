import type { Fixture, FixturePackage, FixtureRepo } from "./fixture";
import { stableUserId } from "./rate-limit";

/** JSON bodies in the shapes api.github.com returns (the fields clients actually read, plus a few). */

export function orgJson(base: string, fx: Fixture, visibleRepos: number) {
  const login = fx.org.login;
  return {
    login,
    id: fx.org.id,
    node_id: `O_${fx.org.id}`,
    url: `${base}/orgs/${login}`,
    repos_url: `${base}/orgs/${login}/repos`,
    members_url: `${base}/orgs/${login}/members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${fx.org.id}?v=4`,
    description: null,
    name: fx.org.name ?? login,
    html_url: `https://github.com/${login}`,
    public_repos: visibleRepos,
    type: "Organization",
    created_at: "2024-01-15T10:00:00Z",
    updated_at: "2024-01-15T10:00:00Z",
  };
}

export function ownerJson(base: string, fx: Fixture) {
  return { login: fx.org.login, id: fx.org.id, node_id: `O_${fx.org.id}`, type: "Organization", url: `${base}/users/${fx.org.login}`, site_admin: false };
}

export function repoJson(base: string, fx: Fixture, r: FixtureRepo) {
  const full = `${fx.org.login}/${r.name}`;
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
    url: `${base}/repos/${full}`,
    contents_url: `${base}/repos/${full}/contents/{+path}`,
    trees_url: `${base}/repos/${full}/git/trees{/sha}`,
    created_at: r.createdAt,
    updated_at: r.pushedAt,
    pushed_at: r.pushedAt,
    size: r.git ? Math.ceil([...r.git.byPath.values()].reduce((n, o) => n + (o.kind === "blob" ? o.bytes.length : 0), 0) / 1024) : 0,
    archived: r.archived,
    disabled: false,
    visibility: r.isPrivate ? "private" : "public",
    default_branch: r.defaultBranch,
    permissions: { admin: false, maintain: false, push: false, triage: false, pull: true },
  };
}

export function userJson(base: string, login: string) {
  const id = stableUserId(login);
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    url: `${base}/users/${login}`,
    html_url: `https://github.com/${login}`,
    type: "User",
    site_admin: false,
    name: login,
    email: null,
  };
}

export function packageJson(base: string, fx: Fixture, p: FixturePackage, repo: FixtureRepo | undefined) {
  return {
    id: p.id,
    name: p.name,
    package_type: "container",
    owner: ownerJson(base, fx),
    version_count: p.manifests.size + p.untaggedVersions,
    visibility: p.visibility,
    url: `${base}/orgs/${fx.org.login}/packages/container/${encodeURIComponent(p.name)}`,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    ...(repo ? { repository: repoJson(base, fx, repo) } : {}),
    html_url: `https://github.com/orgs/${fx.org.login}/packages/container/package/${encodeURIComponent(p.name)}`,
  };
}
