import { createHash } from "node:crypto";
import type { Fixture, FixturePackage, FixtureRepo } from "./fixture";
import { minimalRepoJson, orgSimpleJson, ownerJson, simpleUserJson } from "./shapes";
import { stableUserId } from "./rate-limit";

/**
 * Webhook deliveries as GitHub sends them to an organization hook: payloads held against GitHub's
 * webhook description (@octokit/openapi-webhooks, by event and action) by the contract suite, POSTed as JSON with `X-GitHub-Event`, `X-GitHub-Delivery`, `X-GitHub-Hook-ID`
 * and an HMAC `X-Hub-Signature-256` of the body under the hook's secret.
 */
export const WEBHOOK_EVENTS = ["ping", "push", "package", "registry_package", "repository", "installation", "installation_repositories", "workflow_run"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookRequest {
  event: WebhookEvent;
  /** the repository a push, repository or workflow_run event is about (default: the first one) */
  repo?: string;
  /** the package a package or registry_package event is about, and its tag (default: the first package, its first tag) */
  package?: string;
  tag?: string;
  /** the workflow file a workflow_run is about (default `.github/workflows/ci.yml`) */
  workflow?: string;
  /**
   * the action: `repository` created (default), renamed, archived, unarchived, deleted;
   * `installation_repositories` added (default) or removed; `package`/`registry_package` published (default) or updated
   */
  action?: string;
  /** `repository.renamed`: the old name */
  from?: string;
  /** a push as it happened (lib/demo/fake-github/server.ts `push`): the ref, the commits before and after, the files changed */
  push?: PushDetails;
}

/** What a push changed: the branch ref, the head before and after, and the paths its commit added, modified and removed. */
export interface PushDetails {
  ref?: string;
  before: string;
  after: string;
  message?: string;
  timestamp?: string;
  added: string[];
  modified: string[];
  removed: string[];
}

export interface Webhook { event: WebhookEvent; action: string | null; payload: object }

export const HOOK_ID = 4_201_001;
const SENDER = "octocat";
const WHEN = "2024-05-01T12:00:00Z";

function sender(base: string) {
  return simpleUserJson(base, SENDER, stableUserId(SENDER), "User");
}

function repoOf(fx: Fixture, name: string | undefined): FixtureRepo {
  const r = name ? fx.repos.get(name) : [...fx.repos.values()].find((x) => x.git);
  if (!r) throw new Error(`no repository ${name ?? ""} in the fixture`);
  return r;
}

function packageOf(fx: Fixture, name: string | undefined): FixturePackage {
  const p = name ? fx.packages.get(name) : [...fx.packages.values()][0];
  if (!p) throw new Error(`no package ${name ?? ""} in the fixture`);
  return p;
}

/** A repository as webhooks carry it: the REST shape plus what webhook payloads add. */
function webhookRepo(base: string, fx: Fixture, r: FixtureRepo) {
  return { ...minimalRepoJson(base, fx, r), disabled: false, has_downloads: true, pushed_at: r.pushedAt, created_at: r.createdAt, updated_at: r.pushedAt, license: null, default_branch: r.defaultBranch };
}

function installationRef(fx: Fixture) {
  return { id: fx.org.id * 10 + 1, node_id: `MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u${fx.org.id}` };
}

function ping(base: string, fx: Fixture) {
  const hookUrl = `${base}/orgs/${fx.org.login}/hooks/${HOOK_ID}`;
  return {
    zen: "Keep it logically awesome.",
    hook_id: HOOK_ID,
    hook: {
      type: "Organization",
      id: HOOK_ID,
      name: "web",
      active: true,
      events: [...WEBHOOK_EVENTS.filter((e) => e !== "ping")],
      config: { content_type: "json", insecure_ssl: "0", url: "https://cacheguard.example/api/webhooks" },
      updated_at: WHEN,
      created_at: WHEN,
      url: hookUrl,
      ping_url: `${hookUrl}/pings`,
      deliveries_url: `${hookUrl}/deliveries`,
    },
    organization: orgSimpleJson(base, fx),
    sender: sender(base),
  };
}

function push(base: string, fx: Fixture, r: FixtureRepo, details?: PushDetails) {
  const head = details?.after ?? r.git?.head.oid ?? "0".repeat(40);
  const before = details?.before ?? createHash("sha1").update(`before:${head}`).digest("hex");
  const full = `${fx.org.login}/${r.name}`;
  const author = { name: "The Octocat", email: "octocat@github.com", username: SENDER };
  const commit = {
    id: head,
    tree_id: r.git?.root.oid ?? "0".repeat(40),
    distinct: true,
    message: (details?.message ?? r.git?.head.message ?? "").trim(),
    timestamp: details?.timestamp ?? r.git?.head.committedDate ?? WHEN,
    url: `https://github.com/${full}/commit/${head}`,
    author,
    committer: author,
    added: details?.added ?? [],
    removed: details?.removed ?? [],
    modified: details?.modified ?? [".github/workflows/ci.yml"],
  };
  return {
    ref: details?.ref ?? `refs/heads/${r.defaultBranch}`,
    before,
    after: head,
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `https://github.com/${full}/compare/${before.slice(0, 12)}...${head.slice(0, 12)}`,
    commits: [commit],
    head_commit: commit,
    repository: { ...webhookRepo(base, fx, r), owner: { ...ownerJson(base, fx), name: fx.org.login, email: null } },
    pusher: { name: SENDER, email: "octocat@github.com" },
    organization: orgSimpleJson(base, fx),
    installation: installationRef(fx),
    sender: sender(base),
  };
}

function packageBody(base: string, fx: Fixture, p: FixturePackage, tag: string | undefined) {
  const manifest = [...p.manifests.values()].find((m) => (tag ? m.tags.includes(tag) : m.tags.length > 0)) ?? [...p.manifests.values()][0];
  const tags = manifest ? [...manifest.tags].sort() : [];
  const html = `https://github.com/orgs/${fx.org.login}/packages/container/package/${encodeURIComponent(p.name)}`;
  return {
    id: p.id,
    name: p.name,
    namespace: fx.org.login,
    description: null,
    ecosystem: "CONTAINER",
    package_type: "CONTAINER",
    html_url: html,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    owner: ownerJson(base, fx),
    package_version: {
      id: p.id * 10,
      version: manifest?.digest ?? "",
      name: manifest?.digest ?? "",
      summary: "",
      description: "",
      body: "",
      html_url: `https://github.com/orgs/${fx.org.login}/packages/container/${encodeURIComponent(p.name)}/${p.id * 10}`,
      created_at: manifest?.createdAt ?? p.createdAt,
      updated_at: manifest?.createdAt ?? p.updatedAt,
      metadata: [],
      container_metadata: { tag: { name: tags[0] ?? "", digest: manifest?.digest ?? "" }, labels: {}, manifest: {} },
      package_files: [],
      installation_command: `docker pull ghcr.io/${fx.org.login}/${p.name}:${tags[0] ?? "latest"}`,
      package_url: `ghcr.io/${fx.org.login}/${p.name}:${tags[0] ?? "latest"}`,
      author: ownerJson(base, fx),
    },
    registry: { about_url: "https://docs.github.com/packages/learn-github-packages/introduction-to-github-packages", name: "GitHub CONTAINER registry", type: "CONTAINER", url: `https://ghcr.io/${fx.org.login}`, vendor: "GitHub Inc" },
  };
}

/** An `updated` package version also names the release it came from (GitHub's description requires these). */
function updatedFields(fx: Fixture, p: FixturePackage) {
  const repo = p.repository ? fx.repos.get(p.repository) : undefined;
  return { body_html: "", target_commitish: repo?.defaultBranch ?? "main", target_oid: repo?.git?.head.oid ?? "" };
}

function packagePublished(base: string, fx: Fixture, p: FixturePackage, tag: string | undefined, action = "published") {
  const repo = p.repository ? fx.repos.get(p.repository) : undefined;
  const body = packageBody(base, fx, p, tag);
  return {
    action,
    package: action === "updated" ? { ...body, package_version: { ...body.package_version, ...updatedFields(fx, p) } } : body,
    ...(repo ? { repository: webhookRepo(base, fx, repo) } : {}),
    organization: orgSimpleJson(base, fx),
    installation: installationRef(fx),
    sender: sender(base),
  };
}

function registryPackagePublished(base: string, fx: Fixture, p: FixturePackage, tag: string | undefined, action = "published") {
  const { package_version, ...pkg } = packageBody(base, fx, p, tag);
  const repo = p.repository ? fx.repos.get(p.repository) : undefined;
  return {
    action,
    registry_package: { ...pkg, package_version: { ...package_version, metadata: [], rubygems_metadata: [], ...(action === "updated" ? updatedFields(fx, p) : {}) } },
    ...(repo ? { repository: webhookRepo(base, fx, repo) } : {}),
    organization: orgSimpleJson(base, fx),
    installation: installationRef(fx),
    sender: sender(base),
  };
}

function repositoryEvent(base: string, fx: Fixture, r: FixtureRepo, action: string, from?: string) {
  return {
    action,
    ...(action === "renamed" ? { changes: { repository: { name: { from: from ?? r.name } } } } : {}),
    repository: webhookRepo(base, fx, r),
    organization: orgSimpleJson(base, fx),
    installation: installationRef(fx),
    sender: sender(base),
  };
}

function installationJson(base: string, fx: Fixture) {
  const inst = installationRef(fx);
  return {
    id: inst.id,
    node_id: inst.node_id,
    app_id: 901_001,
    app_slug: "cacheguard",
    client_id: "Iv1.cacheguarddemo",
    target_id: fx.org.id,
    target_type: "Organization",
    account: ownerJson(base, fx),
    repository_selection: "all",
    access_tokens_url: `${base}/app/installations/${inst.id}/access_tokens`,
    repositories_url: `${base}/installation/repositories`,
    html_url: `https://github.com/organizations/${fx.org.login}/settings/installations/${inst.id}`,
    permissions: { contents: "read", metadata: "read", packages: "read", actions: "read", members: "read" },
    events: ["push", "package", "registry_package", "repository", "workflow_run"],
    created_at: WHEN,
    updated_at: WHEN,
    single_file_name: null,
    suspended_by: null,
    suspended_at: null,
  };
}

const installedRepo = (fx: Fixture, r: FixtureRepo) => ({ id: r.id, node_id: `R_${r.id}`, name: r.name, full_name: `${fx.org.login}/${r.name}`, private: r.isPrivate });

function installationRepositories(base: string, fx: Fixture, r: FixtureRepo, action: string) {
  return {
    action,
    installation: { ...installationJson(base, fx), repository_selection: "selected" },
    repository_selection: "selected",
    repositories_added: action === "added" ? [installedRepo(fx, r)] : [],
    repositories_removed: action === "removed" ? [installedRepo(fx, r)] : [],
    requester: null,
    organization: orgSimpleJson(base, fx),
    sender: sender(base),
  };
}

function installationCreated(base: string, fx: Fixture) {
  return {
    action: "created",
    installation: installationJson(base, fx),
    repositories: [...fx.repos.values()].map((r) => installedRepo(fx, r)),
    requester: null,
    organization: orgSimpleJson(base, fx),
    sender: sender(base),
  };
}

function workflowRunCompleted(base: string, fx: Fixture, r: FixtureRepo, workflow: string) {
  const full = `${fx.org.login}/${r.name}`;
  const u = `${base}/repos/${full}`;
  const workflowId = stableUserId(`${full}:${workflow}`);
  const runId = workflowId * 100 + 1;
  const head = r.git?.head.oid ?? "0".repeat(40);
  const author = { name: "The Octocat", email: "octocat@github.com" };
  const runRepo = { ...minimalRepoJson(base, fx, r) };
  const actor = sender(base);
  return {
    action: "completed",
    workflow: {
      id: workflowId,
      node_id: `W_${workflowId}`,
      name: workflow.replace(/^.*\//, "").replace(/\.ya?ml$/, ""),
      path: workflow,
      state: "active",
      created_at: WHEN,
      updated_at: WHEN,
      url: `${u}/actions/workflows/${workflowId}`,
      html_url: `https://github.com/${full}/blob/${r.defaultBranch}/${workflow}`,
      badge_url: `https://github.com/${full}/workflows/${encodeURIComponent(workflow)}/badge.svg`,
    },
    workflow_run: {
      id: runId,
      node_id: `WFR_${runId}`,
      name: workflow.replace(/^.*\//, "").replace(/\.ya?ml$/, ""),
      path: workflow,
      display_title: r.git?.head.message.trim().split("\n")[0] ?? "",
      head_branch: r.defaultBranch,
      head_sha: head,
      run_number: 1,
      run_attempt: 1,
      event: "push",
      status: "completed",
      conclusion: "success",
      workflow_id: workflowId,
      check_suite_id: runId * 10,
      check_suite_node_id: `CS_${runId}`,
      url: `${u}/actions/runs/${runId}`,
      html_url: `https://github.com/${full}/actions/runs/${runId}`,
      pull_requests: [],
      created_at: WHEN,
      updated_at: WHEN,
      run_started_at: WHEN,
      actor,
      triggering_actor: actor,
      jobs_url: `${u}/actions/runs/${runId}/jobs`,
      logs_url: `${u}/actions/runs/${runId}/logs`,
      check_suite_url: `${u}/check-suites/${runId * 10}`,
      artifacts_url: `${u}/actions/runs/${runId}/artifacts`,
      cancel_url: `${u}/actions/runs/${runId}/cancel`,
      rerun_url: `${u}/actions/runs/${runId}/rerun`,
      previous_attempt_url: null,
      workflow_url: `${u}/actions/workflows/${workflowId}`,
      head_commit: { id: head, tree_id: r.git?.root.oid ?? "0".repeat(40), message: r.git?.head.message.trim() ?? "", timestamp: r.git?.head.committedDate ?? WHEN, author, committer: author },
      repository: runRepo,
      head_repository: runRepo,
      referenced_workflows: [],
    },
    repository: webhookRepo(base, fx, r),
    organization: orgSimpleJson(base, fx),
    installation: installationRef(fx),
    sender: actor,
  };
}

/** The payload GitHub would send for `req` about the fixture's org, repos and packages. */
export function buildWebhook(base: string, fx: Fixture, req: WebhookRequest): Webhook {
  switch (req.event) {
    case "ping": return { event: "ping", action: null, payload: ping(base, fx) };
    case "push": return { event: "push", action: null, payload: push(base, fx, repoOf(fx, req.repo), req.push) };
    case "package": {
      const action = req.action ?? "published";
      return { event: "package", action, payload: packagePublished(base, fx, packageOf(fx, req.package), req.tag, action) };
    }
    case "registry_package": {
      const action = req.action ?? "published";
      return { event: "registry_package", action, payload: registryPackagePublished(base, fx, packageOf(fx, req.package), req.tag, action) };
    }
    case "repository": {
      const action = req.action ?? "created";
      return { event: "repository", action, payload: repositoryEvent(base, fx, repoOf(fx, req.repo), action, req.from) };
    }
    case "installation": return { event: "installation", action: "created", payload: installationCreated(base, fx) };
    case "installation_repositories": {
      const action = req.action ?? "added";
      return { event: "installation_repositories", action, payload: installationRepositories(base, fx, repoOf(fx, req.repo), action) };
    }
    case "workflow_run": return { event: "workflow_run", action: "completed", payload: workflowRunCompleted(base, fx, repoOf(fx, req.repo), req.workflow ?? ".github/workflows/ci.yml") };
  }
}

// how a built webhook is delivered, and the fake's push/repository-change requests
export * from "./webhook-delivery";
