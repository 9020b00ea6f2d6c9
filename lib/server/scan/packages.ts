import type { RegistryTagInfo } from "@/lib/engine/rules/registry-tag-holds-cache";
import type { GitHubClient } from "@/lib/github/client";
import { createLimiter } from "@/lib/github/limiter";
import { type PackageInfo, getContainerPackage, listContainerPackages } from "@/lib/github/packages";
import type { RequestStats } from "@/lib/github/client";
import { createRegistryClient } from "@/lib/registry/client";
import type { Db } from "@/lib/server/db";
import { chunks } from "@/lib/server/chunk";
import type { ProgressReporter } from "@/lib/server/scan/lifecycle";
import { type Classified, readTag, tagClassifier } from "@/lib/server/scan/tag-kinds";
import type { RegistryEvidence, RepoError, ScanConfig } from "@/lib/server/scan/types";

/** registry requests in flight at once; GitHub's secondary limits are about api.github.com, not ghcr.io */
export const DEFAULT_REGISTRY_CONCURRENCY = 16;
const TAG_CONCURRENCY = 8;

export interface PackagesPhaseResult {
  tags: RegistryTagInfo[];
  packages: number;
  /** packages whose tags were read again (the others were unchanged since the last scan) */
  packagesRead: number;
  errors: RepoError[];
  /** what this scan read completely, per package and tag: which registry findings it may resolve */
  evidence: RegistryEvidence;
  /** the packages as the complete package list gave them (their `version_count`, `updated_at`) */
  listed?: PackageInfo[];
}

type TagRow = Classified & { tag: string };

/** What the scan says when a GitHub App has no GHCR_TOKEN beside it. */
export const REGISTRY_NOT_READ =
  "the registry was not read: GitHub's Packages API and ghcr.io do not take a GitHub App's installation token; " +
  "set GHCR_TOKEN to a personal access token (classic) with read:packages to read GHCR (registry findings stay as the last scan that read it left them)";

