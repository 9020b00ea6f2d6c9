import { CopyButton } from "@/components/code/copy-button";
import { formatDate, shortDigest } from "@/components/format";
import type { PackageStorage } from "@/lib/server/queries/storage";
import { formatBytes } from "@/lib/server/storage/figures";

const n = (x: number) => x.toLocaleString("en-US");
const KIND: Record<string, string> = {
  cache: "cache export", "cache-index": "cache export (index form)", index: "multi-platform index", image: "image",
  attestation: "attestation", signature: "signature", artifact: "artifact", unknown: "unknown", "not read": "not read yet",
};
const WHY: Record<string, string> = {
  tagged: "tagged", child: "listed by a tagged index", signed: "named by a cosign tag", subject: "subject of a kept referrer",
  referrer: "signs or attests a kept image", "needed-by-kept": "listed by a kept index", "keep-last": "--keep-last", newer: "--older-than", unread: "not read",
};

/** The clean-up plan for the options in the URL: read only; the command applies it. */
export function CleanupPlan({ storage, pkg }: { storage: PackageStorage; pkg: string }) {
  const { plan, options } = storage;
  return (
    <section aria-label="Clean-up plan" className="flex flex-col gap-3" data-testid="cleanup-plan">
      <h2 className="text-lg font-semibold">Clean-up plan <span className="text-sm font-normal text-zinc-500">(read only)</span></h2>
      <form method="get" action={`/packages/${encodeURIComponent(pkg)}`} className="flex flex-wrap items-end gap-3 text-sm">
        <label className="flex flex-col gap-1">
          <span className="text-xs text-zinc-500">older than (30d, 12h, 2w)</span>
          <input name="olderThan" defaultValue={options.olderThan ?? ""} placeholder="30d" className="w-28 rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900" />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs text-zinc-500">keep last cache exports</span>
          <input name="keepLast" defaultValue={options.keepLast ?? ""} placeholder="0" inputMode="numeric" className="w-28 rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900" />
        </label>
        <button type="submit" className="rounded border border-zinc-300 px-3 py-1 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800">Show plan</button>
      </form>
      {storage.optionError && <p className="text-sm text-red-700 dark:text-red-300" role="alert">{storage.optionError}</p>}
      {plan.problem ? (
        <p className="text-sm text-amber-800 dark:text-amber-300" data-testid="plan-problem">No plan for this package yet: {plan.problem}.</p>
      ) : (
        <>
          <p className="text-sm" data-testid="plan-summary">
            <strong className="tabular-nums">{n(plan.deleteCount)}</strong> version{plan.deleteCount === 1 ? "" : "s"} safe to delete
            {plan.bytesFreed > 0 && <>, ~{formatBytes(plan.bytesFreed)} of cache layers freed</>}
            {plan.deleteCount > 0 && <> ({Object.entries(plan.deletedBy).map(([k, c]) => `${n(c)} ${KIND[k] ?? k}`).join(", ")})</>}
            ; {n(plan.keepCount)} kept.
          </p>
          {plan.unread > 0 && (
            <p className="text-xs text-zinc-600 dark:text-zinc-400">
              A scan reads no untagged manifest: {n(plan.unread)} of the {n(plan.orphans)} orphan{plan.orphans === 1 ? "" : "s"} {plan.unread === 1 ? "was" : "were"} never read. <code className="font-mono">cacheguard cleanup</code> reads
              each one first, and keeps any it cannot read or that turns out to list, sign or attest a kept version: its plan can only keep more than this one.
            </p>
          )}
          <div className="flex flex-col gap-1 rounded-lg border border-zinc-200 bg-zinc-50 p-3 text-sm dark:border-zinc-800 dark:bg-zinc-900">
            <p>To see it from GitHub&apos;s current state, then apply it (a token with <code className="font-mono text-xs">delete:packages</code>; one delete a second):</p>
            <p className="flex flex-wrap items-center gap-2"><code className="font-mono text-xs" data-testid="plan-command">{storage.commands.plan}</code> <CopyButton text={storage.commands.plan} /></p>
            <p className="flex flex-wrap items-center gap-2"><code className="font-mono text-xs" data-testid="apply-command">{storage.commands.apply}</code> <CopyButton text={storage.commands.apply} /></p>
          </div>
          <PlanTable title={`Kept (${n(plan.keepCount)})`} rows={plan.keeps.map((k) => ({ id: k.id, digest: k.digest, cells: [WHY[k.why] ?? k.why, k.reason] }))} total={plan.keepCount} head={["why", "reason"]} testId="kept-row" />
          <PlanTable title={`Safe to delete (${n(plan.deleteCount)})`} rows={plan.deletes.map((d) => ({ id: d.id, digest: d.digest, cells: [formatDate(d.updatedAt), d.kind ? KIND[d.kind] ?? d.kind : KIND["not read"], d.bytes ? formatBytes(d.bytes) : "—"] }))} total={plan.deleteCount} head={["updated", "holds", "layers freed"]} testId="delete-row" />
        </>
      )}
    </section>
  );
}

function PlanTable({ title, rows, total, head, testId }: { title: string; rows: Array<{ id: number; digest: string; cells: string[] }>; total: number; head: string[]; testId: string }) {
  if (total === 0) return null;
  return (
    <details open={testId === "kept-row" || total <= 20} className="text-sm">
      <summary className="cursor-pointer font-medium">{title}</summary>
      <div className="mt-2 overflow-x-auto">
        <table className="w-full border-collapse text-left text-sm">
          <thead>
            <tr className="border-b border-zinc-200 text-xs text-zinc-500 dark:border-zinc-800">
              <th className="py-1 pr-3 font-medium">version</th>
              <th className="py-1 pr-3 font-medium">digest</th>
              {head.map((h) => <th key={h} className="py-1 pr-3 font-medium">{h}</th>)}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid={testId} className="border-b border-zinc-100 dark:border-zinc-800/60">
                <td className="py-1 pr-3 tabular-nums">{r.id}</td>
                <td className="py-1 pr-3 font-mono text-xs" title={r.digest}>{shortDigest(r.digest)}</td>
                {r.cells.map((c, i) => <td key={i} className="py-1 pr-3">{c}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
        {total > rows.length && <p className="mt-1 text-xs text-zinc-500">…and {n(total - rows.length)} more: the command&apos;s <code className="font-mono">--plan</code> (and <code className="font-mono">--format json</code>) lists every one, with its reason.</p>}
      </div>
    </details>
  );
}
