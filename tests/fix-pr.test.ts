import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { run as pr } from "@/lib/cli/commands/pr";
import { createGitHub } from "@/lib/github/client";
import { pushFixBranch, readBranchHead, WorkflowScopeError } from "@/lib/github/fix-branch";
import { FixPrError, openFixPullRequest } from "@/lib/server/fix-prs";
import { runScan } from "@/lib/server/scan";
import { type ScanEnv, moveCacheRef, scanEnv } from "./scan-helpers";

let env: ScanEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

const WORKFLOW = ".github/workflows/release.yml";
const NO_WORKFLOW = "no-workflow-token";

/** The demo org with a second token of the same member that lacks the `workflow` scope. */
async function scanned(prepare?: (fixture: string) => void): Promise<ScanEnv> {
  const e = await scanEnv((fixture) => {
    writeFileSync(path.join(fixture, "tokens.json"), JSON.stringify({
      "demo-token": { login: "octocat", scopes: ["repo", "read:org", "read:packages", "workflow"], member: true },
      [NO_WORKFLOW]: { login: "octocat", scopes: ["repo", "read:org", "read:packages"], member: true },
    }));
    prepare?.(fixture);
  });
  const s = await runScan(e.db, { config: e.config, trigger: "manual" });
  expect(s.status).toBe("succeeded");
  return e;
}

const gh = (e: ScanEnv, token = "demo-token") => createGitHub({ apiUrl: e.server.url, token, retryBaseMs: 1 });
const billingFinding = (e: ScanEnv) =>
  e.db.finding.findFirstOrThrow({ where: { repo: { name: "billing" }, ruleId: "cache-overwrites-image-tag", resolvedScanId: null } });

async function cliPr(e: ScanEnv, args: string[], token = "demo-token") {
  let stdout = "";
  let stderr = "";
  const code = await pr(["--org", "acme", "--api-url", e.server.url, ...args], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) }, {
    GITHUB_TOKEN: token, DATABASE_URL: e.dbUrl, CACHEGUARD_URL: "http://cacheguard.test",
  });
  return { code, stdout, stderr };
}

/** A file of a branch as the fake serves it (contents API). */
async function fileAt(e: ScanEnv, repo: string, file: string, ref: string): Promise<string> {
  const res = await gh(e).octokit.rest.repos.getContent({ owner: "acme", repo, path: file, ref });
  return Buffer.from((res.data as { content: string }).content, "base64").toString("utf8");
}

