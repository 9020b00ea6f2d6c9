import { DEFAULT_CACHE_LIMIT_BYTES, NEAR_QUOTA_SHARE, effectiveLimit, thrashes } from "@/lib/engine/rules/gha-cache-near-quota";
import type { Db } from "../db";
import { infoOfRow, lastUsageRead } from "../scan/actions-cache";
import type { OrgRef } from "./org";

/** A repository's Actions cache as the repository page shows it: what the last reading stored. */
export interface RepoActionsCache {
  /** when the org's usage was last read completely; null: never (no scan has read it) */
  orgReadAt: Date | null;
  /** null: the repository had no caches when it was last read */
  usage: null | {
    readAt: Date;
    scanId: number;
    usedBytes: number;
    entries: number;
    limitBytes: number;
    /** the limit is GitHub's default, not one read from the repository */
    limitAssumed: boolean;
    limitNote: string | null;
    /** used / limit, 0–1+ */
    share: number;
    nearQuota: boolean;
    listing: null | {
      listedAt: Date;
      entries: number;
      bytes: number;
      buildkitEntries: number;
      buildkitBytes: number;
      oldestCreatedAt: Date | null;
      thrash: boolean;
    };
    listError: string | null;
  };
}

export async function getRepoActionsCache(db: Db, org: OrgRef, repoName: string): Promise<RepoActionsCache | null> {
  const repo = await db.repo.findUnique({ where: { orgId_name: { orgId: org.id, name: repoName } }, select: { id: true, actionsCache: true } });
  if (!repo) return null;
  const orgReadAt = await lastUsageRead(db, org.id);
  const row = repo.actionsCache;
  if (!row) return { orgReadAt, usage: null };
  // the rule's own reading of the row: the page and the finding say the same
  const info = infoOfRow(`${org.login}/${repoName}`, row);
  const limit = effectiveLimit(info);
  const l = info.listing;
  return {
    orgReadAt,
    usage: {
      readAt: row.readAt, scanId: row.scanId, usedBytes: info.usedBytes, entries: info.activeCaches,
      limitBytes: limit.bytes, limitAssumed: limit.assumed, limitNote: info.limitNote ?? null,
      share: info.usedBytes / (limit.bytes || DEFAULT_CACHE_LIMIT_BYTES), nearQuota: info.usedBytes > limit.bytes * NEAR_QUOTA_SHARE,
      listing: l ? {
        listedAt: new Date(l.listedAt), entries: l.entries, bytes: l.bytes, buildkitEntries: l.buildkitEntries, buildkitBytes: l.buildkitBytes,
        oldestCreatedAt: l.oldestCreatedAt ? new Date(l.oldestCreatedAt) : null, thrash: thrashes(l),
      } : null,
      listError: info.listError ?? null,
    },
  };
}
