import { gzipSync } from "node:zlib";

/**
 * The probes of the fake's REST writes (a member removed; the Git Data API and pull requests a fix
 * pull request is built with; issues, labels and comments; code-scanning SARIF uploads), in the order the suite asks them: each route's list may lean on what
 * an earlier route wrote (a branch made by POST git/refs is the head of the pull request POST pulls
 * opens). Objects are made once beforehand (`prepareWrites`) so the probes know their ids: asking
 * again for the same blob, tree or commit (fixed dates) answers the same id, as git does.
 */

export type Token = "demo-token" | "demo-admin-token" | "delete-token" | "no-scope-token" | "outsider-token" | "bad-token" | null
  // the fake's GitHub App: JWTs signed with its key (or not as GitHub wants them), and installation tokens it issued
  | AppToken;
export type AppToken =
  | "app-jwt" | "expired-jwt" | "long-jwt" | "future-iat-jwt" | "wrong-key-jwt" | "wrong-iss-jwt" | "garbage-jwt"
  | "installation-token" | "narrow-installation-token" | "readonly-installation-token" | "no-workflows-installation-token";

export interface Probe {
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  path: string;
  token?: Token;
  body?: unknown;
  status: number;
  /** asked of a server of its own: the write lasts for the server's lifetime and would change other answers */
  fresh?: boolean;
}

const API = "/repos/acme/api";
const ZERO = "0".repeat(40);
const PERSON = { name: "Contract Probe", email: "probe@example.com", date: "2024-01-15T10:00:00Z" };

const treeBody = (baseTree: string, path: string) => ({ base_tree: baseTree, tree: [{ path, mode: "100644", type: "blob", content: "probed\n" }] });
const commitBody = (tree: string, parent: string) => ({ message: "Contract probe", tree, parents: [parent], author: PERSON, committer: PERSON });

/** What the write probes refer to: the default branch head, commits made on top of it, SARIF uploads. */
export interface Written {
  head: string; baseTree: string; tree: string; commit: string; workflowCommit: string; sarifId: string; failedSarifId: string;
  /** the id of api's oldest package version (untagged), for the delete probes */
  versionId?: number;
}

const WEB = "/repos/acme/web";

/** A SARIF log as code scanning takes it: gzip, then Base64. */
export const sarifField = (log: unknown): string => gzipSync(Buffer.from(JSON.stringify(log))).toString("base64");
const SARIF_RUN = { tool: { driver: { name: "cacheguard", version: "0.1.0", rules: [] } }, results: [], automationDetails: { id: "cacheguard/" } };
const SARIF_LOG = { $schema: "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json", version: "2.1.0", runs: [SARIF_RUN] };
/** schema-valid, but over code scanning's 20 runs per upload: accepted, then its processing fails */
const SARIF_TOO_MANY_RUNS = { ...SARIF_LOG, runs: Array.from({ length: 21 }, () => SARIF_RUN) };

type Call = (method: string, path: string, body?: unknown) => Promise<Record<string, unknown>>;

/** Requests straight to a fake server (not recorded), for setting up what the probes then ask about. */
export const callAs = (base: string, token = "demo-token"): Call => async (method, path, body) =>
  (await (await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) })).json()) as Record<string, unknown>;

/**
 * A commit adding a file and one changing a workflow (which a token without `workflow` may not push),
 * and an open pull request from the branch `probe-open`, so the list and get probes see one.
 */
