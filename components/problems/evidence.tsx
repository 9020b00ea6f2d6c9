import { OrgLink as Link } from "@/components/org-link";
import { KindBadge } from "@/components/badges";
import { shortDigest } from "@/components/format";
import type { ProblemRow } from "@/lib/server/queries/problems";

const KIND_WORDS: Record<string, string> = { "cache-index": "cache (index)", index: "multi-platform" };

const repoHref = (repo: string, anchor: string) => `/repos/${encodeURIComponent(repo)}#${anchor}`;

/** One line for a table cell: where the workflows say it, what the registry holds, who pulls it. */
export function EvidenceSummary({ problem }: { problem: ProblemRow }) {
  const { workflow, registry, consumers } = problem.evidence;
  const parts: string[] = [];
  if (workflow.length > 0) parts.push(`${workflow[0].path.split("/").pop()}:${workflow[0].line}${workflow.length > 1 ? ` +${workflow.length - 1}` : ""}`);
  const kinds = new Map<string, number>();
  for (const r of registry) if (r.kind) kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
  for (const [kind, n] of kinds) parts.push(`registry: ${KIND_WORDS[kind] ?? kind}${n > 1 ? ` ×${n}` : ""}`);
  if (consumers.length > 0) parts.push(`${consumers.length} ${consumers.length === 1 ? "consumer" : "consumers"}`);
  return <span className="text-xs text-zinc-600 dark:text-zinc-400">{parts.join(" · ") || "—"}</span>;
}

/**
 * A problem's evidence, listed: the workflow lines (each a finding on its repository page), the
 * registry's state of the tag (kind and digest, as the last scan read it) and the consumers.
 */
export function EvidenceList({ problem }: { problem: ProblemRow }) {
  const { workflow, registry, consumers } = problem.evidence;
  return (
    <dl className="grid grid-cols-[8rem_1fr] gap-x-4 gap-y-2 text-sm" data-testid="problem-evidence">
      {workflow.length > 0 && (
        <>
          <dt className="text-xs font-medium uppercase tracking-wide text-zinc-500">Workflow</dt>
          <dd>
            <ul className="flex flex-col gap-1">
              {workflow.map((w) => (
                <li key={w.findingId} className="flex flex-wrap items-baseline gap-2">
                  {w.repo ? (
                    <Link href={repoHref(w.repo, `finding-${w.findingId}`)} className="font-mono text-xs hover:underline">
                      {w.repo !== problem.repo ? `${w.repo}: ` : ""}{w.path}:{w.line}
                    </Link>
                  ) : (
                    <code className="text-xs">{w.path}:{w.line}</code>
                  )}
                  <code className="text-xs text-zinc-500">{w.ruleId}</code>
                </li>
              ))}
            </ul>
          </dd>
        </>
      )}
      {registry.length > 0 && (
        <>
          <dt className="text-xs font-medium uppercase tracking-wide text-zinc-500">Registry</dt>
          <dd>
            <ul className="flex flex-col gap-1">
              {registry.map((r) => (
                <li key={r.ref} className="flex flex-wrap items-center gap-2" data-testid="registry-evidence">
                  <code className="text-xs">{r.ref}</code>
                  {r.kind ? <KindBadge kind={r.kind} /> : <span className="text-xs text-zinc-500">not read</span>}
                  {r.digest && <code className="text-xs text-zinc-500" title={r.digest}>{shortDigest(r.digest)}</code>}
                  {r.reason && <span className="text-xs text-zinc-500">{r.reason}</span>}
                </li>
              ))}
            </ul>
          </dd>
        </>
      )}
      <dt className="text-xs font-medium uppercase tracking-wide text-zinc-500">Consumers</dt>
      <dd>
        {consumers.length === 0 ? (
          <span className="text-xs text-zinc-500">no workflow pulls or runs it</span>
        ) : (
          <ul className="flex flex-col gap-1">
            {consumers.map((c, i) => (
              <li key={i} className="text-xs">
                <code>{c.repo && c.repo !== problem.repo ? `${c.repo}: ` : ""}{c.path}:{c.line}</code> <span className="text-zinc-500">{c.kind}</span>
              </li>
            ))}
          </ul>
        )}
      </dd>
    </dl>
  );
}
