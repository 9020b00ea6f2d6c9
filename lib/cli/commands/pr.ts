/**
 * `cacheguard pr --org ORG --repo NAME [--finding ID]`: open (or update) the fix pull request of a
 * scanned repository through GitHub's REST API. Exit 0 when it is open, 1 when it could not be
 * opened (GitHub refused, nothing to fix), 2 on bad usage or without a stored scan.
 */
import type { CliIo } from "@/lib/cli/io";
import { createGitHub } from "@/lib/github/client";
import { redact } from "@/lib/github/redact";
import { DEFAULT_DATABASE_URL, createDb } from "@/lib/server/db";
import { FixPrError, openFixPullRequest, type FixPrResult } from "@/lib/server/fix-prs";
import { githubAppFromEnv } from "@/lib/server/env";
import { databaseLabel } from "@/lib/server/dialect";
import { ensureDatabase } from "@/lib/server/migrate";
import { parseFlags } from "./scan";

export const PR_USAGE = `usage: cacheguard pr --org ORG --repo NAME [--finding ID] [--api-url URL] [--format text|json]

Open a pull request with the fixes of a repository's open findings (as the last stored scan saw
them), or update the open one: a branch cacheguard/... from the default branch head, one commit per
file. --finding ID (the dashboard's finding number or a fingerprint) fixes one finding on a branch
of its own. Files changed since the scan are analysed again first.

  token from GITHUB_TOKEN (changing .github/workflows/* needs its \`workflow\` scope), or a GitHub App
  from GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY(_FILE) [+ GITHUB_APP_INSTALLATION_ID] (Contents, Pull
  requests and Workflows: write),
  database from DATABASE_URL (default file:./data/cacheguard.db),
  dashboard links from CACHEGUARD_URL (default http://localhost:3000)

Exit status: 0 when the pull request is open, 1 when it could not be opened, 2 on bad usage.
`;

function text(r: FixPrResult): string {
  const p = r.pullRequest;
  const lines = [`${r.created ? "Opened" : "Updated"} pull request #${p.number} (${p.state}): ${p.url}`, `  branch: ${p.branch}`];
  for (const f of p.files) lines.push(`  file: ${f}`);
  for (const f of r.fixed) lines.push(`  fixes #${f.id} ${f.ruleId} on ${f.ref} (${f.path})`);
  for (const s of r.skipped) lines.push(`  skipped #${s.id} ${s.ruleId} on ${s.ref}: ${s.reason}`);
  return `${lines.join("\n")}\n`;
}

export async function run(argv: string[], io: CliIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  const parsed = parseFlags(argv, ["org", "repo", "finding", "api-url", "format"]);
  if (parsed === "help") {
    io.stdout(PR_USAGE);
    return 0;
  }
  const bad = (m: string) => {
    io.stderr(`cacheguard pr: ${m}\n\n${PR_USAGE}`);
    return 2;
  };
  if (typeof parsed === "string") return bad(parsed);
  const { flags, positional } = parsed;
  if (positional.length > 0) return bad(`unexpected argument "${positional[0]}"`);
  const org = flags.org ?? env.CACHEGUARD_ORG;
  if (!org) return bad("--org is required");
  if (!flags.repo) return bad("--repo is required");
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(flags.repo)) return bad(`"${flags.repo}" is not a repository name`);
  const format = flags.format ?? "text";
  if (format !== "text" && format !== "json") return bad(`--format must be text or json (got "${format}")`);
  const apiUrl = flags["api-url"] ?? env.GITHUB_API_URL ?? "https://api.github.com";
  if (!/^https?:\/\/\S+$/.test(apiUrl)) return bad(`--api-url must be an http(s) URL (got "${apiUrl}")`);
  const token = env.GITHUB_TOKEN || undefined;
  const app = githubAppFromEnv(env);
  if ("problem" in app) return bad(app.problem);
  if (!token && !app.app) return bad("GITHUB_TOKEN is not set: a pull request needs a token with `repo` (and `workflow` for workflow files), or a GitHub App (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY)");

  const url = env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  try {
    await ensureDatabase(url);
  } catch (e) {
    io.stderr(`cacheguard pr: cannot prepare the database ${databaseLabel(url)}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const db = createDb(url);
  try {
    // the App when one is configured (as the dashboard does), else the token
    const gh = createGitHub({ apiUrl, ...(app.app ? { app: { ...app.app, org } } : { token }), warn: (m) => io.stderr(`${m}\n`) });
    const result = await openFixPullRequest(db, gh, {
      org, repo: flags.repo, ...(flags.finding ? { finding: flags.finding } : {}),
      dashboardUrl: env.CACHEGUARD_URL ?? env.NEXTAUTH_URL ?? "http://localhost:3000",
      credentials: app.app ? "the GitHub App installation (GITHUB_APP_ID)" : "GITHUB_TOKEN", app: !!app.app,
    });
    io.stdout(format === "json" ? `${JSON.stringify({ pullRequest: result.pullRequest, created: result.created, fixed: result.fixed, skipped: result.skipped }, null, 2)}\n` : text(result));
    return 0;
  } catch (e) {
    if (e instanceof FixPrError) {
      io.stderr(`cacheguard pr: ${redact(e.message, [token])}\n`);
      return e.kind === "not-found" ? 2 : 1;
    }
    throw e;
  } finally {
    await db.$disconnect();
  }
}
