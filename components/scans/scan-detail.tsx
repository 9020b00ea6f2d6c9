import { OrgLink as Link } from "@/components/org-link";
import { notFound } from "next/navigation";
import { ScanStatusBadge } from "@/components/badges";
import { formatDateTime, formatDuration, scopeText } from "@/components/format";
import { getDb } from "@/lib/server/db";
import { currentOrg } from "@/lib/server/queries/org";
import { viewedOrgLogin } from "@/lib/server/viewed-org";
import { type FileIssueRow, type ScanActionRow, type WebhookDeliveryRow, getScanDetail } from "@/lib/server/queries/scans";
import { coverageText } from "@/lib/server/scan/coverage";

function IssueList({ items }: { items: FileIssueRow[] }) {
  return (
    <ul className="flex flex-col gap-1 text-sm">
      {items.map((f, i) => (
        <li key={i} className="flex flex-wrap gap-x-2">
          {f.repo ? (
            <Link href={`/repos/${encodeURIComponent(f.repo)}`} className="font-medium underline">{f.repo}</Link>
          ) : (
            <span className="font-medium">(registry)</span>
          )}
          <code className="font-mono text-xs">{f.path}{f.line !== null ? `:${f.line}` : ""}</code>
          <span className="text-zinc-600 dark:text-zinc-400">{f.message}</span>
        </li>
      ))}
    </ul>
  );
}

const ACTION_LABELS: Record<string, string> = {
  slack: "Slack message",
  webhook: "Webhook",
  "code-scanning": "Code scanning upload",
  issue: "Repository issue",
  alerts: "Alerts",
};

function ActionList({ items }: { items: ScanActionRow[] }) {
  return (
    <ul className="flex flex-col gap-1 text-sm">
      {items.map((a, i) => (
        <li key={i} className="flex flex-wrap items-baseline gap-x-2" data-action-status={a.status}>
          <span className={a.status === "failed" ? "font-medium text-red-700 dark:text-red-400" : a.status === "skipped" ? "text-zinc-500" : "text-emerald-700 dark:text-emerald-400"}>
            {a.status}
          </span>
          <span className="font-medium">{ACTION_LABELS[a.kind] ?? a.kind}</span>
          <span>{a.target}</span>
          {a.attempts > 1 && <span className="text-xs text-zinc-500">{a.attempts} attempts</span>}
          {a.url && <a href={a.url} className="text-xs underline" rel="noreferrer">open</a>}
          {a.message && <span className="text-zinc-600 dark:text-zinc-400">{a.message}</span>}
        </li>
      ))}
    </ul>
  );
}

function DeliveryList({ items }: { items: WebhookDeliveryRow[] }) {
  return (
    <ul className="flex flex-col gap-1 text-sm">
      {items.map((d) => (
        <li key={d.deliveryId} className="flex flex-wrap items-baseline gap-x-2" data-delivery-status={d.status}>
          <span className="font-medium">{d.event}{d.action ? `.${d.action}` : ""}</span>
          {d.repo && <Link href={`/repos/${encodeURIComponent(d.repo)}`} className="underline">{d.repo}</Link>}
          {d.package && <Link href={`/packages/${encodeURIComponent(d.package)}`} className="underline">{d.package}</Link>}
          <span className="text-xs text-zinc-500">{formatDateTime(d.receivedAt)}</span>
          <code className="font-mono text-xs text-zinc-500">{d.deliveryId}</code>
          <span className="text-zinc-600 dark:text-zinc-400">{d.message}</span>
        </li>
      ))}
    </ul>
  );
}

