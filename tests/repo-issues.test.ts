import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScan, type ScanSummary } from "@/lib/server/scan";
import { repoIssuesTask } from "@/lib/server/repo-issues";
import { acceptRisk } from "@/lib/server/suppressions";
import { ISSUE_TITLE } from "@/lib/server/repo-issues/body";
import { type ScanEnv, moveCacheRef, scanEnv } from "./scan-helpers";

/**
 * The `cacheguard` issue of each affected repository, kept by the scans against the fake server's
 * issues API: opened with the label and the findings, left alone while nothing changes, closed with
 * a comment once the findings are fixed, reopened when they come back.
 */

interface Issue { number: number; title: string; body: string | null; state: string; state_reason: string | null; labels: Array<{ name: string }>; user: { login: string }; html_url: string; comments: number }

const DASHBOARD = "https://cacheguard.example.com";
/**
 * The demo org cut to a few repositories: with findings (api, billing, reports; search, whose finding
 * is in ci-actions' action; ci-actions itself) and without (handbook, web). Octokit paces issue and
 * comment creation 3 s apart (GitHub's secondary limits on content creation), so fewer issues keep
 * the test short.
 */
const KEEP = new Set(["api", "billing", "ci-actions", "handbook", "reports", "search", "web"]);
const task = repoIssuesTask({ env: { CACHEGUARD_ISSUES: "1", NEXTAUTH_URL: DASHBOARD } });