describe("fix pull requests against the fake GitHub", () => {
  it("cacheguard pr opens one PR with the patched file on cacheguard/fix-all, and a second run updates the same PR", async () => {
    env = await scanned();
    const finding = await billingFinding(env);
    const first = await cliPr(env, ["--repo", "billing", "--format", "json"]);
    expect(first.code, first.stderr).toBe(0);
    const out = JSON.parse(first.stdout) as { pullRequest: { number: number; url: string; branch: string; state: string; files: string[] }; created: boolean };
    expect(out.pullRequest).toEqual({ number: 1, url: "https://github.com/acme/billing/pull/1", branch: "cacheguard/fix-all", state: "open", files: [WORKFLOW] });
    expect(out.created).toBe(true);

    const pull = (await gh(env).octokit.rest.pulls.get({ owner: "acme", repo: "billing", pull_number: 1 })).data;
    expect(pull.head.ref).toBe("cacheguard/fix-all");
    expect(pull.base.ref).toBe("main");
    expect(pull.changed_files).toBe(1);
    // what breaks, why, the fix and the way back to the dashboard
    expect(pull.body).toContain("**What breaks:**");
    expect(pull.body).toContain("**Why:**");
    expect(pull.body).toContain(`http://cacheguard.test/repos/billing#finding-${finding.id}`);
    // the branch starts at the default branch head and holds the fixed cache ref
    const head = await readBranchHead(gh(env), "acme", "billing", "main");
    const commit = (await gh(env).octokit.rest.git.getCommit({ owner: "acme", repo: "billing", commit_sha: pull.head.sha })).data;
    expect(commit.parents.map((p) => p.sha)).toEqual([head.sha]);

    const second = await cliPr(env, ["--repo", "billing", "--format", "json"]);
    expect(second.code, second.stderr).toBe(0);
    const again = JSON.parse(second.stdout) as { pullRequest: { number: number; branch: string }; created: boolean };
    expect(again.pullRequest.number).toBe(1);
    expect(again.pullRequest.branch).toBe("cacheguard/fix-all");
    expect(again.created).toBe(false);
    const all = (await gh(env).octokit.rest.pulls.list({ owner: "acme", repo: "billing", state: "all" })).data;
    expect(all).toHaveLength(1);
  });

  it("a token without the workflow scope gets a message naming the scope and the token, and GitHub's own refusal is mapped the same", async () => {
    env = await scanned();
    const res = await cliPr(env, ["--repo", "billing"], NO_WORKFLOW);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`GitHub refuses to let GITHUB_TOKEN change ${WORKFLOW}`);
    expect(res.stderr).toContain("`workflow` scope");
    expect((await gh(env).octokit.rest.pulls.list({ owner: "acme", repo: "billing", state: "all" })).data).toHaveLength(0);
    // past the early check: the fake refuses the branch itself, with GitHub's words
    const client = gh(env, NO_WORKFLOW);
    const head = await readBranchHead(client, "acme", "billing", "main");
    const err = await pushFixBranch(client, "acme", "billing", "cacheguard/try", head, [{ path: WORKFLOW, text: "name: x\n", message: "x" }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowScopeError);
    expect((err as Error).message).toBe(`refusing to allow a Personal Access Token to create or update workflow \`${WORKFLOW}\` without \`workflow\` scope`);
  });

  it("a file changed since the scan: the fix is recomputed on the current text; a finding fixed meanwhile is refused", async () => {
    env = await scanned();
    const finding = await billingFinding(env);
    const file = path.join(env.fixture, "repos", "billing", WORKFLOW);
    const original = readFileSync(file, "utf8");
    writeFileSync(file, `# release the billing image\n# on every push to main\n${original}`);
    const r = await openFixPullRequest(env.db, gh(env), { org: "acme", repo: "billing", finding: String(finding.id), dashboardUrl: "http://x", credentials: "GITHUB_TOKEN" });
    expect(r.pullRequest.files).toEqual([WORKFLOW]);
    expect(r.pullRequest.branch).toMatch(/^cacheguard\/fix-cache-overwrites-image-tag-[0-9a-f]{8}$/);
    // recomputed, not the stored fix shifted: the PR names the finding where it stands now
    const body = (await gh(env).octokit.rest.pulls.get({ owner: "acme", repo: "billing", pull_number: r.pullRequest.number })).data.body ?? "";
    expect(body).toContain(`\`${WORKFLOW}:${finding.line + 2}\``);
    // merged, the default branch holds both the new lines and the fix
    await gh(env).octokit.rest.pulls.merge({ owner: "acme", repo: "billing", pull_number: r.pullRequest.number });
    const merged = await fileAt(env, "billing", WORKFLOW, "main");
    expect(merged.startsWith("# release the billing image\n")).toBe(true);
    expect(merged).not.toContain("ref=${{ env.IMAGE }}:latest,");
    expect(merged).toMatch(/cache-to: type=registry,ref=\$\{\{ env\.IMAGE \}\}:[\w-]+cache/);

    // reports: fixed by hand since the scan
    const reports = await env.db.finding.findFirstOrThrow({ where: { repo: { name: "reports" }, resolvedScanId: null, ruleId: "cache-overwrites-image-tag" } });
    moveCacheRef(env.fixture, { repo: "acme/reports", path: reports.path, line: reports.line, column: reports.column });
    const head = await readBranchHead(gh(env), "acme", "reports", "main");
    const err = await openFixPullRequest(env.db, gh(env), { org: "acme", repo: "reports", finding: String(reports.id), dashboardUrl: "http://x", credentials: "GITHUB_TOKEN" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FixPrError);
    expect((err as Error).message).toContain(`the finding is gone from Makefile at ${head.sha.slice(0, 7)}; rescan`);
  });

  it("a fix in another repository's action is refused for that finding and named as skipped in fix all", async () => {
    env = await scanned();
    const f = await env.db.finding.findFirstOrThrow({ where: { repo: { name: "search" }, resolvedScanId: null, path: { startsWith: "//acme/ci-actions@v1/" } } });
    const err = await openFixPullRequest(env.db, gh(env), { org: "acme", repo: "search", finding: String(f.id), dashboardUrl: "http://x", credentials: "GITHUB_TOKEN" }).catch((e: unknown) => e);
    expect((err as Error).message).toContain("its fix belongs to acme/ci-actions (docker-build/action.yml at v1), not to acme/search");
    const all = await cliPr(env, ["--repo", "search"]);
    expect(all.code).toBe(1);
    expect(all.stderr).toContain("Nothing to fix in acme/search");
    expect(all.stderr).toContain("open the pull request in acme/ci-actions");
  });

  it("merged through the API, the next scan resolves the finding, records the PR merged, and the fixture folder is untouched", async () => {
    env = await scanned();
    const file = path.join(env.fixture, "repos", "billing", WORKFLOW);
    const before = readFileSync(file, "utf8");
    const finding = await billingFinding(env);
    const r = await openFixPullRequest(env.db, gh(env), { org: "acme", repo: "billing", dashboardUrl: "http://x", credentials: "GITHUB_TOKEN" });
    const oldHead = (await readBranchHead(gh(env), "acme", "billing", "main")).sha;
    const merge = await gh(env).octokit.rest.pulls.merge({ owner: "acme", repo: "billing", pull_number: r.pullRequest.number });
    expect(merge.data).toMatchObject({ merged: true, message: "Pull Request successfully merged" });
    const newHead = (await readBranchHead(gh(env), "acme", "billing", "main")).sha;
    expect(newHead).toBe(merge.data.sha);
    expect(newHead).not.toBe(oldHead);

    const s = await runScan(env.db, { config: env.config, trigger: "manual" });
    expect(s.status).toBe("succeeded");
    const after = await env.db.finding.findUniqueOrThrow({ where: { id: finding.id } });
    expect(after.resolvedScanId).toBe(s.scanId);
    const row = await env.db.fixPullRequest.findFirstOrThrow({ where: { repoName: "billing", number: r.pullRequest.number } });
    expect(row.state).toBe("merged");
    expect(JSON.parse(row.fingerprints)).toContain(finding.fingerprint);
    expect(readFileSync(file, "utf8")).toBe(before);
    // a merged PR is not reopened: a new fix-all PR would be a new number
    await expect(gh(env).octokit.rest.pulls.merge({ owner: "acme", repo: "billing", pull_number: r.pullRequest.number })).rejects.toMatchObject({ status: 405 });
  });
});