export async function prepareWrites(call: Call): Promise<Written> {
  const head = ((await call("GET", `${API}/git/ref/heads/main`)).object as { sha: string }).sha;
  const baseTree = ((await call("GET", `${API}/git/commits/${head}`)).tree as { sha: string }).sha;
  const tree = (await call("POST", `${API}/git/trees`, treeBody(baseTree, "probed.txt"))).sha as string;
  const commit = (await call("POST", `${API}/git/commits`, commitBody(tree, head))).sha as string;
  const wfTree = (await call("POST", `${API}/git/trees`, treeBody(baseTree, ".github/workflows/probed.yml"))).sha as string;
  const workflowCommit = (await call("POST", `${API}/git/commits`, commitBody(wfTree, head))).sha as string;
  await call("POST", `${API}/git/refs`, { ref: "refs/heads/probe-open", sha: commit });
  await call("POST", `${API}/pulls`, { title: "An open probe", head: "probe-open", base: "main", body: "Opened before the probes" });
  // issues of acme/web: #1 open with the cacheguard label and a comment, #2 closed
  await call("POST", `${WEB}/labels`, { name: "cacheguard", color: "b60205", description: "Found by cacheguard" });
  await call("POST", `${WEB}/issues`, { title: "Prepared open issue", body: "Opened before the probes", labels: ["cacheguard"] });
  await call("POST", `${WEB}/issues/1/comments`, { body: "A prepared comment" });
  await call("POST", `${WEB}/issues/1/comments`, { body: "Another prepared comment" });
  await call("POST", `${WEB}/issues`, { title: "Prepared closed issue" });
  await call("PATCH", `${WEB}/issues/2`, { state: "closed", state_reason: "not_planned" });
  const upload = (sarif: unknown) => call("POST", `${API}/code-scanning/sarifs`, { commit_sha: head, ref: "refs/heads/main", sarif: sarifField(sarif) });
  const sarifId = (await upload(SARIF_LOG)).id as string;
  const failedSarifId = (await upload(SARIF_TOO_MANY_RUNS)).id as string;
  const pkg = (await call("GET", "/orgs/acme/packages/container/api")) as { version_count: number };
  const oldest = (await call("GET", `/orgs/acme/packages/container/api/versions?per_page=1&page=${pkg.version_count}`)) as unknown as Array<{ id: number }>;
  return { head, baseTree, tree, commit, workflowCommit, sarifId, failedSarifId, versionId: oldest[0].id };
}

