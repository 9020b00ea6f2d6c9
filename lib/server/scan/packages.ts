import type { RegistryTagInfo } from "@/lib/engine/rules/registry-tag-holds-cache";
import type { GitHubClient } from "@/lib/github/client";
import { type PackageInfo, listContainerPackages } from "@/lib/github/packages";
import type { RequestStats } from "@/lib/github/client";
import { classifyManifest } from "@/lib/registry/classify";
import { createRegistryClient } from "@/lib/registry/client";
import type { Db } from "@/lib/server/db";
import type { ProgressReporter } from "@/lib/server/scan/lifecycle";
import type { RepoError, ScanConfig } from "@/lib/server/scan/types";

const TAG_CONCURRENCY = 8;
/** packages read at once (the shared limiter still caps requests in flight) */
const PACKAGE_CONCURRENCY = 4;

export interface PackagesPhaseResult {
  tags: RegistryTagInfo[];
  packages: number;
  /** packages whose tags were read again (the others were unchanged since the last scan) */
  packagesRead: number;
  errors: RepoError[];
  /** every package listed and read without error: registry-only findings may be resolved */
  complete: boolean;
}

type TagRow = { tag: string; digest: string; kind: string; platforms: string[]; reason: string };

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function storedTags(db: Db, orgId: number, org: string, packageId?: number): Promise<RegistryTagInfo[]> {
  const rows = await db.packageTag.findMany({
    where: packageId ? { packageId } : { package: { orgId } },
    include: { package: { select: { name: true } } },
  });
  return rows.map((r) => ({ package: r.package.name, owner: org, tag: r.tag, kind: r.kind, digest: r.digest }));
}

/**
 * Read every container package's tags from the registry: HEAD each tag for its digest and GET +
 * classify only digests never seen before (a digest's content never changes). Packages whose
 * `updated_at` is unchanged are not read again.
 */
export async function scanPackages(
  db: Db, gh: GitHubClient, stats: RequestStats, config: ScanConfig, orgId: number, progress: ProgressReporter,
): Promise<PackagesPhaseResult> {
  await progress.update({ phase: "packages" });
  let listed: PackageInfo[];
  try {
    listed = await listContainerPackages(gh, config.org);
  } catch (e) {
    // e.g. a token without read:packages: keep what earlier scans learned, report the scan partial
    return {
      tags: await storedTags(db, orgId, config.org), packages: 0, packagesRead: 0,
      errors: [{ repo: "packages", message: errText(e) }], complete: false,
    };
  }
  const registry = createRegistryClient({ registryUrl: config.registryUrl, token: config.token, stats, limiter: gh.limiter });
  const errors: RepoError[] = [];
  const tags: RegistryTagInfo[] = [];
  let packagesRead = 0;

  await mapLimit(listed, PACKAGE_CONCURRENCY, async (p) => {
    const name = `${config.org}/${p.name}`.toLowerCase();
    const stored = await db.package.findUnique({ where: { orgId_name: { orgId, name: p.name } } });
    const updatedAt = new Date(p.updatedAt);
    if (stored?.updatedAt && stored.updatedAt.getTime() === updatedAt.getTime()) {
      tags.push(...(await storedTags(db, orgId, config.org, stored.id)));
      return;
    }
    packagesRead++;
    let names: string[];
    try {
      names = await registry.listTags(name);
    } catch (e) {
      errors.push({ repo: `package:${p.name}`, message: `listing tags: ${errText(e)}` });
      if (stored) tags.push(...(await storedTags(db, orgId, config.org, stored.id)));
      return;
    }
    let failed = false;
    const newKinds = new Map<string, { digest: string; mediaType: string; kind: string; platforms: string; reason: string }>();
    const rows = await mapLimit(names, TAG_CONCURRENCY, async (tag): Promise<TagRow | null> => {
      try {
        const head = await registry.headManifest(name, tag);
        if (!head) return null; // deleted between listing and HEAD
        const known = await db.manifestKind.findUnique({ where: { digest: head.digest } });
        if (known) {
          return { tag, digest: head.digest, kind: known.kind, platforms: JSON.parse(known.platforms) as string[], reason: known.reason };
        }
        const m = await registry.getManifest(name, head.digest);
        const c = classifyManifest({ mediaType: m.mediaType, body: m.body }, { tag });
        newKinds.set(head.digest, { digest: head.digest, mediaType: m.mediaType, kind: c.kind, platforms: JSON.stringify(c.platforms), reason: c.reason });
        return { tag, digest: head.digest, kind: c.kind, platforms: c.platforms, reason: c.reason };
      } catch (e) {
        failed = true;
        errors.push({ repo: `package:${p.name}`, message: `tag ${tag}: ${errText(e)}` });
        // keep what the last scan learned about this tag: a transient failure must not change it
        const old = stored ? await db.packageTag.findUnique({ where: { packageId_tag: { packageId: stored.id, tag } } }) : null;
        return old ? { tag, digest: old.digest, kind: old.kind, platforms: JSON.parse(old.platforms) as string[], reason: old.reason } : null;
      }
    });
    const pkg = await db.package.upsert({
      where: { orgId_name: { orgId, name: p.name } },
      // a package that failed keeps its old updatedAt, so the next scan reads it again
      create: { orgId, name: p.name, visibility: p.visibility, repoName: p.repository, updatedAt: failed ? null : updatedAt },
      update: { visibility: p.visibility, repoName: p.repository, ...(failed ? {} : { updatedAt }) },
    });
    const present = rows.filter((r): r is TagRow => r !== null);
    await db.$transaction([
      ...[...newKinds.values()].map((k) => db.manifestKind.upsert({ where: { digest: k.digest }, create: k, update: {} })),
      db.packageTag.deleteMany({ where: { packageId: pkg.id, tag: { notIn: present.map((r) => r.tag) } } }),
      ...present.map((r) => {
        const data = { digest: r.digest, kind: r.kind, platforms: JSON.stringify(r.platforms), reason: r.reason, seenAt: new Date() };
        return db.packageTag.upsert({
          where: { packageId_tag: { packageId: pkg.id, tag: r.tag } }, create: { packageId: pkg.id, tag: r.tag, ...data }, update: data,
        });
      }),
    ]);
    for (const r of present) tags.push({ package: p.name, owner: config.org, tag: r.tag, kind: r.kind, digest: r.digest });
    await progress.update({ phase: "packages", message: `package ${p.name}: ${present.length} tags` });
  });
  // packages that no longer exist: drop their tags so their findings resolve
  const names = listed.map((p) => p.name);
  await db.package.deleteMany({ where: { orgId, name: { notIn: names } } });
  return { tags, packages: listed.length, packagesRead, errors, complete: errors.length === 0 };
}