/** One scan: what it read, what it found, and every file it did not analyse, with the reason. */
export async function ScanDetailView({ id }: { id: number }) {
  const db = getDb();
  const org = await currentOrg(db, await viewedOrgLogin());
  if (!org) notFound();
  const detail = await getScanDetail(db, org, id);
  if (!detail) notFound();
  const { scan, issues, actions, deliveries } = detail;
  const notAnalysed = issues.filter((i) => i.kind !== "warning");
  const notes = issues.filter((i) => i.kind === "warning");
  return (
    <div className="flex flex-col gap-6">
      <nav aria-label="Breadcrumb" className="text-sm text-zinc-500">
        <Link href="/scans" className="hover:underline">Scans</Link> / <span>#{scan.id}</span>
      </nav>
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">Scan #{scan.id}</h1>
        <ScanStatusBadge status={scan.status} />
        <p className="text-sm text-zinc-500">
          {formatDateTime(scan.startedAt)} · {scan.trigger} · {formatDuration(scan.durationMs)}
        </p>
        {scan.scope && (
          <p className="w-full text-sm" data-testid="scan-scope">
            Incremental scan of the {scopeText(scan.scope)}: it read only that{scan.scope === "repos" ? " (the repositories that changed)" : ""}, and
            analysed it with every other repository&apos;s stored files; findings elsewhere were left as they were unless this change alters them.
          </p>
        )}
      </header>
      <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
        <div><dt className="text-xs uppercase text-zinc-500">Repositories</dt><dd className="tabular-nums">{scan.reposDone} of {scan.reposTotal} ({scan.reposSkipped} unchanged)</dd></div>
        <div><dt className="text-xs uppercase text-zinc-500">API requests</dt><dd className="tabular-nums">{scan.restRequests} REST · {scan.graphqlRequests} GraphQL · {scan.registryRequests} registry</dd></div>
        <div>
          <dt className="text-xs uppercase text-zinc-500">Findings</dt>
          <dd className="tabular-nums">{scan.newCount} new · {scan.resolvedCount} resolved · {scan.openCount} open</dd>
          <dd><Link href={`/?since=${scan.id}`} className="text-xs underline">new since this scan</Link></dd>
        </div>
        <div>
          <dt className="text-xs uppercase text-zinc-500">Coverage</dt>
          <dd className="tabular-nums">{scan.filesTotal === null || scan.filesAnalysed === null ? "no analysis (the scan ended before it)" : coverageText({ files: scan.filesTotal, analysed: scan.filesAnalysed })}</dd>
        </div>
      </dl>
      {scan.error && <p role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-700 dark:bg-red-950 dark:text-red-200">{scan.error}</p>}
      {scan.repoErrors.length > 0 && (
        <section aria-labelledby="scan-repo-errors">
          <h2 id="scan-repo-errors" className="mb-2 text-lg font-semibold">Not read completely ({scan.repoErrors.length})</h2>
          <p className="mb-2 text-xs text-zinc-500">Their findings from earlier scans are kept, none was resolved.</p>
          <ul className="flex flex-col gap-1 text-sm">
            {scan.repoErrors.map((e, i) => <li key={i}><span className="font-medium">{e.repo}</span>: {e.message}</li>)}
          </ul>
        </section>
      )}
      <section aria-labelledby="scan-not-analysed">
        <h2 id="scan-not-analysed" className="mb-2 text-lg font-semibold">Files not analysed ({notAnalysed.length})</h2>
        {notAnalysed.length === 0 ? (
          <p className="text-sm text-zinc-500">Every file this scan read was analysed.</p>
        ) : (
          <IssueList items={notAnalysed} />
        )}
      </section>
      {deliveries.length > 0 && (
        <section aria-labelledby="scan-deliveries">
          <h2 id="scan-deliveries" className="mb-2 text-lg font-semibold">Webhook deliveries ({deliveries.length})</h2>
          <DeliveryList items={deliveries} />
        </section>
      )}
      {actions.length > 0 && (
        <section aria-labelledby="scan-actions">
          <h2 id="scan-actions" className="mb-2 text-lg font-semibold">
            After the scan ({actions.filter((a) => a.status === "failed").length} failed of {actions.length})
          </h2>
          <p className="mb-2 text-xs text-zinc-500">Alerts, uploads and issues; a failure here never fails the scan.</p>
          <ActionList items={actions} />
        </section>
      )}
      {notes.length > 0 && (
        <details>
          <summary className="cursor-pointer text-lg font-semibold">Analysis notes ({notes.length})</summary>
          <div className="mt-2"><IssueList items={notes} /></div>
        </details>
      )}
    </div>
  );
}
