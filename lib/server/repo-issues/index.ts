import type { RepoIssue } from "@prisma/client";
import type { ActionOutcome, AfterScanContext, AfterScanTask } from "@/lib/server/after-scan";
import { readIntegration, withLease } from "@/lib/server/integrations";
import { toRows } from "@/lib/server/queries/findings";
import { expireAcceptances, openWhere } from "@/lib/server/suppressions";
import { bodyHash, closingComment, type IssueContext, ISSUE_LABEL, ISSUE_MARKER, ISSUE_TITLE, renderIssueBody, reopeningComment } from "./body";

/**
 * One issue per affected repository, after each scan (when turned on: /settings or
 * CACHEGUARD_ISSUES=1), the way allstar keeps its policy issues: a repository with open findings
 * (not silenced) has one open issue labelled `cacheguard` whose body lists them, edited only when
 * that list changes; when they are all fixed the issue gets a comment "fixed as of scan #N" and is
 * closed; when findings come back, the same issue is reopened with a comment (allstar reopens
 * too, rather than opening a second one).
 *
 * The issue is tracked in RepoIssue. A repository without a row (a new database) is looked up on
 * GitHub once: the issues labelled `cacheguard` opened by the token's user that carry cacheguard's
 * marker; the open one, else the latest closed one, is adopted.
 */

type EnvLike = Record<string, string | undefined>;
type Gh = AfterScanContext["gh"];

interface HttpErrorLike {
  status?: number;
  message?: string;
  response?: { data?: unknown };
}

