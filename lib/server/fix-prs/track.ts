import type { GitHubClient } from "@/lib/github/client";
import { readPull } from "@/lib/github/fix-branch";
import type { Db } from "@/lib/server/db";

/**
 * Fix pull requests after they were opened: each scan reads the state of the open ones (one REST call
 * each), and the dashboard shows, per finding, the pull request that fixes it.
 */

export interface FixPrView {
  number: number;
  url: string;
  branch: string;
  /** open | merged | closed */
  state: string;
  files: string[];
  updatedAt: string;
}

/** Read the state of every open fix pull request of the org; a read that fails keeps the stored state. */
export async function refreshFixPullRequests(db: Db, gh: GitHubClient, org: string, orgId: number): Promise<number> {
  const open = await db.fixPullRequest.findMany({ where: { orgId, state: "open" } });
  let changed = 0;
  for (const row of open) {
    try {
      const pull = await readPull(gh, org, row.repoName, row.number);
      const data = {
        state: pull.state, headSha: pull.headSha, checkedAt: new Date(),
        mergedAt: pull.mergedAt ? new Date(pull.mergedAt) : null, closedAt: pull.closedAt ? new Date(pull.closedAt) : null,
      };
      if (pull.state !== row.state) changed++;
      await db.fixPullRequest.update({ where: { id: row.id }, data });
    } catch {
      // unreachable now (deleted repository, no access): the next scan asks again
    }
  }
  return changed;
}

function parseList(json: string): string[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

const RANK: Record<string, number> = { open: 0, merged: 1, closed: 2 };

/**
 * The fix pull request of each finding of a repository, by fingerprint: an open one first, then a
 * merged one, then the latest closed one.
 */
export async function fixPullRequestsOf(db: Db, orgId: number, repoName: string): Promise<Map<string, FixPrView>> {
  const rows = await db.fixPullRequest.findMany({ where: { orgId, repoName }, orderBy: { updatedAt: "desc" } });
  rows.sort((a, b) => (RANK[a.state] ?? 3) - (RANK[b.state] ?? 3));
  const out = new Map<string, FixPrView>();
  for (const r of rows) {
    const view: FixPrView = { number: r.number, url: r.url, branch: r.branch, state: r.state, files: parseList(r.files), updatedAt: r.updatedAt.toISOString() };
    for (const fp of parseList(r.fingerprints)) if (!out.has(fp)) out.set(fp, view);
  }
  return out;
}
