import { OrgLink as Link } from "@/components/org-link";
import { RankBadge, SeverityBadge, TeamBadge } from "@/components/badges";
import { InlineCode } from "@/components/code/inline-code";
import { formatDate, githubLineUrl } from "@/components/format";
import { EvidenceList } from "@/components/problems/evidence";
import { displayPath } from "@/lib/engine/paths";
import type { FixPrView } from "@/lib/server/fix-prs/track";
import type { FindingRow } from "@/lib/server/queries/findings";
import type { ProblemRow } from "@/lib/server/queries/problems";
import type { RuleDoc } from "@/lib/server/queries/rules";
import { AcceptRiskForm } from "./accept-risk";
import { FindingCard } from "./finding-card";

interface Props {
  problem: ProblemRow;
  /** the repository whose page this is */
  repo: string;
  org: string;
  branch: string;
  rules: Map<string, RuleDoc>;
  fileOf: Map<string, { path: string; text: string }>;
  prs: Map<string, FixPrView>;
}

/**
 * One problem: its rank and why, its evidence (workflow lines, the registry's state of the tag, the
 * consumers), one code view and one fix (the primary finding's), and its other findings listed, each
 * with its own accept-risk. A problem whose fix lives in another repository links there instead.
 */
export function ProblemCard({ problem, repo, org, branch, rules, fileOf, prs }: Props) {
  const counted = problem.findings.filter((f) => !f.suppression);
  const primary = counted.find((f) => f.id === problem.primaryId) ?? counted[0];
  const others = counted.filter((f) => f !== primary);
  const elsewhere = problem.repo !== null && problem.repo !== repo;
  return (
    <article id={`problem-${problem.id}`} aria-labelledby={`problem-${problem.id}-title`} className="scroll-mt-4 rounded-lg border border-zinc-300 bg-zinc-50/50 p-4 dark:border-zinc-700 dark:bg-zinc-900/50" data-testid="problem-card">
      <header className="flex flex-wrap items-center gap-2">
        <RankBadge rank={problem.rank} label={problem.rankLabel} why={problem.why} />
        <SeverityBadge severity={problem.severity} />
        <h3 id={`problem-${problem.id}-title`} className="font-semibold">{problem.title}</h3>
        <code className="text-xs">{problem.ref}</code>
        <span className="ml-auto"><TeamBadge team={problem.team} source={problem.teamSource} /></span>
      </header>
      <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">
        {problem.why}
        {problem.fixedFindings > 0 && (
          <> · {problem.fixedFindings} of its findings {problem.fixedFindings === 1 ? "is" : "are"} fixed; it stays open while what is listed below holds.</>
        )}
      </p>
      <p className="mt-1 text-xs text-zinc-500">
        {counted.length} {counted.length === 1 ? "finding" : "findings"} · first seen {formatDate(problem.firstSeenAt)}
      </p>
      <section className="mt-3 rounded-md border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900" aria-label="Evidence">
        <EvidenceList problem={problem} />
      </section>
      {elsewhere ? (
        <p className="mt-3 text-sm" data-testid="problem-elsewhere">
          The code and the fix are in{" "}
          <Link href={`/repos/${encodeURIComponent(problem.repo!)}#problem-${problem.id}`} className="font-medium text-sky-700 underline dark:text-sky-300">{problem.repo}</Link>;
          this repository&apos;s part is listed below.
        </p>
      ) : (
        primary && (
          <div className="mt-3">
            <FindingCard finding={primary} rule={rules.get(primary.ruleId) ?? null} file={fileOf.get(primary.path)} org={org} repo={repo} branch={branch} pr={prs.get(primary.fingerprint) ?? null} />
          </div>
        )
      )}
      {(elsewhere ? counted.filter((f) => f.repo === repo) : others).length > 0 && (
        <section className="mt-3" aria-label="Other findings of this problem">
          <h4 className="mb-2 text-sm font-semibold">{elsewhere ? "Findings in this repository" : "Also part of this problem"}</h4>
          <ul className="flex flex-col gap-2">
            {(elsewhere ? counted.filter((f) => f.repo === repo) : others).map((f) => (
              <OtherFinding key={f.id} finding={f} rule={rules.get(f.ruleId) ?? null} org={org} repo={repo} branch={branch} />
            ))}
          </ul>
        </section>
      )}
    </article>
  );
}

function OtherFinding({ finding, rule, org, repo, branch }: { finding: FindingRow; rule: RuleDoc | null; org: string; repo: string; branch: string }) {
  const mine = finding.repo === repo;
  return (
    <li id={`finding-${finding.id}`} className="scroll-mt-4 rounded-md border border-zinc-200 bg-white p-3 text-sm dark:border-zinc-800 dark:bg-zinc-900" data-testid="problem-other-finding">
      <div className="flex flex-wrap items-center gap-2">
        <SeverityBadge severity={finding.severity} />
        <Link href={`/rules/${finding.ruleId}`} className="font-medium hover:underline">{rule?.title ?? finding.ruleId}</Link>
        <code className="text-xs text-zinc-500">{finding.ruleId}</code>
        <code className="text-xs">{finding.repo && !mine ? `${finding.repo}: ` : ""}{displayPath(finding.path)}{finding.line > 0 ? `:${finding.line}` : ""}</code>
        {mine && finding.line > 0 && (
          <a href={githubLineUrl(org, repo, branch, finding.path, finding.line)} target="_blank" rel="noreferrer" className="text-xs text-sky-700 underline dark:text-sky-300">
            line {finding.line} on GitHub
          </a>
        )}
      </div>
      <p className="mt-1 text-xs text-zinc-700 dark:text-zinc-300"><InlineCode text={finding.message} /></p>
      {finding.resolvedScanId === null && !finding.suppression && (
        <div className="mt-2" aria-label="Suppression" data-testid="suppression"><AcceptRiskForm findingId={finding.id} /></div>
      )}
    </li>
  );
}
