import { openWhere } from "../suppressions";
import type { Db } from "../db";
import type { OrgRef } from "./org";
import { isCacheKind, tagRef } from "./tag-kinds";

export { CACHE_KINDS, isCacheKind, tagRef } from "./tag-kinds";

export interface PackageRow {
  name: string;
  visibility: string | null;
  repoName: string | null;
  updatedAt: string | null;
  tagCount: number;
  cacheTagCount: number;
  flaggedCount: number;
}

export async function listPackages(db: Db, org: OrgRef): Promise<PackageRow[]> {
  const pkgs = await db.package.findMany({
    where: { orgId: org.id },
    orderBy: { name: "asc" },
    include: { tags: { select: { tag: true, kind: true } } },
  });
  const openRefs = new Set(
    (await db.finding.findMany({ where: { orgId: org.id, ...openWhere() }, select: { ref: true }, distinct: ["ref"] })).map((f) => f.ref),
  );
  return pkgs.map((p) => {
    const cacheTags = p.tags.filter((t) => isCacheKind(t.kind));
    return {
      name: p.name,
      visibility: p.visibility,
      repoName: p.repoName,
      updatedAt: p.updatedAt?.toISOString() ?? null,
      tagCount: p.tags.length,
      cacheTagCount: cacheTags.length,
      flaggedCount: cacheTags.filter((t) => openRefs.has(tagRef(org.login, p.name, t.tag))).length,
    };
  });
}