describe("one self-closing issue per affected repository", () => {
  let env: ScanEnv;
  const api = async <T>(p: string): Promise<T> => (await (await fetch(`${env.server.url}${p}`, { headers: { authorization: "Bearer demo-token" } })).json()) as T;
  const issuesOf = (repo: string, q = "state=all") => api<Issue[]>(`/repos/acme/${repo}/issues?${q}&labels=cacheguard&per_page=100`);
  const scan = async (): Promise<ScanSummary> => {
    const s = await runScan(env.db, { config: env.config, trigger: "manual", afterScanTasks: [task] });
    expect(s.status).toBe("succeeded");
    return s;
  };
  const writes = () => {
    const by = env.server.stats().byRoute;
    return ["POST /repos/:owner/:repo/issues", "PATCH /repos/:owner/:repo/issues/:number", "POST /repos/:owner/:repo/issues/:number/comments", "POST /repos/:owner/:repo/labels"].reduce((n, r) => n + (by[r] ?? 0), 0);
  };
  let makefile = "";
  let original = "";

  beforeAll(async () => {
    env = await scanEnv((fixture) => {
      const repos = path.join(fixture, "repos");
      for (const f of readdirSync(repos)) if (!KEEP.has(f.replace(/\.json$/, ""))) rmSync(path.join(repos, f), { recursive: true, force: true });
    });
    makefile = path.join(env.fixture, "repos", "reports", "Makefile");
    original = readFileSync(makefile, "utf8");
  }, 60_000);
  afterAll(async () => {
    await env?.close();
  });

  it("opens an issue labelled cacheguard in each repository with open findings, listing each with its line, ref, fix and dashboard link", async () => {
    const s = await scan();
    const org = await env.db.org.findUniqueOrThrow({ where: { login: "acme" } });
    const repos = await env.db.repo.findMany({ where: { orgId: org.id, headSha: { not: null } }, include: { findings: { where: { resolvedScanId: null, suppressedBy: null } } } });
    const affected = repos.filter((r) => r.findings.length > 0);
    expect(affected.map((r) => r.name).sort()).toEqual(["api", "billing", "ci-actions", "reports", "search"]);
    for (const repo of repos) {
      const issues = await issuesOf(repo.name);
      if (repo.findings.length === 0) {
        expect(issues, repo.name).toEqual([]);
        continue;
      }
      expect(issues, repo.name).toHaveLength(1);
      const [issue] = issues;
      expect(issue).toMatchObject({ title: ISSUE_TITLE, state: "open", user: { login: "octocat" } });
      expect(issue.labels.map((l) => l.name)).toEqual(["cacheguard"]);
      for (const f of repo.findings) {
        expect(issue.body, `${repo.name} ${f.ruleId}`).toContain(`\`${f.ruleId}\``);
        expect(issue.body).toContain(f.ref);
        if (!f.path.startsWith("//")) expect(issue.body).toContain(`](https://github.com/acme/${repo.name}/blob/${repo.headSha}/${f.path}#L${f.line})`);
        if (f.fixDescription) expect(issue.body).toContain(f.fixDescription);
        expect(issue.body).toContain(`(${DASHBOARD}/repos/${repo.name}#finding-${f.id})`);
      }
    }
    // the label was made with cacheguard's color and description, not left grey
    expect(await api(`/repos/acme/api/labels/cacheguard`)).toMatchObject({ name: "cacheguard", color: "b60205", description: expect.stringContaining("cacheguard") });
    // search's finding is in acme/ci-actions' action: linked there, at the ref search uses
    expect((await issuesOf("search"))[0].body).toContain("](https://github.com/acme/ci-actions/blob/v1/docker-build/action.yml#L28)");
    // each issue opened is an action of the scan, linked to it
    const actions = await env.db.scanAction.findMany({ where: { scanId: s.scanId, kind: "issue" } });
    expect(actions.map((a) => a.target).sort()).toEqual(affected.map((r) => r.name).sort());
    const reports = actions.find((a) => a.target === "reports")!;
    expect(reports).toMatchObject({ status: "delivered", message: "opened issue #1: 1 open finding", url: "https://github.com/acme/reports/issues/1" });
  }, 120_000);

  it("a rescan with nothing changed edits nothing", async () => {
    const before = writes();
    const s = await scan();
    expect(writes()).toBe(before);
    expect(s.actions?.map((a) => [a.kind, a.status, a.target])).toEqual([["issue", "skipped", "acme"]]);
    expect(s.actions?.[0].message).toMatch(/^\d+ issues already up to date/);
  }, 120_000);

  it("a finding silenced in the dashboard leaves the issue: the body is edited once, then left alone", async () => {
    const org = await env.db.org.findUniqueOrThrow({ where: { login: "acme" } });
    const f = await env.db.finding.findFirstOrThrow({ where: { repo: { name: "api" }, ruleId: "registry-tag-holds-cache", resolvedScanId: null } });
    await acceptRisk(env.db, org, f.id, { reason: "the tag is re-pushed by the nightly build", expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString() }, "octocat");
    const [before] = await issuesOf("api");
    expect(before.body).toContain("`registry-tag-holds-cache`");
    const s = await scan();
    expect(s.actions?.find((a) => a.target === "api")).toMatchObject({ status: "delivered", message: `updated issue #${before.number}: 1 open finding` });
    const [after] = await issuesOf("api");
    expect(after.number).toBe(before.number);
    expect(after.body).not.toContain("`registry-tag-holds-cache`");
    expect(after.body).toContain("`cache-overwrites-image-tag`");
    const edits = env.server.stats().byRoute["PATCH /repos/:owner/:repo/issues/:number"];
    await scan();
    expect(env.server.stats().byRoute["PATCH /repos/:owner/:repo/issues/:number"]).toBe(edits);
  }, 120_000);

  it("once the findings are fixed the issue gets a comment 'fixed as of scan #N' and is closed; they come back: the same issue is reopened", async () => {
    const finding = await env.db.finding.findFirstOrThrow({ where: { repo: { name: "reports" }, resolvedScanId: null } });
    moveCacheRef(env.fixture, { repo: "acme/reports", path: finding.path, line: finding.line, column: finding.column });
    const fixed = await scan();
    expect(fixed.actions?.filter((a) => a.status !== "skipped")).toEqual([expect.objectContaining({ kind: "issue", target: "reports", status: "delivered", message: `closed issue #1: every finding is fixed as of scan #${fixed.scanId}` })]);
    const [closed] = await issuesOf("reports");
    expect(closed).toMatchObject({ number: 1, state: "closed", state_reason: "completed", comments: 1 });
    const comments = await api<Array<{ body: string }>>("/repos/acme/reports/issues/1/comments");
    const head = (await env.db.repo.findFirstOrThrow({ where: { name: "reports" } })).headSha!;
    expect(comments.map((c) => c.body)).toEqual([`Fixed as of scan #${fixed.scanId}: no open cacheguard findings at [\`${head.slice(0, 7)}\`](https://github.com/acme/reports/commit/${head}). Closing this issue.`]);
    // other repositories' issues stay open
    expect((await issuesOf("api", "state=open")).length).toBe(1);

    // a scan later with nothing to say about reports: no second comment
    await scan();
    expect((await api<unknown[]>("/repos/acme/reports/issues/1/comments")).length).toBe(1);

    // the mistake is back: allstar reopens its issue rather than opening another, and so does cacheguard
    writeFileSync(makefile, original);
    const back = await scan();
    expect(back.actions?.find((a) => a.target === "reports")).toMatchObject({ status: "delivered", message: "reopened issue #1: 1 open finding again" });
    const issues = await issuesOf("reports");
    expect(issues.map((i) => [i.number, i.state, i.state_reason])).toEqual([[1, "open", "reopened"]]);
    const after = await api<Array<{ body: string }>>("/repos/acme/reports/issues/1/comments");
    expect(after.at(-1)?.body).toMatch(new RegExp(`^Reopening: scan #${back.scanId} found 1 open finding again`));
  }, 120_000);

  it("the table lost track of the issues: found again by label, marker and author on GitHub, never opened twice", async () => {
    const open = await env.db.repoIssue.count({ where: { state: "open" } });
    expect(open).toBe(5);
    await env.db.repoIssue.deleteMany({});
    const creates = env.server.stats().byRoute["POST /repos/:owner/:repo/issues"] ?? 0;
    await scan();
    expect(env.server.stats().byRoute["POST /repos/:owner/:repo/issues"] ?? 0).toBe(creates);
    expect(await env.db.repoIssue.count({ where: { state: "open" } })).toBe(open);
    expect((await issuesOf("api")).length).toBe(1);
  }, 120_000);
});
