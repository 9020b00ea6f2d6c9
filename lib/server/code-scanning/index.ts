import { gzipSync } from "node:zlib";
import type { ActionOutcome, AfterScanContext, AfterScanTask } from "@/lib/server/after-scan";
import { readIntegration, withLease } from "@/lib/server/integrations";
import { expireAcceptances } from "@/lib/server/suppressions";
import { repoSarif } from "./sarif";

/**
 * Code scanning, after each scan (when turned on: /settings or CACHEGUARD_CODE_SCANNING=1): every
 * repository the scan read completely gets its SARIF uploaded for its head commit on its default
 * branch (`POST /repos/{owner}/{repo}/code-scanning/sarifs`, gzip + Base64), so the findings show in
 * its Security tab and, on pull requests, as annotations. A repository with no findings is uploaded
 * too: an analysis without results is how code scanning closes the alerts that were fixed. A
 * repository whose head commit and SARIF are both what was last uploaded is left alone.
 */

type EnvLike = Record<string, string | undefined>;

interface HttpErrorLike {
  status?: number;
  message?: string;
  response?: { data?: unknown; headers?: Record<string, string | number | undefined> };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function githubSaid(e: HttpErrorLike): string {
  const data = e.response?.data as { message?: unknown } | undefined;
  const message = typeof data?.message === "string" ? data.message : (e.message ?? "");
  return `${e.status ?? ""} ${message}`.trim().replace(/\s*\n+\s*/g, " ");
}

/** What went wrong with one repository's upload, in words that say what to change. */
export function uploadFailure(e: unknown, full: string, fallback: (e: unknown) => string): string {
  const err = (typeof e === "object" && e !== null ? e : {}) as HttpErrorLike;
  const said = githubSaid(err);
  const scopes = err.response?.headers?.["x-oauth-scopes"];
  const scopeNote = scopes === undefined ? "" : `; the token's scopes: ${String(scopes) || "none"}`;
  if (err.status === 403 && /advanced security|code security|code scanning is not enabled/i.test(said)) {
    return `code scanning is not enabled for ${full}: a private repository needs GitHub Advanced Security (GitHub Code Security) with code scanning turned on (GitHub said: ${said})`;
  }
  if (err.status === 403 && /archived/i.test(said)) return `${full} is archived, and code scanning takes no uploads for it (GitHub said: ${said})`;
  if (err.status === 403) {
    return `the token may not upload code scanning results to ${full}: it needs the security_events scope (public_repo is enough for a public repository), or "Code scanning alerts: write" for a GitHub App or fine-grained token; a private repository also needs GitHub Advanced Security or code scanning enabled (GitHub said: ${said}${scopeNote})`;
  }
  if (err.status === 404) {
    return `code scanning did not find ${full}: the token needs security_events (or repo) and access to the repository, and a private repository needs GitHub Advanced Security or code scanning enabled (GitHub said: ${said}${scopeNote})`;
  }
  if (err.status === 400 || err.status === 413 || err.status === 422) return `GitHub refused the SARIF of ${full} (GitHub said: ${said})`;
  return fallback(e);
}

export function codeScanningTask(opts: { env?: EnvLike } = {}): AfterScanTask {
  return {
    name: "code-scanning",
    async run(ctx: AfterScanContext): Promise<ActionOutcome[]> {
      const env = opts.env ?? process.env;
      if (!(await readIntegration(ctx.db, "codeScanning", env)).enabled) return [];
      const done = await withLease(ctx.db, `lease.code-scanning.${ctx.orgId}`, () => uploadAll(ctx, env));
      return done ?? [{ kind: "code-scanning", target: ctx.config.org, status: "skipped", message: "another scan's code scanning uploads were still running after 10 minutes; the next scan uploads what changed" }];
    },
  };
}

async function uploadAll(ctx: AfterScanContext, env: EnvLike): Promise<ActionOutcome[]> {
  const org = ctx.config.org;
  await expireAcceptances(ctx.db, ctx.orgId);
  const last = new Map((await ctx.db.codeScanningUpload.findMany({ where: { orgId: ctx.orgId } })).map((r) => [r.repoName, r]));
  const origin = env.NEXTAUTH_URL?.replace(/\/+$/, "");
  const outcomes: ActionOutcome[] = [];
  let unchanged = 0;
  for (const repo of ctx.completeRepos) {
    // an empty repository has no commit to upload an analysis for
    if (!repo.headSha) continue;
    const full = `${org}/${repo.name}`;
    const ref = `refs/heads/${repo.defaultBranch}`;
    try {
      const sarif = await repoSarif(ctx.db, { id: ctx.orgId, login: org }, repo, origin ? { origin } : {});
      const prior = last.get(repo.name);
      if (prior && prior.headSha === repo.headSha && prior.ref === ref && prior.sarifHash === sarif.hash) {
        unchanged++;
        continue;
      }
      const res = await ctx.gh.octokit.request("POST /repos/{owner}/{repo}/code-scanning/sarifs", {
        owner: org, repo: repo.name, commit_sha: repo.headSha, ref, sarif: gzipSync(Buffer.from(sarif.json)).toString("base64"),
      });
      const id = String(res.data.id ?? "");
      const url = res.data.url ?? null;
      // GitHub processes an upload after accepting it; one look says whether it already failed
      let processing = "pending";
      let errors: string[] = [];
      try {
        const status = await ctx.gh.octokit.request("GET /repos/{owner}/{repo}/code-scanning/sarifs/{sarif_id}", { owner: org, repo: repo.name, sarif_id: id });
        processing = status.data.processing_status ?? "pending";
        errors = [...(status.data.errors ?? [])];
      } catch {
        // the upload was accepted; its status is for the Security tab to show
      }
      const what = `${plural(sarif.results, "result")}${sarif.suppressed ? ` (${sarif.suppressed} suppressed)` : ""} for ${repo.headSha.slice(0, 7)} on ${ref}`;
      if (processing === "failed") {
        outcomes.push({ kind: "code-scanning", target: repo.name, status: "failed", url, message: `code scanning accepted ${what} but could not process it: ${errors.join("; ") || "no reason given"}` });
        continue;
      }
      const row = { headSha: repo.headSha, ref, sarifHash: sarif.hash, sarifId: id, url: url ?? "", results: sarif.results, scanId: ctx.scanId, uploadedAt: new Date() };
      await ctx.db.codeScanningUpload.upsert({ where: { orgId_repoName: { orgId: ctx.orgId, repoName: repo.name } }, create: { orgId: ctx.orgId, repoName: repo.name, ...row }, update: row });
      outcomes.push({ kind: "code-scanning", target: repo.name, status: "delivered", url, message: `uploaded ${what}; processing ${processing}` });
    } catch (e) {
      outcomes.push({ kind: "code-scanning", target: repo.name, status: "failed", message: uploadFailure(e, full, (x) => ctx.gh.error(x, { org, action: `uploading SARIF for ${full}` }).message) });
    }
  }
  if (unchanged > 0) {
    outcomes.push({ kind: "code-scanning", target: org, status: "skipped", message: `${plural(unchanged, "repository", "repositories")} unchanged since the last upload (same head commit, same SARIF): nothing uploaded` });
  }
  return outcomes;
}