/** The token the registry and the Packages API are read with: GHCR_TOKEN, else the PAT (never an App's token). */
export function registryToken(config: ScanConfig): string | undefined {
  return config.registryToken ?? (config.app ? undefined : config.token);
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
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

/**
 * ManifestKind rows for the digests this scan classified, each written by one package only (the
 * claim is taken synchronously, before any await, so two packages never insert the same digest).
 */
async function kindWrites(db: Db, claimed: Set<string>, present: TagRow[]) {
  const mine = new Map<string, TagRow>();
  for (const r of present) if (r.fresh && !claimed.has(r.digest)) mine.set(r.digest, r);
  for (const d of mine.keys()) claimed.add(d);
  if (mine.size === 0) return [];
  // a digest fetched by tag may be known from an earlier scan (one classified before its refs were
  // recorded gets them now: its body is at hand)
  const known = await db.manifestKind.findMany({ where: { digest: { in: [...mine.keys()] } }, select: { digest: true, refs: true } });
  const refWrites = known.filter((k) => k.refs === null && mine.get(k.digest)?.refs)
    .map((k) => db.manifestKind.update({ where: { digest: k.digest }, data: { refs: JSON.stringify(mine.get(k.digest)!.refs) } }));
  for (const k of known) mine.delete(k.digest);
  if (mine.size === 0) return refWrites;
  const data = [...mine.values()].map((k) => ({
    digest: k.digest, mediaType: k.mediaType, kind: k.kind, platforms: JSON.stringify(k.platforms), reason: k.reason, refs: k.refs ? JSON.stringify(k.refs) : null,
  }));
  return [...refWrites, db.manifestKind.createMany({ data })];
}

/**
 * Replace a package's stored tags with what the registry lists now, in a few statements: new tags
 * in one insert, unchanged ones only touched (seenAt), changed ones updated, vanished ones deleted
 * by id (a `notIn` of every tag would exceed SQLite's parameter limit).
 */
function tagWrites(db: Db, packageId: number, oldRows: Array<{ id: number; tag: string; digest: string; kind: string; platforms: string; reason: string }>, present: TagRow[]) {
  const old = new Map(oldRows.map((r) => [r.tag, r]));
  const presentTags = new Set(present.map((r) => r.tag));
  const seenAt = new Date();
  const goneIds = oldRows.filter((r) => !presentTags.has(r.tag)).map((r) => r.id);
  const added = [];
  const same: number[] = [];
  const changed = [];
  for (const r of present) {
    const data = { digest: r.digest, kind: r.kind, platforms: JSON.stringify(r.platforms), reason: r.reason, seenAt };
    const o = old.get(r.tag);
    if (!o) added.push({ packageId, tag: r.tag, ...data });
    else if (o.digest === data.digest && o.kind === data.kind && o.platforms === data.platforms && o.reason === data.reason) same.push(o.id);
    else changed.push(db.packageTag.update({ where: { id: o.id }, data }));
  }
  return [
    ...chunks(goneIds).map((ids) => db.packageTag.deleteMany({ where: { id: { in: ids } } })),
    ...(added.length > 0 ? [db.packageTag.createMany({ data: added })] : []),
    ...chunks(same).map((ids) => db.packageTag.updateMany({ where: { id: { in: ids } }, data: { seenAt } })),
    ...changed,
  ];
}

export async function storedTags(db: Db, orgId: number, org: string, packageId?: number): Promise<RegistryTagInfo[]> {
  const rows = await db.packageTag.findMany({
    where: packageId ? { packageId } : { package: { orgId } },
    include: { package: { select: { name: true } } },
  });
  return rows.map((r) => ({ package: r.package.name, owner: org, tag: r.tag, kind: r.kind, digest: r.digest }));
}

export interface PackageReader {
  db: Db;
  registry: ReturnType<typeof createRegistryClient>;
  classify: ReturnType<typeof tagClassifier>;
  /** digests some package of this scan has written (or is writing) to ManifestKind */
  claimed: Set<string>;
  config: ScanConfig;
  orgId: number;
  evidence: RegistryEvidence;
  errors: RepoError[];
  tags: RegistryTagInfo[];
}

type PackageRow = Awaited<ReturnType<Db["package"]["findMany"]>>[number];

/**
 * Read one package's tags from the registry, classify what each holds and store it; what was read
 * completely goes into `evidence`, failures into `errors`, the tags (read now, or kept from the last
 * scan where a read failed) into `tags`.
 */
export async function readPackageTags(rd: PackageReader, p: PackageInfo, stored: PackageRow | undefined): Promise<number | null> {
  const { db, registry, classify, config, orgId, evidence, errors, tags } = rd;
  const name = `${config.org}/${p.name}`.toLowerCase();
  const updatedAt = new Date(p.updatedAt);
  const oldRows = stored ? await db.packageTag.findMany({ where: { packageId: stored.id } }) : [];
  const old = new Map(oldRows.map((r) => [r.tag, r]));
  if (!evidence.packages.has(p.name.toLowerCase())) evidence.packages.set(p.name.toLowerCase(), { listed: null, current: new Set() });
  let names: string[];
  try {
    names = await registry.listTags(name);
  } catch (e) {
    // a tag list not read completely (404 included: GHCR's answer to a read it does not authorise)
    // says nothing about which tags are gone: the stored ones stay as they are
    errors.push({ repo: `package:${p.name}`, message: `listing tags: ${errText(e)}` });
    for (const r of oldRows) tags.push({ package: p.name, owner: config.org, tag: r.tag, kind: r.kind, digest: r.digest });
    return null;
  }
  const known = evidence.packages.get(p.name.toLowerCase())!;
  known.listed = new Set(names);
  let failed = false;
  const cold = oldRows.length === 0;
  const rows = await mapLimit(names, TAG_CONCURRENCY, async (tag): Promise<TagRow | null> => {
    try {
      const got = await readTag(registry, classify, name, tag, cold ? { cold } : { cold, stored: old.get(tag) });
      known.current.add(tag);
      return { tag, ...got };
    } catch (e) {
      failed = true;
      errors.push({ repo: `package:${p.name}`, message: `tag ${tag}: ${errText(e)}` });
      // keep what the last scan learned about this tag: a transient failure must not change it
      const o = old.get(tag);
      return o ? { tag, digest: o.digest, mediaType: "", kind: o.kind, platforms: JSON.parse(o.platforms) as string[], reason: o.reason, fresh: false } : null;
    }
  });
  const pkg = stored
    ? await db.package.update({
      where: { id: stored.id },
      // a package that failed keeps its old updatedAt, so the next scan reads it again
      data: { visibility: p.visibility, repoName: p.repository, ...(failed ? {} : { updatedAt }) },
    })
    // an upsert: a queue batch read again while its first worker still runs (lib/server/queue) may have created it
    : await db.package.upsert({
      where: { orgId_name: { orgId, name: p.name } },
      create: { orgId, name: p.name, visibility: p.visibility, repoName: p.repository, updatedAt: failed ? null : updatedAt },
      update: { visibility: p.visibility, repoName: p.repository, ...(failed ? {} : { updatedAt }) },
    });
  const present = rows.filter((r): r is TagRow => r !== null);
  await db.$transaction([
    ...(await kindWrites(db, rd.claimed, present)),
    ...tagWrites(db, pkg.id, oldRows, present),
  ]);
  for (const r of present) tags.push({ package: p.name, owner: config.org, tag: r.tag, kind: r.kind, digest: r.digest });
  return present.length;
}

/** A reader of package tags for one scan (or one queue batch): its registry client, classifier and what it gathers. */
export function packageReader(db: Db, stats: RequestStats, config: ScanConfig, orgId: number, evidence: RegistryEvidence): PackageReader & { concurrency: number } {
  const concurrency = config.registryConcurrency ?? DEFAULT_REGISTRY_CONCURRENCY;
  const registry = createRegistryClient({ registryUrl: config.registryUrl, token: registryToken(config), stats, limiter: createLimiter(concurrency) });
  return { db, registry, classify: tagClassifier(db, registry), claimed: new Set(), config, orgId, evidence, errors: [], tags: [], concurrency };
}

/** Which listed packages changed since their last complete read (to read) and which did not (stored tags reused). */
export async function planPackages(db: Db, orgId: number, listed: PackageInfo[]) {
  // one query for every stored package (not one per package): each Prisma call costs ~1 ms of CPU
  const stored = new Map((await db.package.findMany({ where: { orgId } })).map((r) => [r.name, r]));
  const changed: PackageInfo[] = [];
  const unchanged: PackageRow[] = [];
  for (const p of listed) {
    const row = stored.get(p.name);
    if (row?.updatedAt && row.updatedAt.getTime() === new Date(p.updatedAt).getTime()) unchanged.push(row);
    else changed.push(p);
  }
  return { stored, changed, unchanged };
}

/** Unchanged since a complete read: their stored tags are as good as read now (evidence included). */
export async function addUnchangedTags(db: Db, config: ScanConfig, unchanged: Array<{ id: number; name: string }>, evidence: RegistryEvidence, tags: RegistryTagInfo[]) {
  for (const p of unchanged) evidence.packages.set(p.name.toLowerCase(), { listed: new Set(), current: new Set() });
  for (const ids of chunks(unchanged.map((p) => p.id))) {
    const rows = await db.packageTag.findMany({ where: { packageId: { in: ids } }, include: { package: { select: { name: true } } } });
    for (const r of rows) {
      tags.push({ package: r.package.name, owner: config.org, tag: r.tag, kind: r.kind, digest: r.digest });
      const known = evidence.packages.get(r.package.name.toLowerCase())!;
      known.listed!.add(r.tag);
      known.current.add(r.tag);
    }
  }
}

/** Packages a complete list no longer names: dropped (their tags cascade) so their findings resolve. */
export async function dropGonePackages(db: Db, stored: Map<string, { id: number; name: string }>, listed: PackageInfo[]) {
  const listedNames = new Set(listed.map((p) => p.name));
  const gonePkgs = [...stored.values()].filter((s) => !listedNames.has(s.name)).map((s) => s.id);
  for (const ids of chunks(gonePkgs)) await db.package.deleteMany({ where: { id: { in: ids } } });
}

/**
 * Read one package again (a webhook said it changed): its tags from the registry as a full scan reads
 * a changed package, the other packages' tags as stored. A package GitHub no longer has is deleted
 * (its tags with it), so its findings resolve. `evidence` says what was read: that package only.
 */
export async function scanOnePackage(
  db: Db, gh: GitHubClient | null, stats: RequestStats, config: ScanConfig, orgId: number, packageName: string,
): Promise<PackagesPhaseResult & { gone: boolean }> {
  const evidence: RegistryEvidence = { packagesComplete: false, packages: new Map() };
  const errors: RepoError[] = [];
  const stored = await db.package.findUnique({ where: { orgId_name: { orgId, name: packageName } } });
  const others = (await storedTags(db, orgId, config.org)).filter((t) => t.package !== packageName);
  if (!gh) {
    // a GitHub App without GHCR_TOKEN reads no package (a 404 would look like "gone"): nothing changes
    errors.push({ repo: `package:${packageName}`, message: REGISTRY_NOT_READ });
    return { tags: [...others, ...(stored ? await storedTags(db, orgId, config.org, stored.id) : [])], packages: 1, packagesRead: 0, errors, evidence, gone: false };
  }
  let info: PackageInfo | null;
  try {
    info = await getContainerPackage(gh, config.org, packageName);
  } catch (e) {
    errors.push({ repo: `package:${packageName}`, message: errText(e) });
    return { tags: [...others, ...(stored ? await storedTags(db, orgId, config.org, stored.id) : [])], packages: 1, packagesRead: 0, errors, evidence, gone: false };
  }
  if (!info) {
    // GitHub says it is gone: every tag it had is settled (absent), its findings resolve
    evidence.packages.set(packageName.toLowerCase(), { listed: new Set(), current: new Set() });
    if (stored) await db.package.delete({ where: { id: stored.id } });
    return { tags: others, packages: 0, packagesRead: 0, errors, evidence, gone: true };
  }
  const concurrency = config.registryConcurrency ?? DEFAULT_REGISTRY_CONCURRENCY;
  const registry = createRegistryClient({ registryUrl: config.registryUrl, token: registryToken(config), stats, limiter: createLimiter(concurrency) });
  const tags: RegistryTagInfo[] = [...others];
  await readPackageTags({ db, registry, classify: tagClassifier(db, registry), claimed: new Set(), config, orgId, evidence, errors, tags }, info, stored ?? undefined);
  return { tags, packages: 1, packagesRead: 1, errors, evidence, gone: false };
}

/**
 * Read every container package's tags from the registry and classify what each holds. A package
 * never read before (cold) costs one GET per tag; a changed package one HEAD per tag plus one GET
 * per digest never seen (a digest's content never changes). Packages whose `updated_at` is
 * unchanged are not read again. Registry requests have their own limiter: they do not queue
 * behind (or crowd out) the GitHub API calls of the repo phase running alongside.
 */
export async function scanPackages(
  db: Db, gh: GitHubClient | null, stats: RequestStats, config: ScanConfig, orgId: number, progress: ProgressReporter,
  /** told the complete package list as soon as it is read (the storage phase starts on it beside the tags) */
  onListed?: (listed: PackageInfo[]) => void,
): Promise<PackagesPhaseResult> {
  await progress.update({ phase: "packages" });
  if (!gh) {
    // a GitHub App without GHCR_TOKEN: GitHub's Packages API and GHCR's private packages take no
    // installation token, so nothing of the registry is read, and the scan says so (partial, never
    // clean); what earlier scans learned stays, and no registry finding is resolved
    return {
      tags: await storedTags(db, orgId, config.org), packages: 0, packagesRead: 0,
      errors: [{ repo: "packages", message: REGISTRY_NOT_READ }], evidence: { packagesComplete: false, packages: new Map() },
    };
  }
  let listed: PackageInfo[];
  try {
    listed = await listContainerPackages(gh, config.org);
    onListed?.(listed);
  } catch (e) {
    // e.g. a token without read:packages, or a list cut short: keep what earlier scans learned
    // (nothing is gone on the word of an incomplete list), report the scan partial
    return {
      tags: await storedTags(db, orgId, config.org), packages: 0, packagesRead: 0,
      errors: [{ repo: "packages", message: errText(e) }], evidence: { packagesComplete: false, packages: new Map() },
    };
  }
  // every listed package starts unknown: its tags count as read only once its tag list and reads succeed
  const evidence: RegistryEvidence = { packagesComplete: true, packages: new Map(listed.map((p) => [p.name.toLowerCase(), { listed: null, current: new Set<string>() }])) };
  const reader = packageReader(db, stats, config, orgId, evidence);
  const plan = await planPackages(db, orgId, listed);
  // as many packages at once as requests may be in flight: each package starts with two sequential
  // round trips (token, tags/list), so fewer would leave the limiter idle
  await mapLimit(plan.changed, reader.concurrency, async (p) => {
    const read = await readPackageTags(reader, p, plan.stored.get(p.name));
    if (read !== null) await progress.update({ phase: "packages", message: `package ${p.name}: ${read} tags` });
  });
  await addUnchangedTags(db, config, plan.unchanged, evidence, reader.tags);
  await dropGonePackages(db, plan.stored, listed);
  const { tags, errors } = reader;
  const packagesRead = plan.changed.length;
  return { tags, packages: listed.length, packagesRead, errors, evidence, listed };
}