export function writeProbes(w: Written, installationId = 0): Record<string, Probe[]> {
  const post = (path: string, body: unknown, status: number, token?: Token): Probe => ({ method: "POST", path, body, status, token });
  const tokens = `/app/installations/${installationId}/access_tokens`;
  return {
    "POST /app/installations/:installation_id/access_tokens": [
      post(tokens, {}, 201, "app-jwt"),
      post(tokens, { permissions: { contents: "read", metadata: "read" } }, 201, "app-jwt"),
      post(tokens, { repositories: ["api"], permissions: { contents: "write" } }, 201, "app-jwt"),
      post(tokens, { permissions: { administration: "write" } }, 422, "app-jwt"),
      post(tokens, { permissions: { members: "write" } }, 422, "app-jwt"),
      post(tokens, { repositories: ["no-such-repo"] }, 422, "app-jwt"),
      post("/app/installations/1/access_tokens", {}, 404, "app-jwt"),
      post(tokens, {}, 401, "expired-jwt"),
      post(tokens, {}, 401, "wrong-key-jwt"),
      post(tokens, {}, 401, "demo-token"),
      post(tokens, {}, 401, "installation-token"),
      post(tokens, {}, 401, null),
    ],
    "DELETE /orgs/:org/members/:user": [
      { method: "DELETE", path: "/orgs/acme/members/monalisa", token: "demo-admin-token", status: 204, fresh: true },
      { method: "DELETE", path: "/orgs/acme/members/monalisa", token: "demo-token", status: 403 },
      { method: "DELETE", path: "/orgs/acme/members/monalisa", token: null, status: 401 },
      { method: "DELETE", path: "/orgs/nobody/members/monalisa", token: "demo-admin-token", status: 404 },
    ],
    // a clean-up's deletes (cacheguard cleanup --apply): GitHub asks for delete:packages before it looks the version up
    "DELETE /orgs/:org/packages/:type/:name/versions/:id": [
      { method: "DELETE", path: `/orgs/acme/packages/container/api/versions/${w.versionId}`, token: "delete-token", status: 204, fresh: true },
      { method: "DELETE", path: `/orgs/acme/packages/container/api/versions/${w.versionId}`, status: 403 },
      { method: "DELETE", path: "/orgs/acme/packages/container/api/versions/1", token: "no-scope-token", status: 403 },
      { method: "DELETE", path: `/orgs/acme/packages/container/api/versions/${w.versionId}`, token: null, status: 401 },
      { method: "DELETE", path: "/orgs/acme/packages/container/api/versions/1", token: "delete-token", status: 404 },
      { method: "DELETE", path: `/orgs/acme/packages/container/no-such-package/versions/${w.versionId}`, token: "delete-token", status: 404 },
      { method: "DELETE", path: `/orgs/acme/packages/container/api/versions/${w.versionId}`, token: "installation-token", status: 404 },
    ],
    "GET /repos/:owner/:repo/git/ref/:ref": [
      { path: `${API}/git/ref/heads/main`, status: 200 },
      { path: `${API}/git/ref/heads%2Fmain`, status: 200 },
      { path: `${API}/git/ref/heads/probe-open`, status: 200 },
      { path: `${API}/git/ref/heads/no-such-branch`, status: 404 },
      { path: "/repos/acme/payments/git/ref/heads/main", token: "outsider-token", status: 404 },
      { path: "/repos/acme/sandbox/git/ref/heads/main", status: 409 },
    ],
    "GET /repos/:owner/:repo/git/commits/:sha": [
      { path: `${API}/git/commits/${w.head}`, status: 200 },
      { path: `${API}/git/commits/${w.commit}`, status: 200 },
      { path: `${API}/git/commits/${ZERO}`, status: 404 },
    ],
    "POST /repos/:owner/:repo/git/blobs": [
      post(`${API}/git/blobs`, { content: "probed\n", encoding: "utf-8" }, 201),
      post(`${API}/git/blobs`, { content: Buffer.from("probed\n").toString("base64"), encoding: "base64" }, 201),
      post(`${API}/git/blobs`, { encoding: "utf-8" }, 422),
      post(`${API}/git/blobs`, { content: "x" }, 401, null),
      post("/repos/acme/payments/git/blobs", { content: "x" }, 404, "outsider-token"),
      post(`${API}/git/blobs`, { content: "probed by the App\n", encoding: "utf-8" }, 201, "installation-token"),
      post(`${API}/git/blobs`, { content: "x" }, 403, "readonly-installation-token"),
      // a private repository outside the token's repositories is hidden, as from anyone who may not see it
      post("/repos/acme/payments/git/blobs", { content: "x" }, 404, "narrow-installation-token"),
      post("/repos/acme/web/git/blobs", { content: "x" }, 403, "narrow-installation-token"),
    ],
    "POST /repos/:owner/:repo/git/trees": [
      post(`${API}/git/trees`, treeBody(w.baseTree, "probed.txt"), 201),
      post(`${API}/git/trees`, { tree: [{ path: "only.txt", mode: "100644", type: "blob", content: "alone\n" }] }, 201),
      post(`${API}/git/trees`, { base_tree: ZERO, tree: [] }, 422),
      post(`${API}/git/trees`, { tree: [{ path: "/absolute", mode: "100644", type: "blob", content: "x" }] }, 422),
      post(`${API}/git/trees`, { tree: [] }, 401, null),
    ],
    "POST /repos/:owner/:repo/git/commits": [
      post(`${API}/git/commits`, commitBody(w.tree, w.head), 201),
      post(`${API}/git/commits`, { message: "no tree", tree: ZERO }, 422),
      post(`${API}/git/commits`, commitBody(w.tree, ZERO), 422),
      post("/repos/acme/nothing/git/commits", commitBody(w.tree, w.head), 404),
    ],
    "POST /repos/:owner/:repo/git/refs": [
      post(`${API}/git/refs`, { ref: "refs/heads/probe", sha: w.commit }, 201),
      post(`${API}/git/refs`, { ref: "refs/heads/probe", sha: w.commit }, 422),
      post(`${API}/git/refs`, { ref: "probe", sha: w.commit }, 422),
      post(`${API}/git/refs`, { ref: "refs/heads/probe-missing", sha: ZERO }, 422),
      // demo-token here lacks the workflow scope
      post(`${API}/git/refs`, { ref: "refs/heads/probe-workflow", sha: w.workflowCommit }, 422),
      // an App without the Workflows (write) permission is refused the same way
      post(`${API}/git/refs`, { ref: "refs/heads/probe-app-workflow", sha: w.workflowCommit }, 422, "no-workflows-installation-token"),
      post(`${API}/git/refs`, { ref: "refs/heads/probe-app", sha: w.commit }, 201, "installation-token"),
    ],
    "PATCH /repos/:owner/:repo/git/refs/:ref": [
      { method: "PATCH", path: `${API}/git/refs/heads/probe`, body: { sha: w.commit }, status: 200 },
      { method: "PATCH", path: `${API}/git/refs/heads/probe`, body: { sha: w.head }, status: 422 },
      { method: "PATCH", path: `${API}/git/refs/heads/probe`, body: { sha: w.head, force: true }, status: 200 },
      { method: "PATCH", path: `${API}/git/refs/heads/probe`, body: { sha: w.commit }, status: 200 },
      { method: "PATCH", path: `${API}/git/refs/heads/no-such-branch`, body: { sha: w.commit }, status: 422 },
    ],
    "GET /repos/:owner/:repo/pulls": [
      { path: `${API}/pulls`, status: 200 },
      { path: `${API}/pulls?state=all&head=acme:probe-open&base=main`, status: 200 },
      { path: `${API}/pulls?state=closed`, status: 200 },
      { path: "/repos/acme/nothing/pulls", status: 404 },
    ],
    "POST /repos/:owner/:repo/pulls": [
      post(`${API}/pulls`, { title: "Probe", head: "probe", base: "main", body: "A probe" }, 201),
      post(`${API}/pulls`, { title: "Probe again", head: "acme:probe", base: "main" }, 422),
      post(`${API}/pulls`, { head: "probe", base: "main" }, 422),
      post(`${API}/pulls`, { title: "No branch", head: "no-such-branch", base: "main" }, 422),
      post(`${API}/pulls`, { title: "Probe", head: "probe", base: "main" }, 401, null),
      post(`${API}/pulls`, { title: "Probe by the App", head: "probe-app", base: "main" }, 403, "readonly-installation-token"),
      post(`${API}/pulls`, { title: "Probe by the App", head: "probe-app", base: "main" }, 201, "installation-token"),
    ],
    "GET /repos/:owner/:repo/pulls/:number": [
      { path: `${API}/pulls/1`, status: 200 },
      { path: `${API}/pulls/2`, status: 200 },
      { path: `${API}/pulls/999`, status: 404 },
    ],
    "PATCH /repos/:owner/:repo/pulls/:number": [
      { method: "PATCH", path: `${API}/pulls/2`, body: { title: "Probe, retitled", body: "Edited" }, status: 200 },
      { method: "PATCH", path: `${API}/pulls/2`, body: { state: "closed" }, status: 200 },
      { method: "PATCH", path: `${API}/pulls/999`, body: { title: "x" }, status: 404 },
      { method: "PATCH", path: `${API}/pulls/2`, body: { title: "x" }, token: null, status: 401 },
    ],
    "PUT /repos/:owner/:repo/pulls/:number/merge": [
      { method: "PUT", path: `${API}/pulls/1/merge`, body: { sha: ZERO }, status: 409 },
      { method: "PUT", path: `${API}/pulls/1/merge`, body: { merge_method: "merge" }, status: 200 },
      // the merged pull request: merged, merged_by, merge_commit_sha
      { path: `${API}/pulls/1`, status: 200 },
      { path: `${API}/pulls?state=closed&per_page=1`, status: 200 },
      { path: `${API}/pulls?state=closed&per_page=1&page=2`, status: 200 },
      { method: "PUT", path: `${API}/pulls/1/merge`, body: {}, status: 405 },
      { method: "PUT", path: `${API}/pulls/2/merge`, body: {}, status: 405 },
      { method: "PUT", path: `${API}/pulls/999/merge`, body: {}, status: 404 },
      { method: "PUT", path: `${API}/pulls/1/merge`, body: {}, token: null, status: 401 },
    ],
    "GET /repos/:owner/:repo/issues": [
      { path: `${WEB}/issues`, status: 200 },
      { path: `${WEB}/issues?state=all&labels=cacheguard&creator=octocat&per_page=100`, status: 200 },
      { path: `${WEB}/issues?state=all&per_page=1`, status: 200 },
      { path: `${WEB}/issues?state=all&per_page=1&page=2`, status: 200 },
      { path: `${WEB}/issues?state=closed&sort=updated&direction=asc`, status: 200 },
      // pull requests are issues too, with pull_request
      { path: `${API}/issues?state=all`, status: 200 },
      { path: `${WEB}/issues?state=bogus`, status: 422 },
      { path: `${WEB}/issues`, token: null, status: 200 },
      { path: "/repos/acme/payments/issues", token: "outsider-token", status: 404 },
      { path: "/repos/acme/nothing/issues", status: 404 },
    ],
    "POST /repos/:owner/:repo/issues": [
      post(`${WEB}/issues`, { title: "cacheguard: Docker build cache findings", body: "A probe", labels: ["cacheguard", "new-label"] }, 201),
      post(`${WEB}/issues`, { title: 42 }, 201),
      // anyone may open an issue on a public repository; the labels of someone without push access are dropped
      post(`${WEB}/issues`, { title: "From outside", labels: ["cacheguard"] }, 201, "outsider-token"),
      post(`${WEB}/issues`, { body: "no title" }, 422),
      post(`${WEB}/issues`, { title: "Body of the wrong type", body: 5 }, 422),
      post(`${WEB}/issues`, { title: "x" }, 401, null),
      post("/repos/acme/payments/issues", { title: "x" }, 404, "outsider-token"),
      post("/repos/acme/nothing/issues", { title: "x" }, 404),
    ],
    "GET /repos/:owner/:repo/issues/:number": [
      { path: `${WEB}/issues/1`, status: 200 },
      { path: `${WEB}/issues/2`, status: 200 },
      { path: `${API}/issues/1`, status: 200 },
      { path: `${WEB}/issues/999`, status: 404 },
    ],
    "PATCH /repos/:owner/:repo/issues/:number": [
      { method: "PATCH", path: `${WEB}/issues/1`, body: { body: "Edited by a probe" }, status: 200 },
      { method: "PATCH", path: `${WEB}/issues/1`, body: { state: "closed", state_reason: "completed" }, status: 200 },
      { method: "PATCH", path: `${WEB}/issues/1`, body: { state: "open" }, status: 200 },
      { method: "PATCH", path: `${WEB}/issues/1`, body: { labels: ["cacheguard", "bug"] }, status: 200 },
      { method: "PATCH", path: `${API}/issues/2`, body: { title: "A pull request retitled through its issue" }, status: 200 },
      { method: "PATCH", path: `${WEB}/issues/1`, body: { state: "bogus" }, status: 422 },
      { method: "PATCH", path: `${WEB}/issues/999`, body: { state: "closed" }, status: 404 },
      { method: "PATCH", path: `${WEB}/issues/1`, body: { state: "closed" }, token: "outsider-token", status: 404 },
      { method: "PATCH", path: `${WEB}/issues/1`, body: { state: "closed" }, token: null, status: 401 },
    ],
    "GET /repos/:owner/:repo/issues/:number/comments": [
      { path: `${WEB}/issues/1/comments`, status: 200 },
      { path: `${WEB}/issues/1/comments?per_page=1`, status: 200 },
      { path: `${WEB}/issues/1/comments?per_page=1&page=2`, status: 200 },
      { path: `${WEB}/issues/2/comments`, status: 200 },
      { path: `${WEB}/issues/999/comments`, status: 404 },
    ],
    "POST /repos/:owner/:repo/issues/:number/comments": [
      post(`${WEB}/issues/1/comments`, { body: "Fixed as of scan #2. Closing." }, 201),
      post(`${API}/issues/1/comments`, { body: "On a pull request's conversation" }, 201),
      post(`${WEB}/issues/1/comments`, { body: "From outside" }, 201, "outsider-token"),
      post(`${WEB}/issues/1/comments`, {}, 422),
      post(`${WEB}/issues/999/comments`, { body: "x" }, 404),
      post(`${WEB}/issues/1/comments`, { body: "x" }, 401, null),
    ],
    "POST /repos/:owner/:repo/labels": [
      post(`${WEB}/labels`, { name: "probe-label", color: "0e8a16", description: "Made by a probe" }, 201),
      post(`${WEB}/labels`, { name: "Probe-Label" }, 422),
      post(`${WEB}/labels`, { name: "bug" }, 422),
      post(`${WEB}/labels`, { name: "red", color: "red" }, 422),
      post(`${WEB}/labels`, { color: "ffffff" }, 422),
      post(`${WEB}/labels`, { name: "x" }, 404, "outsider-token"),
      post(`${WEB}/labels`, { name: "x" }, 401, null),
    ],
    "GET /repos/:owner/:repo/labels/:name": [
      { path: `${WEB}/labels/cacheguard`, status: 200 },
      { path: `${WEB}/labels/good%20first%20issue`, status: 200 },
      { path: `${WEB}/labels/BUG`, status: 200 },
      { path: `${WEB}/labels/no-such-label`, status: 404 },
    ],
    "POST /repos/:owner/:repo/code-scanning/sarifs": [
      post(`${API}/code-scanning/sarifs`, { commit_sha: w.head, ref: "refs/heads/main", sarif: sarifField(SARIF_LOG) }, 202),
      post(`${API}/code-scanning/sarifs`, { commit_sha: w.head, ref: "refs/pull/1/head", sarif: sarifField(SARIF_LOG), tool_name: "cacheguard", validate: true }, 202),
      post(`${API}/code-scanning/sarifs`, { commit_sha: w.head, ref: "refs/heads/main", sarif: sarifField(SARIF_TOO_MANY_RUNS) }, 202),
      // a run without a driver name is not SARIF 2.1.0
      post(`${API}/code-scanning/sarifs`, { commit_sha: w.head, ref: "refs/heads/main", sarif: sarifField({ version: "2.1.0", runs: [{ tool: { driver: {} } }] }) }, 400),
      post(`${API}/code-scanning/sarifs`, { commit_sha: w.head, ref: "refs/heads/main", sarif: "not base64!" }, 400),
      post(`${API}/code-scanning/sarifs`, { commit_sha: w.head, ref: "refs/heads/main", sarif: Buffer.from(JSON.stringify(SARIF_LOG)).toString("base64") }, 400),
      post(`${API}/code-scanning/sarifs`, { commit_sha: w.head, ref: "refs/heads/main", sarif: gzipSync(Buffer.from("{\"version\": ")).toString("base64") }, 400),
      post(`${API}/code-scanning/sarifs`, { commit_sha: "abc", ref: "refs/heads/main", sarif: sarifField(SARIF_LOG) }, 422),
      post(`${API}/code-scanning/sarifs`, { commit_sha: w.head, ref: "main", sarif: sarifField(SARIF_LOG) }, 422),
      post(`${API}/code-scanning/sarifs`, { commit_sha: w.head, ref: "refs/heads/main" }, 422),
      post(`${API}/code-scanning/sarifs`, { commit_sha: w.head, ref: "refs/heads/main", sarif: sarifField(SARIF_LOG), category: "x" }, 422),
      post(`${API}/code-scanning/sarifs`, { commit_sha: w.head, ref: "refs/heads/main", sarif: sarifField(SARIF_LOG) }, 403, "no-scope-token"),
      post(`${API}/code-scanning/sarifs`, { commit_sha: w.head, ref: "refs/heads/main", sarif: sarifField(SARIF_LOG) }, 403, "outsider-token"),
      // private without GitHub Advanced Security (the contract fixture turns it off), and archived
      post("/repos/acme/payments/code-scanning/sarifs", { commit_sha: w.head, ref: "refs/heads/main", sarif: sarifField(SARIF_LOG) }, 403),
      post("/repos/acme/legacy-monolith/code-scanning/sarifs", { commit_sha: w.head, ref: "refs/heads/master", sarif: sarifField(SARIF_LOG) }, 403),
      post("/repos/acme/payments/code-scanning/sarifs", { commit_sha: w.head, ref: "refs/heads/main", sarif: sarifField(SARIF_LOG) }, 404, "outsider-token"),
      post("/repos/acme/nothing/code-scanning/sarifs", { commit_sha: w.head, ref: "refs/heads/main", sarif: sarifField(SARIF_LOG) }, 404),
      post(`${API}/code-scanning/sarifs`, { commit_sha: w.head, ref: "refs/heads/main", sarif: sarifField(SARIF_LOG) }, 401, null),
    ],
    "GET /repos/:owner/:repo/code-scanning/sarifs/:sarif_id": [
      { path: `${API}/code-scanning/sarifs/${w.sarifId}`, status: 200 },
      { path: `${API}/code-scanning/sarifs/${w.failedSarifId}`, status: 200 },
      { path: `${API}/code-scanning/sarifs/47177e22-5596-11eb-80a1-c1e54ef945c6`, status: 404 },
      // an upload of another repository is not this one's
      { path: `${WEB}/code-scanning/sarifs/${w.sarifId}`, status: 404 },
      { path: `${API}/code-scanning/sarifs/${w.sarifId}`, token: "no-scope-token", status: 403 },
      { path: `${API}/code-scanning/sarifs/${w.sarifId}`, token: null, status: 401 },
    ],
  };
}
