import { chunks } from "../chunk";
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
  // only cache tags can be flagged: their refs are looked up in the (orgId, ref) index, a chunk at a
  // time, rather than reading every open finding's ref
  const cacheRefs = pkgs.flatMap((p) => p.tags.filter((t) => isCacheKind(t.kind)).map((t) => tagRef(org.login, p.name, t.tag)));
  const openRefs = new Set((await Promise.all(chunks(cacheRefs).map((part) => db.finding.findMany({
    where: { orgId: org.id, ...openWhere(), ref: { in: part } }, select: { ref: true }, distinct: ["ref"],
  })))).flat().map((f) => f.ref));
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