interface GhIssue {
  number: number;
  state: string;
  html_url: string;
  body?: string | null;
  pull_request?: unknown;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What went wrong with one repository's issue, in words that say what to change. */
export function issueFailure(e: unknown, full: string, fallback: (e: unknown) => string): string {
  const err = (typeof e === "object" && e !== null ? e : {}) as HttpErrorLike;
  const data = err.response?.data as { message?: unknown } | undefined;
  const said = `${err.status ?? ""} ${typeof data?.message === "string" ? data.message : (err.message ?? "")}`.trim().replace(/\s*\n+\s*/g, " ");
  if (err.status === 410) return `issues are turned off in ${full} (GitHub said: ${said})`;
  if (err.status === 401 || err.status === 403 || err.status === 404) {
    return `could not keep the cacheguard issue of ${full}: the token needs the repo scope (public_repo for a public repository), or "Issues: write" for a GitHub App or fine-grained token (GitHub said: ${said})`;
  }
  return fallback(e);
}

async function tokenLogin(gh: Gh): Promise<string | null> {
  try {
    return (await gh.octokit.request("GET /user")).data.login;
  } catch {
    // a GitHub App installation has no user: look for the label and the marker alone
    return null;
  }
}

/** cacheguard's issue of a repository on GitHub: the open one, else the latest closed one, else null. */
async function findOnGitHub(gh: Gh, org: string, repo: string, creator: string | null): Promise<GhIssue | null> {
  const all = (await gh.octokit.paginate("GET /repos/{owner}/{repo}/issues", {
    owner: org, repo, state: "all", labels: ISSUE_LABEL.name, per_page: 100, ...(creator ? { creator } : {}),
  })) as GhIssue[];
  const ours = all.filter((i) => !i.pull_request && (i.body ?? "").includes(ISSUE_MARKER)).sort((a, b) => b.number - a.number);
  return ours.find((i) => i.state === "open") ?? ours[0] ?? null;
}

async function ensureLabel(gh: Gh, org: string, repo: string): Promise<void> {
  try {
    await gh.octokit.request("POST /repos/{owner}/{repo}/labels", { owner: org, repo, ...ISSUE_LABEL });
  } catch (e) {
    const err = e as HttpErrorLike;
    const errors = (err.response?.data as { errors?: Array<{ code?: string }> } | undefined)?.errors ?? [];
    if (err.status === 422 && errors.some((x) => x.code === "already_exists")) return;
    // anything else: GitHub makes the label itself when the issue names it (plain grey)
  }
}

async function getIssue(gh: Gh, org: string, repo: string, number: number): Promise<GhIssue | null> {
  try {
    return (await gh.octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", { owner: org, repo, issue_number: number })).data as GhIssue;
  } catch (e) {
    // deleted (410) or transferred away (404): a new one is opened
    if ((e as HttpErrorLike).status === 404 || (e as HttpErrorLike).status === 410) return null;
    throw e;
  }
}

export function repoIssuesTask(opts: { env?: EnvLike } = {}): AfterScanTask {
  return {
    name: "issue",
    async run(ctx: AfterScanContext): Promise<ActionOutcome[]> {
      const env = opts.env ?? process.env;
      if (!(await readIntegration(ctx.db, "issues", env)).enabled) return [];
      const done = await withLease(ctx.db, `lease.issues.${ctx.orgId}`, () => keepIssues(ctx, env));
      return done ?? [{ kind: "issue", target: ctx.config.org, status: "skipped", message: "another scan's issue updates were still running after 10 minutes; the next scan brings the issues up to date" }];
    },
  };
}

async function keepIssues(ctx: AfterScanContext, env: EnvLike): Promise<ActionOutcome[]> {
  const { db, gh, orgId } = ctx;
  const org = ctx.config.org;
  const dashboardUrl = env.NEXTAUTH_URL?.replace(/\/+$/, "") ?? null;
  await expireAcceptances(db, orgId);
  const rows = new Map((await db.repoIssue.findMany({ where: { orgId } })).map((r) => [r.repoName, r]));
  let login: string | null | undefined;
  const outcomes: ActionOutcome[] = [];
  let unchanged = 0;

  const save = async (repo: string, data: Partial<Pick<RepoIssue, "number" | "state" | "url" | "bodyHash" | "htmlUrl">>) => {
    const row = await db.repoIssue.upsert({
      where: { orgId_repoName: { orgId, repoName: repo } },
      create: { orgId, repoName: repo, state: "none", ...data },
      update: data,
    });
    rows.set(repo, row);
    return row;
  };

  for (const repo of ctx.completeRepos) {
    if (!repo.headSha) continue;
    const full = `${org}/${repo.name}`;
    try {
      let row = rows.get(repo.name);
      if (!row) {
        // the table does not know this repository: ask GitHub once
        login ??= await tokenLogin(gh);
        const found = await findOnGitHub(gh, org, repo.name, login);
        row = await save(repo.name, found ? { number: found.number, state: found.state === "open" ? "open" : "closed", url: found.html_url, bodyHash: bodyHash((found.body ?? "").replace(/\r\n/g, "\n")) } : { number: null, state: "none" });
      }
      const found = await db.finding.findMany({ where: { orgId, repoId: repo.repoId, ...openWhere() }, include: { repo: { select: { name: true } } } });
      const open = await toRows(db, orgId, found);
      const context = async (): Promise<IssueContext> => {
        const htmlUrl = row!.htmlUrl ?? (await gh.octokit.request("GET /repos/{owner}/{repo}", { owner: org, repo: repo.name })).data.html_url;
        if (!row!.htmlUrl) row = await save(repo.name, { htmlUrl });
        return { org, repo: repo.name, htmlUrl, headSha: repo.headSha!, defaultBranch: repo.defaultBranch, dashboardUrl };
      };

      if (open.length === 0) {
        if (row.state !== "open" || row.number === null) continue;
        const current = await getIssue(gh, org, repo.name, row.number);
        if (!current || current.state !== "open") {
          await save(repo.name, { state: current ? "closed" : "none", ...(current ? {} : { number: null }) });
          continue;
        }
        const c = await context();
        await gh.octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: org, repo: repo.name, issue_number: row.number, body: closingComment(ctx.scanId, c) });
        await gh.octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { owner: org, repo: repo.name, issue_number: row.number, state: "closed", state_reason: "completed" });
        await save(repo.name, { state: "closed" });
        outcomes.push({ kind: "issue", target: repo.name, status: "delivered", url: row.url, message: `closed issue #${row.number}: every finding is fixed as of scan #${ctx.scanId}` });
        continue;
      }

      const c = await context();
      const body = renderIssueBody(c, open);
      const hash = bodyHash(body);
      const current = row.number !== null ? await getIssue(gh, org, repo.name, row.number) : null;
      if (!current) {
        await ensureLabel(gh, org, repo.name);
        const made = (await gh.octokit.request("POST /repos/{owner}/{repo}/issues", { owner: org, repo: repo.name, title: ISSUE_TITLE, body, labels: [ISSUE_LABEL.name] })).data;
        await save(repo.name, { number: made.number, state: "open", url: made.html_url, bodyHash: hash });
        outcomes.push({ kind: "issue", target: repo.name, status: "delivered", url: made.html_url, message: `opened issue #${made.number}: ${plural(open.length, "open finding")}` });
        continue;
      }
      if (current.state !== "open") {
        await gh.octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { owner: org, repo: repo.name, issue_number: current.number, state: "open", body });
        await gh.octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: org, repo: repo.name, issue_number: current.number, body: reopeningComment(ctx.scanId, open.length, c) });
        await save(repo.name, { number: current.number, state: "open", url: current.html_url, bodyHash: hash });
        outcomes.push({ kind: "issue", target: repo.name, status: "delivered", url: current.html_url, message: `reopened issue #${current.number}: ${plural(open.length, "open finding")} again` });
        continue;
      }
      // the body as GitHub holds it: someone's edit is put back too
      if (bodyHash((current.body ?? "").replace(/\r\n/g, "\n")) === hash) {
        if (row.bodyHash !== hash || row.state !== "open") await save(repo.name, { state: "open", bodyHash: hash, url: current.html_url });
        unchanged++;
        continue;
      }
      await gh.octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { owner: org, repo: repo.name, issue_number: current.number, body });
      await save(repo.name, { state: "open", bodyHash: hash, url: current.html_url });
      outcomes.push({ kind: "issue", target: repo.name, status: "delivered", url: current.html_url, message: `updated issue #${current.number}: ${plural(open.length, "open finding")}` });
    } catch (e) {
      outcomes.push({ kind: "issue", target: repo.name, status: "failed", message: issueFailure(e, full, (x) => gh.error(x, { org, action: `keeping the cacheguard issue of ${full}` }).message) });
    }
  }
  if (unchanged > 0) {
    outcomes.push({ kind: "issue", target: org, status: "skipped", message: `${plural(unchanged, "issue")} already up to date: nothing changed` });
  }
  return outcomes;
}
