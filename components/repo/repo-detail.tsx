import { OrgLink as Link } from "@/components/org-link";
import { notFound } from "next/navigation";
import { getDb } from "@/lib/server/db";
import { currentOrg } from "@/lib/server/queries/org";
import { viewedOrgLogin } from "@/lib/server/viewed-org";
import { getRepo } from "@/lib/server/queries/repos";
import { listRules } from "@/lib/server/queries/rules";
import { SeverityBadge, TeamBadge } from "@/components/badges";
import { fixPullRequestsOf } from "@/lib/server/fix-prs/track";
import { ActionsCachePanel } from "./actions-cache-panel";
import { BuildMapView } from "./build-map";
import { FixPrBadge } from "./fix-pr-badge";
import { FixPrButton } from "./fix-pr-button";
import { FindingCard } from "./finding-card";
import { ProblemCard } from "./problem-card";

export async function RepoDetailView({ name }: { name: string }) {
  const db = getDb();
  const org = await currentOrg(db, await viewedOrgLogin());
  if (!org) notFound();
  const repo = await getRepo(db, org, name);
  if (!repo) notFound();
  const rules = new Map(listRules().map((r) => [r.id, r]));
  const fileOf = new Map(repo.files.map((f) => [f.path, f]));
  const prs = await fixPullRequestsOf(db, org.id, repo.name);
  const fixAll = [...prs.values()].find((p) => p.branch === "cacheguard/fix-all" && p.state === "open") ?? null;
  const fixable = repo.findings.some((f) => f.fixDiff && !f.path.startsWith("//"));
  return (
    <div className="flex flex-col gap-6">
      <nav aria-label="Breadcrumb" className="text-sm text-zinc-500">
        <Link href="/" className="hover:underline">Report</Link> / <span>{repo.name}</span>
      </nav>
      <header className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold">
          {repo.org}/{repo.name}
        </h1>
        <p className="text-sm text-zinc-500">
          branch <code>{repo.defaultBranch}</code>
          {repo.headSha && (
            <>
              {" "}at <code>{repo.headSha.slice(0, 7)}</code>
            </>
          )}{" "}
          · {repo.files.length} stored file{repo.files.length === 1 ? "" : "s"} ·{" "}
          <span className="inline-flex items-center gap-1 align-middle" aria-label="Owner team">owners <TeamBadge team={repo.team} source={repo.teamSource} /></span> ·{" "}
          <a href={`https://github.com/${repo.org}/${repo.name}`} target="_blank" rel="noreferrer" className="text-sky-700 underline dark:text-sky-300">
            GitHub
          </a>
        </p>
      </header>
      {repo.lastError && (
        <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200">
          The last scan could not read this repository completely: {repo.lastError}. Findings from the previous complete scan are kept.
        </p>
      )}
      {repo.coverage && repo.coverage.notAnalysed.length > 0 && (
        <section aria-labelledby="repo-not-analysed" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200">
          <h2 id="repo-not-analysed" className="font-semibold">
            {repo.coverage.notAnalysed.length} file{repo.coverage.notAnalysed.length === 1 ? " was" : "s were"} not analysed
          </h2>
          <p className="mb-2 text-xs">
            Findings in {repo.coverage.notAnalysed.length === 1 ? "it" : "them"} are not shown: &ldquo;no findings&rdquo; does not cover {repo.coverage.notAnalysed.length === 1 ? "this file" : "these files"}.
            As of <Link href={`/scans/${repo.coverage.scanId}`} className="underline">scan #{repo.coverage.scanId}</Link>.
          </p>
          <ul className="flex flex-col gap-1">
            {repo.coverage.notAnalysed.map((f, i) => (
              <li key={i}>
                <code className="font-mono text-xs">{f.path}{f.line !== null ? `:${f.line}` : ""}</code>{" "}
                <span>{f.kind === "unread" ? "could not be read" : "could not be analysed"}: {f.message}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="repo-findings" className="flex flex-col gap-4">
        <h2 id="repo-findings" className="flex items-center gap-2 text-lg font-semibold">
          Open problems <span className="text-sm font-normal text-zinc-500">({repo.problems.length + repo.ungrouped.length})</span>
          <span className="text-sm font-normal text-zinc-500">· {repo.findings.length} {repo.findings.length === 1 ? "finding" : "findings"}</span>
          {repo.findings.some((f) => f.severity === "error") && <SeverityBadge severity="error" />}
        </h2>
        {fixable && (
          <div className="rounded-lg border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900">
            <p className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">One pull request with every fix of this repository, one commit per file, on <code>cacheguard/fix-all</code>.</p>
            <FixPrButton repo={repo.name} label="Fix all in this repo" updateLabel="Update the fix-all PR" existing={fixAll} />
          </div>
        )}
        {repo.findings.length === 0 ? (
          <p className="rounded-lg border border-zinc-200 bg-white p-6 text-sm text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400">
            No open findings in this repository. Its builds export caches to refs of their own; nothing to fix here.
          </p>
        ) : (
          <>
            {repo.problems.map((p) => (
              <ProblemCard key={p.id} problem={p} repo={repo.name} org={repo.org} branch={repo.defaultBranch} rules={rules} fileOf={fileOf} prs={prs} />
            ))}
            {/* stored before a scan grouped them: each is shown as it is until the next scan */}
            {repo.ungrouped.map((f) => (
              <FindingCard key={f.id} finding={f} rule={rules.get(f.ruleId) ?? null} file={fileOf.get(f.path)} org={repo.org} repo={repo.name} branch={repo.defaultBranch} pr={prs.get(f.fingerprint) ?? null} />
            ))}
          </>
        )}
      </section>
      {repo.suppressed.length > 0 && (
        <section aria-labelledby="repo-suppressed" className="flex flex-col gap-4">
          <h2 id="repo-suppressed" className="text-lg font-semibold">
            Suppressed <span className="text-sm font-normal text-zinc-500">({repo.suppressed.length}, not counted)</span>
          </h2>
          {repo.suppressed.map((f) => (
            <FindingCard key={f.id} finding={f} rule={rules.get(f.ruleId) ?? null} file={fileOf.get(f.path)} org={repo.org} repo={repo.name} branch={repo.defaultBranch} pr={prs.get(f.fingerprint) ?? null} />
          ))}
        </section>
      )}
      <section aria-labelledby="repo-builds" className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
        <h2 id="repo-builds" className="mb-3 text-lg font-semibold">Build map</h2>
        {repo.buildMap ? (
          <BuildMapView map={repo.buildMap} />
        ) : (
          <p className="text-sm text-zinc-500">No build map is stored for this repository yet; the next scan stores one.</p>
        )}
      </section>
      <ActionsCachePanel org={org} repo={repo.name} />
      {repo.coverage && repo.coverage.partly.length > 0 && (
        <details className="rounded-lg border border-zinc-200 bg-white p-4 text-sm dark:border-zinc-800 dark:bg-zinc-900">
          <summary className="cursor-pointer font-semibold">Analysis notes ({repo.coverage.partly.length})</summary>
          <p className="mt-1 text-xs text-zinc-500">Files read but partly understood (a value known only at run time, a bounded expansion, a named file that does not exist).</p>
          <ul className="mt-2 flex flex-col gap-1">
            {repo.coverage.partly.map((f, i) => (
              <li key={i}><code className="font-mono text-xs">{f.path}{f.line !== null ? `:${f.line}` : ""}</code> {f.message}</li>
            ))}
          </ul>
        </details>
      )}
      {repo.resolved.length > 0 && (
        <section aria-labelledby="repo-resolved">
          <h2 id="repo-resolved" className="mb-2 text-lg font-semibold">Resolved findings</h2>
          <ul className="flex flex-col gap-1 text-sm">
            {repo.resolved.map((f) => (
              <li key={f.id} className="flex flex-wrap items-center gap-2">
                <SeverityBadge severity={f.severity} /> <code className="text-xs">{f.ruleId}</code> <code className="text-xs">{f.ref}</code>
                <span className="text-xs text-zinc-500">{f.path}:{f.line} · fixed in scan #{f.resolvedScanId}</span>
                {prs.get(f.fingerprint) && (
                  <span className="flex items-center gap-1 text-xs" data-testid="resolved-fix-pr">
                    <a href={prs.get(f.fingerprint)!.url} target="_blank" rel="noreferrer" className="text-sky-700 underline dark:text-sky-300">PR #{prs.get(f.fingerprint)!.number}</a>
                    <FixPrBadge state={prs.get(f.fingerprint)!.state} />
                  </span>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
