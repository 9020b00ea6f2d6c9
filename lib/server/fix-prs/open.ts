import type { GitHubClient } from "@/lib/github/client";
import { GitHubError } from "@/lib/github/errors";
import { openOrUpdatePull, pushFixBranch, readBranchHead, readFileAt, WorkflowScopeError, type PullInfo } from "@/lib/github/fix-branch";
import type { Db } from "@/lib/server/db";
import { bodyFor, branchFor, commitMessage, titleFor } from "./body";
import { FixPrError, pickFindings, planFixes, type Candidate, type Skipped } from "./plan";

export interface OpenFixPrInput {
  org: string;
  repo: string;
  /** one finding (its id, stored fingerprint or SARIF fingerprint); absent: every fix of the repository */
  finding?: string;
  /** where the pull request body links back to */
  dashboardUrl: string;
  /** how the user knows the credentials in use, for the scope message ("GITHUB_TOKEN", "the GitHub App installation") */
  credentials: string;
  /** the credentials are a GitHub App installation (its permission is `workflows`, not a scope) */
  app?: boolean;
}

export interface FixPrResult {
  pullRequest: { number: number; url: string; branch: string; state: PullInfo["state"]; files: string[] };
  created: boolean;
  fixed: Array<{ id: number; ruleId: string; ref: string; path: string }>;
  skipped: Skipped[];
}

/** What to tell the user when GitHub will not let these credentials change a workflow file. */
export function workflowScopeMessage(path: string, credentials: string, app = false): string {
  const need = app
    ? "Give the GitHub App the `Workflows: write` permission (next to `Contents: write` and `Pull requests: write`) and accept it for the installation"
    : "Give the token the `workflow` scope (a classic personal access token needs `repo` and `workflow`; a fine-grained one `Contents`, `Pull requests` and `Workflows` write)";
  return `GitHub refuses to let ${credentials} change ${path}: files under .github/workflows/ can only be changed with the \`workflow\` scope${app ? " (`workflows` permission)" : ""}, which ${credentials} lacks. ${need}, then try again.`;
}

/**
 * Open the fix pull request of a repository (or of one finding), or update the open one: a branch
 * `cacheguard/…` from the default branch head with one commit per patched file, and a pull request
 * saying what breaks and why. Throws FixPrError with a message for the user.
 */
export async function openFixPullRequest(db: Db, gh: GitHubClient, input: OpenFixPrInput): Promise<FixPrResult> {
  const org = await db.org.findUnique({ where: { login: input.org } });
  const repo = org ? await db.repo.findUnique({ where: { orgId_name: { orgId: org.id, name: input.repo } } }) : null;
  const label = `${input.org}/${input.repo}`;
  if (!org || !repo) throw new FixPrError("not-found", `${label} is not in the stored scans: scan ${input.org} first (cacheguard scan --org ${input.org}).`);
  const candidates = await pickFindings(db, org.id, repo.id, label, input.finding);
  try {
    const head = await readBranchHead(gh, input.org, input.repo, repo.defaultBranch);
    const plan = await planFixes({
      db, orgId: org.id, org: input.org, repoId: repo.id, repo: input.repo, headSha: head.sha, candidates,
      single: input.finding !== undefined, current: (p) => readFileAt(gh, input.org, input.repo, p, repo.defaultBranch),
    });
    // a classic token says its scopes: refuse before writing anything GitHub would refuse anyway
    const workflow = plan.files.find((f) => f.path.startsWith(".github/workflows/"));
    if (workflow && head.scopes && !head.scopes.includes("workflow")) {
      throw new FixPrError("scope", workflowScopeMessage(workflow.path, input.credentials, input.app));
    }
    const single = input.finding !== undefined;
    const branch = branchFor(single ? [candidates[0].fingerprint] : null);
    const changes = plan.files.map((f) => ({ path: f.path, text: f.text, message: commitMessage(f) }));
    await pushFixBranch(gh, input.org, input.repo, branch, head, changes);
    const body = bodyFor({ org: input.org, repo: input.repo, dashboardUrl: input.dashboardUrl, fixed: plan.fixed, skipped: plan.skipped });
    const { pull, created } = await openOrUpdatePull(gh, input.org, input.repo, branch, repo.defaultBranch, titleFor(plan.fixed, single), body);
    const files = plan.files.map((f) => f.path);
    await record(db, org.id, input.repo, pull, plan.fixed, files);
    return {
      pullRequest: { number: pull.number, url: pull.url, branch, state: pull.state, files },
      created,
      fixed: plan.fixed.map((f) => ({ id: f.id, ruleId: f.ruleId, ref: f.ref, path: f.path })),
      skipped: plan.skipped,
    };
  } catch (e) {
    if (e instanceof FixPrError) throw e;
    if (e instanceof WorkflowScopeError) throw new FixPrError("scope", workflowScopeMessage(e.path, input.credentials, input.app));
    if (e instanceof GitHubError) throw new FixPrError("github", e.message);
    throw e;
  }
}

async function record(db: Db, orgId: number, repoName: string, pull: PullInfo, fixed: Candidate[], files: string[]) {
  const data = {
    url: pull.url, apiUrl: pull.apiUrl, branch: pull.branch, state: pull.state, headSha: pull.headSha,
    fingerprints: JSON.stringify([...new Set(fixed.map((f) => f.fingerprint))]), files: JSON.stringify(files), checkedAt: new Date(),
  };
  await db.fixPullRequest.upsert({
    where: { orgId_repoName_number: { orgId, repoName, number: pull.number } },
    create: { orgId, repoName, number: pull.number, ...data },
    update: data,
  });
}
