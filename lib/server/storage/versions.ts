import type { GitHubClient } from "@/lib/github/client";
import { type PackageVersionInfo } from "@/lib/github/packages";
import { readVersionsPage } from "@/lib/github/package-versions";
import { chunks } from "@/lib/server/chunk";
import type { Db } from "@/lib/server/db";

/**
 * A package's versions list (GitHub's Packages API, 100 a page, newest first), stored page by page
 * as it is read, so a read cut short by its budget goes on where it stopped at the next scan.
 *
 * - A **pass** reads the list from page 1 to its end; each version it lists is stamped with the
 *   pass, and at the end the versions it did not list (deleted on GitHub) are dropped. The list is
 *   then complete as of the package's `updated_at` when the pass began.
 * - A package that changed since a complete list is **topped up**: pages from the newest until one
 *   holds nothing new; when the stored count then matches GitHub's `version_count` the list is
 *   complete again, else (versions were deleted) a new pass starts.
 * - An unchanged package with a complete list costs nothing.
 */

export interface PageBudget {
  /** may one more page be read now? (waits while the budget may still grow; false: stop) */
  take(): Promise<boolean>;
}

export const UNLIMITED: PageBudget = { take: async () => true };

export interface PackageToRead {
  id: number;
  name: string;
  /** GitHub's `updated_at` and `version_count` for the package, from this scan's package list */
  updatedAt: Date;
  versionCount: number | null;
}

export interface VersionsRead {
  pages: number;
  /** the stored list is complete now (as of `updatedAt`) */
  complete: boolean;
  /** the token's scopes as GitHub named them on the last page read (null: not named) */
  scopes: string[] | null;
}

type Row = { versionId: bigint; digest: string; tags: string; updatedAt: Date };

/** Store one page: new versions inserted, changed ones (tags, dates) updated, all stamped with `pass`. Returns how many were new or changed. */
export async function storeVersions(db: Db, packageId: number, pass: number, versions: PackageVersionInfo[]): Promise<number> {
  const ids = versions.map((v) => BigInt(v.id));
  const old = new Map<string, Row>();
  for (const part of chunks(ids)) {
    for (const r of await db.packageVersion.findMany({ where: { packageId, versionId: { in: part } }, select: { versionId: true, digest: true, tags: true, updatedAt: true } })) {
      old.set(String(r.versionId), r);
    }
  }
  const created = [];
  const same: bigint[] = [];
  const writes = [];
  for (const v of versions) {
    const tags = JSON.stringify([...v.tags].sort());
    const data = { digest: v.digest, tags, createdAt: new Date(v.createdAt), updatedAt: new Date(v.updatedAt), pass };
    const o = old.get(String(v.id));
    if (!o) created.push({ packageId, versionId: BigInt(v.id), ...data });
    else if (o.tags === tags && o.digest === v.digest && o.updatedAt.getTime() === data.updatedAt.getTime()) same.push(BigInt(v.id));
    else writes.push(db.packageVersion.update({ where: { packageId_versionId: { packageId, versionId: BigInt(v.id) } }, data }));
  }
  await db.$transaction([
    ...(created.length > 0 ? [db.packageVersion.createMany({ data: created })] : []),
    ...chunks(same).map((part) => db.packageVersion.updateMany({ where: { packageId, versionId: { in: part } }, data: { pass } })),
    ...writes,
  ]);
  return created.length + writes.length;
}

/**
 * Read what a package's stored list lacks, within the budget (see the module comment). Throws what
 * the API throws (PackageGoneError for a 404, IncompleteError, GitHubError); what was stored stays.
 */
export async function readPackageVersions(db: Db, gh: GitHubClient, org: string, p: PackageToRead, budget: PageBudget, opts: { fullPass?: boolean } = {}): Promise<VersionsRead> {
  const state = await db.package.findUniqueOrThrow({ where: { id: p.id } });
  const out: VersionsRead = { pages: 0, complete: false, scopes: null };
  const count = () => db.packageVersion.count({ where: { packageId: p.id } });
  const read = async (page: number) => {
    const got = await readVersionsPage(gh, org, p.name, page);
    out.pages++;
    out.scopes = got.scopes;
    return got;
  };
  const matches = async () => p.versionCount === null || (await count()) === p.versionCount;
  const complete = async (at: Date) => {
    await db.package.update({ where: { id: p.id }, data: { versionsCompleteAt: at, versionsCompleteCount: p.versionCount, versionsNextPage: 0, versionsReadAt: new Date() } });
    out.complete = true;
    return out;
  };

  let page = opts.fullPass ? 0 : state.versionsNextPage;
  let pass = state.versionsPass;
  if (opts.fullPass) {
    // read whole, now (a clean-up plans from nothing older than itself)
    pass++;
    page = 1;
    await db.package.update({ where: { id: p.id }, data: { versionsPass: pass, versionsNextPage: 1, versionsPassFor: p.updatedAt } });
  } else if (page === 0) {
    const sameAsComplete = state.versionsCompleteAt?.getTime() === p.updatedAt.getTime();
    // unchanged, and GitHub counts as many versions as when the list was complete (or as are stored)
    if (sameAsComplete && (state.versionsCompleteCount === p.versionCount || (await matches()))) {
      out.complete = true;
      return out;
    }
    if (state.versionsCompleteAt) {
      // top up: the newest pages, until one holds nothing new
      const before = await count();
      for (let n = 1; ; n++) {
        if (!(await budget.take())) return out;
        const got = await read(n);
        const changed = await storeVersions(db, p.id, pass, got.versions);
        await db.package.update({ where: { id: p.id }, data: { versionsReadAt: new Date() } });
        if (changed === 0 || !got.more || got.versions.length === 0) break;
      }
      // complete again when the count adds up: as GitHub counts them, or as many more as were added
      const added = (await count()) - before;
      const grew = state.versionsCompleteCount !== null && p.versionCount !== null && p.versionCount - state.versionsCompleteCount === added;
      if (grew || (await matches())) return complete(p.updatedAt);
    }
    // a new pass from page 1
    pass++;
    page = 1;
    await db.package.update({ where: { id: p.id }, data: { versionsPass: pass, versionsNextPage: 1, versionsPassFor: p.updatedAt } });
  }
  for (;;) {
    if (!(await budget.take())) return out;
    const got = await read(page);
    await storeVersions(db, p.id, pass, got.versions);
    const more = got.more && got.versions.length > 0;
    await db.package.update({ where: { id: p.id }, data: { versionsNextPage: more ? page + 1 : 0, versionsReadAt: new Date() } });
    if (!more) break;
    page++;
  }
  // the pass listed every version there is: the ones it did not list are gone
  await db.packageVersion.deleteMany({ where: { packageId: p.id, pass: { lt: pass } } });
  const began = (await db.package.findUniqueOrThrow({ where: { id: p.id }, select: { versionsPassFor: true } })).versionsPassFor ?? p.updatedAt;
  return complete(began);
}
