import { formatDateTime } from "@/components/format";
import { formatBytes, type StorageFigures } from "@/lib/server/storage/figures";

const n = (x: number | null) => (x === null ? "—" : x.toLocaleString("en-US"));

function Figure({ label, value, note, testId }: { label: string; value: string; note?: string; testId: string }) {
  return (
    <div className="rounded-lg border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900" data-testid={testId}>
      <p className="text-xs font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums">{value}</p>
      {note && <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">{note}</p>}
    </div>
  );
}

/** A package's storage figures, as the last scan stored them. */
export function StoragePanel({ figures }: { figures: StorageFigures | null }) {
  if (!figures) {
    return <p className="text-sm text-zinc-500" data-testid="storage-none">No storage figures yet: the next scan reads this package&apos;s versions.</p>;
  }
  return (
    <section aria-label="Storage" className="flex flex-col gap-2">
      <h2 className="text-lg font-semibold">Storage</h2>
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Figure testId="figure-tagged" label="Tagged versions" value={n(figures.tagged)} note={`of ${n(figures.versionCount ?? figures.versionsStored)} versions`} />
        <Figure testId="figure-untagged" label="Untagged versions" value={n(figures.untagged)} note="platform manifests, attestations, old images and cache exports" />
        <Figure testId="figure-orphans" label="Orphans" value={n(figures.orphans)} note={figures.orphans === null ? "not known until the versions list is read to its end" : "untagged and needed by no kept tag"} />
        <Figure testId="figure-cache-bytes" label="Cache layers" value={formatBytes(figures.cacheBytes)} note={`distinct layers of ${n(figures.cacheManifests)} cache manifest${figures.cacheManifests === 1 ? "" : "s"} read`} />
      </div>
      <p className="text-xs text-zinc-500" data-testid="versions-read">
        {figures.versionsComplete
          ? `Versions list read to its end (${n(figures.versionsStored)} versions); figures of ${formatDateTime(figures.computedAt)}.`
          : `Versions list read in part: ${n(figures.versionsStored)} of ${n(figures.versionCount)}. Scans read on, 100 a page, within a share of each scan's requests.`}
      </p>
    </section>
  );
}
