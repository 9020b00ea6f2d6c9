/**
 * The probes of the fake's REST writes (a member removed; the Git Data API and pull requests a fix
 * pull request is built with), in the order the suite asks them: each route's list may lean on what
 * an earlier route wrote (a branch made by POST git/refs is the head of the pull request POST pulls
 * opens). Objects are made once beforehand (`prepareWrites`) so the probes know their ids: asking
 * again for the same blob, tree or commit (fixed dates) answers the same id, as git does.
 */

export type Token = "demo-token" | "demo-admin-token" | "no-scope-token" | "outsider-token" | "bad-token" | null
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

/** What the write probes refer to: the default branch head, and commits made on top of it. */
export interface Written { head: string; baseTree: string; tree: string; commit: string; workflowCommit: string }

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
  return { head, baseTree, tree, commit, workflowCommit };
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
  };
}
