import { OrgLink as Link } from "@/components/org-link";
import { notFound } from "next/navigation";
import { formatDateTime } from "@/components/format";
import { TagsDataTable } from "@/components/tables/tags/data-table";
import { getDb } from "@/lib/server/db";
import { currentOrg } from "@/lib/server/queries/org";
import { viewedOrgLogin } from "@/lib/server/viewed-org";
import { getPackage } from "@/lib/server/queries/package-detail";
import { isCacheKind } from "@/lib/server/queries/tag-kinds";
import { packageStorage } from "@/lib/server/queries/storage";
import { CleanupPlan } from "./cleanup-plan";
import { StoragePanel } from "./storage-panel";

export async function PackageDetailView({ name, plan = {} }: { name: string; plan?: { olderThan?: string; keepLast?: string } }) {
  const db = getDb();
  const org = await currentOrg(db, await viewedOrgLogin());
  if (!org) notFound();
  const pkg = await getPackage(db, org, name);
  if (!pkg) notFound();
  const storage = await packageStorage(db, org, name, plan);
  const cacheTags = pkg.tags.filter((t) => isCacheKind(t.kind)).length;
  const flagged = pkg.tags.filter((t) => t.flagged).length;
  return (
    <div className="flex flex-col gap-4">
      <nav aria-label="Breadcrumb" className="text-sm text-zinc-500">
        <Link href="/packages" className="hover:underline">Packages</Link> / <span>{pkg.name}</span>
      </nav>
      <header className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="font-mono text-2xl font-semibold">ghcr.io/{org.login.toLowerCase()}/{pkg.name}</h1>
        <p className="text-sm text-zinc-500">
          {pkg.visibility ?? "visibility unknown"}
          {pkg.repoName && (
            <>
              {" "}· from <Link href={`/repos/${encodeURIComponent(pkg.repoName)}`} className="underline">{pkg.repoName}</Link>
            </>
          )}{" "}
          · updated {formatDateTime(pkg.updatedAt)}
        </p>
      </header>
      <p className="text-sm">
        {pkg.tags.length} tags · <span className={cacheTags ? "font-semibold text-red-700 dark:text-red-300" : ""}>{cacheTags} hold a cache</span>
        {flagged > 0 && <> · {flagged} flagged</>}
      </p>
      <TagsDataTable data={pkg.tags} pkg={pkg.name} />
      {storage && <StoragePanel figures={storage.figures} />}
      {storage && <CleanupPlan storage={storage} pkg={pkg.name} />}
    </div>
  );
}
