import { OrgLink as Link } from "@/components/org-link";
import { formatDateTime } from "@/components/format";
import { formatBytes } from "@/lib/engine/rules/gha-cache-near-quota";
import { getDb } from "@/lib/server/db";
import { getRepoActionsCache } from "@/lib/server/queries/actions-cache";
import type { OrgRef } from "@/lib/server/queries/org";

const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 100) : 0);

function ageText(from: Date, to: Date): string {
  const h = Math.max(0, Math.round((to.getTime() - from.getTime()) / 3_600_000));
  return h < 48 ? `${h} h` : `${Math.round(h / 24)} days`;
}

/** The repository's GitHub Actions cache as the last scan read it: usage against the limit, BuildKit's share, thrash. */
export async function ActionsCachePanel({ org, repo }: { org: OrgRef; repo: string }) {
  const cache = await getRepoActionsCache(getDb(), org, repo);
  if (!cache) return null;
  const u = cache.usage;
  return (
    <section aria-labelledby="repo-actions-cache" data-testid="actions-cache" className="rounded-lg border border-zinc-200 bg-white p-4 text-sm dark:border-zinc-800 dark:bg-zinc-900">
      <h2 id="repo-actions-cache" className="mb-2 text-lg font-semibold">Actions cache</h2>
      {!u ? (
        <p className="text-zinc-600 dark:text-zinc-400">
          {cache.orgReadAt ? `No Actions cache entries when GitHub was last asked (${formatDateTime(cache.orgReadAt.toISOString())}).` : "Not read yet: the next org scan reads the Actions cache usage."}
        </p>
      ) : (
        <>
          <p>
            <span className="font-semibold">{formatBytes(u.usedBytes)}</span> of {formatBytes(u.limitBytes)}
            {u.limitAssumed ? " (GitHub's default, assumed)" : " (the repository's limit)"} · {pct(u.usedBytes, u.limitBytes)} % · {u.entries} entries
            {u.nearQuota && <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-900 dark:text-amber-100">over 80 %</span>}
          </p>
          <div role="meter" aria-label="Actions cache used" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.min(100, pct(u.usedBytes, u.limitBytes))}
            className="mt-2 h-2 w-full overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800">
            <div className={`h-2 ${u.nearQuota ? "bg-amber-500" : "bg-sky-600"}`} style={{ width: `${Math.min(100, u.share * 100)}%` }} />
          </div>
          {u.limitAssumed && u.limitNote && <p className="mt-1 text-xs text-zinc-500">Limit: {u.limitNote}.</p>}
          <dl className="mt-3 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
            <dt className="text-zinc-500">BuildKit&rsquo;s share</dt>
            <dd>
              {u.listing
                ? `${formatBytes(u.listing.buildkitBytes)} (${pct(u.listing.buildkitBytes, u.listing.bytes)} %) in ${u.listing.buildkitEntries} of ${u.listing.entries} entries (buildkit-blob-*, index-*)`
                : u.listError ? `not known: ${u.listError}` : "not listed (no type=gha build in this repository)"}
            </dd>
            <dt className="text-zinc-500">Thrash</dt>
            <dd>
              {!u.listing?.oldestCreatedAt ? "—"
                : u.listing.thrash ? `yes: the oldest entry was created ${ageText(u.listing.oldestCreatedAt, u.listing.listedAt)} before the listing, so entries are evicted within a day`
                : `no: the oldest entry is ${ageText(u.listing.oldestCreatedAt, u.listing.listedAt)} old`}
            </dd>
            <dt className="text-zinc-500">Read</dt>
            <dd>
              {formatDateTime(u.readAt.toISOString())} by <Link href={`/scans/${u.scanId}`} className="underline">scan #{u.scanId}</Link>
              {u.listing && u.listError && <span className="text-amber-700 dark:text-amber-300"> · last listing failed ({u.listError}); entries as listed {formatDateTime(u.listing.listedAt.toISOString())}</span>}
            </dd>
          </dl>
        </>
      )}
    </section>
  );
}
