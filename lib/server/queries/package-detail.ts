import { openWhere } from "../suppressions";
import { chunks } from "../chunk";
import type { Db } from "../db";
import { refUsage, type RefUse } from "./build-index";
import type { OrgRef } from "./org";
import { isCacheKind, tagRef } from "./tag-kinds";

export interface PackageTagRow {
  tag: string;
  ref: string;
  digest: string;
  kind: string;
  platforms: string[];
  reason: string;
  seenAt: string;
  /** a cache tag that workflows push images to or pull as an image, or that a finding names */
  flagged: boolean;
  flagReason: string | null;
  findings: Array<{ id: number; ruleId: string; severity: string; repo: string | null }>;
  usedBy: RefUse[];
}

export interface PackageDetail {
  name: string;
  visibility: string | null;
  repoName: string | null;
  updatedAt: string | null;
  tags: PackageTagRow[];
}

function parsePlatforms(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

export async function getPackage(db: Db, org: OrgRef, name: string): Promise<PackageDetail | null> {
  const pkg = await db.package.findUnique({
    where: { orgId_name: { orgId: org.id, name } },
    include: { tags: { orderBy: [{ seenAt: "desc" }, { tag: "asc" }] } },
  });
  if (!pkg) return null;
  const refs = pkg.tags.map((t) => tagRef(org.login, pkg.name, t.tag));
  const [findings, usage] = await Promise.all([
    // a package can have thousands of tags: chunked below SQLite's bound-parameter limit
    Promise.all(chunks(refs).map((part) => db.finding.findMany({
      where: { orgId: org.id, ...openWhere(), ref: { in: part } },
      select: { id: true, ruleId: true, severity: true, ref: true, repo: { select: { name: true } } },
    }))).then((parts) => parts.flat()),
    refUsage(db, org),
  ]);
  const tags = pkg.tags.map((t): PackageTagRow => {
    const ref = tagRef(org.login, pkg.name, t.tag);
    const tagFindings = findings.filter((f) => f.ref === ref).map((f) => ({ id: f.id, ruleId: f.ruleId, severity: f.severity, repo: f.repo?.name ?? null }));
    const usedBy = usage.get(ref) ?? [];
    const asImage = usedBy.filter((u) => u.as === "image" || u.as === "consumer");
    const cache = isCacheKind(t.kind);
    let flagReason: string | null = null;
    if (cache && asImage.length > 0) flagReason = `holds a cache, but workflows push or pull it as an image (${asImage.length} place${asImage.length === 1 ? "" : "s"})`;
    else if (cache && tagFindings.length > 0) flagReason = `holds a cache and has ${tagFindings.length} open finding(s)`;
    else if (cache && /^(v?\d+(\.\d+)*|latest|stable|prod(uction)?|release)$/i.test(t.tag)) flagReason = "holds a cache under a release-like tag name";
    return {
      tag: t.tag,
      ref,
      digest: t.digest,
      kind: t.kind,
      platforms: parsePlatforms(t.platforms),
      reason: t.reason,
      seenAt: t.seenAt.toISOString(),
      flagged: flagReason !== null,
      flagReason,
      findings: tagFindings,
      usedBy,
    };
  });
  return {
    name: pkg.name,
    visibility: pkg.visibility,
    repoName: pkg.repoName,
    updatedAt: pkg.updatedAt?.toISOString() ?? null,
    tags,
  };
}
