import { formatBytes } from "@/lib/server/storage/figures";
import type { orgStorage } from "@/lib/server/queries/storage";

const n = (x: number) => x.toLocaleString("en-US");

/** The org's line: what cache exports hold, in how many untagged versions, and how many are orphans. */
export function StorageTotalLine({ total }: { total: Awaited<ReturnType<typeof orgStorage>> }) {
  if (total.packages === 0) return null;
  return (
    <section aria-label="Storage" data-testid="storage-total" className="rounded-lg border border-zinc-200 bg-white p-4 text-sm dark:border-zinc-800 dark:bg-zinc-900">
      <p>
        Cache exports hold <strong className="tabular-nums">~{formatBytes(total.cacheBytes)}</strong>{" "}
        <span className="text-zinc-500">(distinct layers of the {n(total.cacheManifests)} cache manifest{total.cacheManifests === 1 ? "" : "s"} read)</span>{" "}
        in <strong className="tabular-nums">{n(total.untagged)}</strong> untagged versions, <strong className="tabular-nums">{n(total.orphans)}</strong> of them orphans
        {total.orphansUnknown > 0 && <> (not yet known for {n(total.orphansUnknown)} package{total.orphansUnknown === 1 ? "" : "s"} whose versions are still being read)</>}
        , across {n(total.packages)} package{total.packages === 1 ? "" : "s"} and {n(total.versions)} versions.
      </p>
      <p className="mt-1 text-zinc-600 dark:text-zinc-400">
        An orphan is an untagged version no kept tag needs (not a tag&apos;s manifest, not listed by a tagged index, not a signature or attestation of a kept image). Plan their clean-up with{" "}
        <code className="font-mono text-xs">{total.command}</code>; each package&apos;s page shows its plan.
      </p>
    </section>
  );
}
