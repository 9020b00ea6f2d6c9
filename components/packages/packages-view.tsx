import { connection } from "next/server";
import { PackagesDataTable } from "@/components/tables/packages/data-table";
import { getDb } from "@/lib/server/db";
import { currentOrg } from "@/lib/server/queries/org";
import { viewedOrgLogin } from "@/lib/server/viewed-org";
import { listPackages } from "@/lib/server/queries/packages";
import { orgStorage } from "@/lib/server/queries/storage";
import { StorageTotalLine } from "./storage-total";
import { NoOrgYet } from "@/components/report/no-org-yet";

export async function PackagesView() {
  await connection(); // always read the database at request time, never at build time
  const db = getDb();
  const org = await currentOrg(db, await viewedOrgLogin());
  if (!org) return <NoOrgYet />;
  const [packages, storage] = await Promise.all([listPackages(db, org), orgStorage(db, org)]);
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-semibold">
        Packages <span className="text-zinc-500 dark:text-zinc-400">· ghcr.io/{org.login.toLowerCase()}</span>
      </h1>
      <p className="max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">
        Container packages and their tags, classified by manifest. A tag whose manifest is a BuildKit cache cannot be run: <code>docker run</code> on it fails.
      </p>
      <StorageTotalLine total={storage} />
      <PackagesDataTable data={packages} />
    </div>
  );
}
