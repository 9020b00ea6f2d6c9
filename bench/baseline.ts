/**
 * The baseline: how other org auditors read workflows. List the org's repos with REST, then for each
 * repo, one after the other, GET /repos/{o}/{r}/contents/.github/workflows and one GET per file.
 * With `sampleRepos`, only that many repos are read and the per-repo cost is extrapolated linearly
 * (the loop is sequential, so its cost is linear by construction).
 */
import { Octokit } from "@octokit/rest";
import type { FakeServerProcess } from "./fake-server";
import { measure } from "./measure";

export interface BaselineRun {
  reposListed: number;
  reposRead: number;
  files: number;
  bytes: number;
  requests: number;
  wallMs: number;
  /** equal to requests / wallMs when every repo was read; extrapolated to all repos otherwise */
  projectedRequests: number;
  projectedWallMs: number;
  extrapolated: boolean;
}

interface ContentEntry { type: string; name: string; path: string }

export async function benchBaseline(opts: { server: FakeServerProcess; org: string; sampleRepos?: number }): Promise<BaselineRun> {
  const octokit = new Octokit({
    baseUrl: opts.server.url, auth: "demo-token",
    // a repo without workflows answers 404: expected here, not worth a log line each
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  await opts.server.resetStats();
  let files = 0;
  let bytes = 0;
  let reposListed = 0;
  let reposRead = 0;
  let listMs = 0;
  let listRequests = 0;
  const m = await measure(async () => {
    const t0 = performance.now();
    const all = await octokit.paginate(octokit.rest.repos.listForOrg, { org: opts.org, type: "all", per_page: 100 });
    listMs = performance.now() - t0;
    listRequests = (await opts.server.stats()).rest;
    // the same repos the scan reads: archived and forks skipped
    const repos = all.filter((r) => !r.archived && !r.fork);
    reposListed = repos.length;
    for (const repo of repos.slice(0, opts.sampleRepos ?? repos.length)) {
      reposRead++;
      let entries: ContentEntry[];
      try {
        const res = await octokit.rest.repos.getContent({ owner: opts.org, repo: repo.name, path: ".github/workflows" });
        entries = Array.isArray(res.data) ? (res.data as ContentEntry[]) : [];
      } catch (e) {
        if ((e as { status?: number }).status === 404) continue; // no workflows (or an empty repo)
        throw e;
      }
      for (const entry of entries.filter((x) => x.type === "file" && /\.ya?ml$/i.test(x.name))) {
        const res = await octokit.rest.repos.getContent({ owner: opts.org, repo: repo.name, path: entry.path });
        const data = res.data as { content?: string; encoding?: string };
        const text = data.encoding === "base64" && data.content ? Buffer.from(data.content, "base64").toString("utf8") : "";
        files++;
        bytes += text.length;
      }
    }
  });
  const s = await opts.server.stats();
  const requests = s.rest + s.graphql;
  const extrapolated = reposRead < reposListed;
  const perRepoReqs = reposRead ? (requests - listRequests) / reposRead : 0;
  const perRepoMs = reposRead ? (m.wallMs - listMs) / reposRead : 0;
  return {
    reposListed, reposRead, files, bytes, requests, wallMs: m.wallMs,
    projectedRequests: extrapolated ? Math.round(listRequests + perRepoReqs * reposListed) : requests,
    projectedWallMs: extrapolated ? Math.round(listMs + perRepoMs * reposListed) : m.wallMs,
    extrapolated,
  };
}
