import type { Db } from "@/lib/server/db";
import { storageFigures, type StorageFigures } from "./figures";
import { type PackagePlan, type PlanInput, type PlanManifest, type PlanOptions, type PlanVersion, planPackage } from "./plan";
import { knownManifests } from "./refs";

/** The stored package a plan is made for. */
export interface StoredPackage { id: number; name: string; versionCount: number | null; versionsCompleteAt: Date | null }

const parseTags = (json: string): string[] => {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((t): t is string => typeof t === "string") : [];
  } catch {
    return [];
  }
};

/** What the planner needs of a package, from what the last reads stored. */
export async function loadPlanInput(db: Db, pkg: StoredPackage): Promise<{ input: PlanInput; stored: number; manifests: Map<string, PlanManifest> }> {
  const [rows, tags] = await Promise.all([
    db.packageVersion.findMany({ where: { packageId: pkg.id }, select: { versionId: true, digest: true, tags: true, createdAt: true, updatedAt: true } }),
    db.packageTag.findMany({ where: { packageId: pkg.id }, select: { tag: true, digest: true } }),
  ]);
  const versions: PlanVersion[] = rows.map((r) => ({
    id: Number(r.versionId), digest: r.digest, tags: parseTags(r.tags), createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString(),
  }));
  const manifests = await knownManifests(db, [...versions.map((v) => v.digest), ...tags.map((t) => t.digest)]);
  const input: PlanInput = {
    package: pkg.name,
    versions: pkg.versionsCompleteAt
      ? versions
      : { incomplete: `its versions list has been read in part (${versions.length.toLocaleString("en-US")} of ${pkg.versionCount?.toLocaleString("en-US") ?? "?"} versions); the next scans read on, 100 a page, and \`cacheguard cleanup\` reads it whole` },
    tags,
    manifests,
  };
  return { input, stored: versions.length, manifests };
}

/** Plan a stored package. */
export async function planStored(db: Db, pkg: StoredPackage, opts: PlanOptions): Promise<{ plan: PackagePlan; input: PlanInput; stored: number }> {
  const { input, stored } = await loadPlanInput(db, pkg);
  return { plan: planPackage(input, opts), input, stored };
}

/** Compute a package's storage figures from what is stored, and store them with it. */
export async function refreshFigures(db: Db, pkg: StoredPackage, now = new Date()): Promise<StorageFigures> {
  const { plan, input, stored } = await planStored(db, pkg, { now: now.getTime() });
  const figures = storageFigures(input, plan, pkg.versionCount, stored, now);
  await db.package.update({ where: { id: pkg.id }, data: { storage: JSON.stringify(figures) } });
  return figures;
}
