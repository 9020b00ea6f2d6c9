import { displayPath, parseForeignPath } from "@/lib/engine/paths";
import type { FixPrView } from "@/lib/server/fix-prs/track";
import { AcceptRiskForm, RevokeRiskButton } from "./accept-risk";
import { FixPrButton } from "./fix-pr-button";
import { OrgLink as Link } from "@/components/org-link";
import { ConfidenceBadge, NewBadge, SeverityBadge } from "@/components/badges";
import { CodeView } from "@/components/code/code-view";
import { CopyButton } from "@/components/code/copy-button";
import { DiffView } from "@/components/code/diff-view";
import { formatDate, githubLineUrl } from "@/components/format";
import type { FindingRow } from "@/lib/server/queries/findings";
import type { RuleDoc } from "@/lib/server/queries/rules";
import { InlineCode } from "@/components/code/inline-code";

export function FindingCard({
  finding,
  rule,
  file,
  org,
  repo,
  branch,
  pr,
}: {
  /** the pull request that fixes it (open, merged or closed), if one was opened */
  pr?: FixPrView | null;
  finding: FindingRow;
  rule: RuleDoc | null;
  file: { path: string; text: string } | undefined;
  org: string;
  repo: string;
  branch: string;
}) {
  const related = finding.related.filter((r) => r.path === finding.path && (!r.repo || r.repo.endsWith(`/${repo}`)));
  // places in other files: where the run enters the action, script or Makefile, the other build, the pull
  const elsewhere = finding.related.filter((r) => !related.includes(r));
  const foreign = parseForeignPath(finding.path);
  return (
    <article id={`finding-${finding.id}`} aria-labelledby={`finding-${finding.id}-title`} className="scroll-mt-4 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900" data-testid="finding-card">
      <header className="flex flex-wrap items-center gap-2">
        <SeverityBadge severity={finding.severity} />
        <ConfidenceBadge confidence={finding.confidence} />
        {finding.isNew && <NewBadge />}
        <h3 id={`finding-${finding.id}-title`} className="font-semibold">
          <Link href={`/rules/${finding.ruleId}`} className="hover:underline">
            {rule?.title ?? finding.ruleId}
          </Link>
        </h3>
        <code className="text-xs text-zinc-500 dark:text-zinc-400">{finding.ruleId}</code>
      </header>
      <p className="mt-2 text-sm"><InlineCode text={finding.message} /></p>
      <dl className="mt-2 flex flex-wrap gap-x-6 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
        <div className="flex gap-1"><dt>Ref</dt><dd><code className="text-zinc-900 dark:text-zinc-100">{finding.ref}</code></dd></div>
        <div className="flex gap-1"><dt>Location</dt><dd><code>{displayPath(finding.path)}:{finding.line}:{finding.column}</code></dd></div>
        <div className="flex gap-1"><dt>First seen</dt><dd>{formatDate(finding.firstSeenAt)}</dd></div>
        {finding.line > 0 && <div>
          <a href={githubLineUrl(org, repo, branch, finding.path, finding.line)} target="_blank" rel="noreferrer" className="font-medium text-sky-700 underline dark:text-sky-300">
            Open line {finding.line} on GitHub
          </a>
        </div>}
      </dl>
      <div className="mt-3">
        {file ? (
          <CodeView path={file.path} text={file.text} highlight={[finding.line, ...related.map((r) => r.line)]} />
        ) : (
          <p className="text-sm text-zinc-500">The source of {finding.path} is not stored (the last scan could not read it).</p>
        )}
      </div>
      {related.length > 0 && (
        <ul className="mt-2 list-disc pl-6 text-xs text-zinc-600 dark:text-zinc-400">
          {related.map((r, i) => (
            <li key={i}>line {r.line}: {r.message}</li>
          ))}
        </ul>
      )}
      {elsewhere.length > 0 && (
        <ul className="mt-2 list-disc pl-6 text-xs text-zinc-600 dark:text-zinc-400" aria-label="Related places in other files" data-testid="finding-elsewhere">
          {elsewhere.map((r, i) => (
            <li key={i}><code>{r.repo && !r.repo.endsWith(`/${repo}`) ? `${r.repo}: ` : ""}{displayPath(r.path)}:{r.line}</code> {r.message}</li>
          ))}
        </ul>
      )}
      {rule && (
        <details className="mt-3 text-sm">
          <summary className="cursor-pointer font-medium">Why this breaks</summary>
          <p className="mt-2 text-zinc-700 dark:text-zinc-300"><InlineCode text={rule.description} /></p>
        </details>
      )}
      <section className="mt-3" aria-label="Suggested fix">
        <div className="mb-2 flex items-center justify-between gap-2">
          <h4 className="text-sm font-semibold">Suggested fix</h4>
          {finding.fixDiff && <CopyButton text={finding.fixDiff} label="Copy diff" />}
        </div>
        <p className="mb-2 text-sm text-zinc-700 dark:text-zinc-300"><InlineCode text={finding.fixDescription ?? rule?.fix ?? "No automatic fix for this finding."} /></p>
        {finding.fixDiff && <DiffView diff={finding.fixDiff} />}
        {finding.fixDiff && finding.resolvedScanId === null && (
          <div className="mt-3">
            {foreign ? (
              <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="fix-pr-elsewhere">
                This fix belongs to <code>{foreign.repo}</code> ({foreign.path} at {foreign.ref}): open the pull request in that repository.
              </p>
            ) : (
              <FixPrButton repo={repo} findingId={finding.id} label="Open fix PR" updateLabel="Update fix PR" existing={pr ?? null} />
            )}
          </div>
        )}
      </section>
      {finding.resolvedScanId === null && (
        <section className="mt-3 flex flex-wrap items-center gap-2 text-sm" aria-label="Suppression" data-testid="suppression">
          {finding.suppression ? (
            <p className="rounded-md bg-zinc-100 px-2 py-1 text-xs text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
              <span className="font-semibold">Suppressed</span>{" "}
              {finding.suppression.kind === "accepted"
                ? <>risk accepted by {finding.suppression.at} until {finding.suppression.until?.slice(0, 10)}: {finding.suppression.reason}{" "}<RevokeRiskButton findingId={finding.id} /></>
                : <>by {finding.suppression.kind === "inline" ? "an inline ignore" : ".github/cacheguard.yml"} ({finding.suppression.at}): {finding.suppression.reason}</>}
            </p>
          ) : (
            <AcceptRiskForm findingId={finding.id} />
          )}
        </section>
      )}
    </article>
  );
}
