import type { GitHubClient } from "@/lib/github/client";
import { GitHubError, RateLimitError } from "@/lib/github/errors";
import { DeleteScopeError, PackageGoneError, deleteVersion } from "@/lib/github/package-versions";
import { getContainerPackage } from "@/lib/github/packages";
import type { RegistryClient } from "@/lib/registry/client";
import type { Db } from "@/lib/server/db";
import { type StorageFigures, storageFigures } from "./figures";
import { loadPlanInput } from "./load";
import { type PackagePlan, type PlanOptions, planPackage } from "./plan";
import { readRefs, readTaggedRefs } from "./refs";
import { UNLIMITED, readPackageVersions } from "./versions";

/**
 * `cacheguard cleanup`: for each package, read its versions list whole (now), the references of its
 * tagged manifests and the manifests of its orphans (once ever: digests never change), plan, and
 * with `apply` delete the planned versions one request at a time through the client's governor.
 * A version whose manifest could not be read is kept; a package that cannot be planned completely
 * is left alone. Nothing is deleted before the whole plan is made.
 */

export interface CleanupOptions {
  org: string;
  package?: string;
  olderThanMs?: number;
  keepLast?: number;
  apply: boolean;
  now?: number;
  /** pause between two deletes (default 1 s: GitHub asks for a second between writes of one user) */
  deleteIntervalMs?: number;
  /** progress lines (text mode) */
  progress?: (line: string) => void;
}

export interface AppliedDeletes { deleted: number[]; alreadyGone: number[]; failed: Array<{ id: number; message: string }> }

export interface CleanupPackage {
  name: string;
  /** planned (or applied): a plan was made; refused: why not in `problem` */
  status: "planned" | "applied" | "refused";
  problem: string | null;
  plan: PackagePlan;
  figures: StorageFigures | null;
  applied?: AppliedDeletes;
}

export interface CleanupResult {
  org: string;
  mode: "plan" | "apply";
  packages: CleanupPackage[];
  /** why deleting stopped before the end (a refusal, a rate limit), when it did */
  stopped: string | null;
  totals: { planned: number; deleted: number; alreadyGone: number; failed: number; bytesFreed: number };
}

export class CleanupError extends Error {
  constructor(message: string, readonly kind: "usage" | "not-found" | "busy") {
    super(message);
    this.name = "CleanupError";
  }
}

/** GitHub's guidance for many writes of one user: one at a time, a second apart (its secondary rate limits) */
export const DELETE_INTERVAL_MS = 1000;

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const INDEX_KINDS = new Set(["index", "attestation", "artifact"]);

export async function runCleanup(db: Db, gh: GitHubClient, registry: RegistryClient, opts: CleanupOptions): Promise<CleanupResult> {
  const now = opts.now ?? Date.now();
  const say = opts.progress ?? (() => {});
  const org = await db.org.findUnique({ where: { login: opts.org } });
  if (!org) throw new CleanupError(`no scan of ${opts.org} is stored in this database: run \`cacheguard scan --org ${opts.org}\` first`, "not-found");
  const running = await db.scan.findFirst({ where: { orgId: org.id, activeKey: { not: null } }, select: { id: true } });
  if (running) throw new CleanupError(`scan #${running.id} of ${opts.org} is running: clean up once it has finished`, "busy");
  const pkgs = await db.package.findMany({ where: { orgId: org.id, ...(opts.package ? { name: opts.package } : {}) }, orderBy: { name: "asc" } });
  if (opts.package && pkgs.length === 0) throw new CleanupError(`the last scan of ${opts.org} found no container package '${opts.package}'`, "not-found");

  const planOpts: PlanOptions = { now, ...(opts.olderThanMs !== undefined ? { olderThanMs: opts.olderThanMs } : {}), ...(opts.keepLast ? { keepLast: opts.keepLast } : {}), unread: "keep" };
  const out: CleanupResult = { org: opts.org, mode: opts.apply ? "apply" : "plan", packages: [], stopped: null, totals: { planned: 0, deleted: 0, alreadyGone: 0, failed: 0, bytesFreed: 0 } };
  let scopes: string[] | null = null;
  for (const pkg of pkgs) {
    const refused = (problem: string): CleanupPackage => ({ name: pkg.name, status: "refused", problem, plan: { package: pkg.name, problem, delete: [], keep: [], orphans: 0, unread: 0, bytesFreed: 0 }, figures: null });
    say(`${pkg.name}: reading its versions`);
    let info;
    try {
      info = await getContainerPackage(gh, opts.org, pkg.name);
      if (!info) {
        out.packages.push(refused("GitHub no longer has this package (or the token cannot see it)"));
        continue;
      }
      const read = await readPackageVersions(db, gh, opts.org, { id: pkg.id, name: pkg.name, updatedAt: new Date(info.updatedAt), versionCount: info.versionCount ?? null }, UNLIMITED, { fullPass: true });
      scopes = read.scopes ?? scopes;
      await db.package.update({ where: { id: pkg.id }, data: { versionCount: info.versionCount ?? null } });
    } catch (e) {
      out.packages.push(refused(e instanceof PackageGoneError ? "GitHub no longer has this package (or the token cannot see it)" : `its versions could not be read: ${errText(e)}`));
      continue;
    }
    const stored = await db.package.findUniqueOrThrow({ where: { id: pkg.id } });
    const { input, manifests } = await loadPlanInput(db, stored);
    const name = `${opts.org}/${pkg.name}`.toLowerCase();
    const versions = Array.isArray(input.versions) ? input.versions : [];
    const digests = new Set(versions.map((v) => v.digest));
    const tagged = [...input.tags.map((t) => t.digest), ...versions.filter((v) => v.tags.length > 0).map((v) => v.digest)];
    await readTaggedRefs(db, registry, name, tagged, digests, manifests);
    // the orphans' own manifests: an orphan may be an index (its manifests go with it) or a referrer
    const first = planPackage(input, { now, unread: "delete" });
    const orphans = first.delete.map((d) => d.digest);
    if (orphans.some((d) => !manifests.get(d)?.refs)) say(`${pkg.name}: reading ${orphans.filter((d) => !manifests.get(d)?.refs).length} untagged manifests`);
    await readRefs(db, registry, name, orphans, manifests);
    const plan = planPackage(input, planOpts);
    const figures = storageFigures(input, planPackage(input, { now }), stored.versionCount, versions.length, new Date(now));
    await db.package.update({ where: { id: pkg.id }, data: { storage: JSON.stringify(figures) } });
    out.packages.push({ name: pkg.name, status: plan.problem ? "refused" : "planned", problem: plan.problem, plan, figures });
    out.totals.planned += plan.delete.length;
    out.totals.bytesFreed += plan.bytesFreed;
  }
  if (!opts.apply) return out;

  if (scopes && !scopes.includes("delete:packages")) {
    out.stopped = `nothing deleted: the token's scopes are ${scopes.length ? scopes.join(", ") : "none"}, and deleting a package version needs delete:packages (with read:packages), on a classic personal access token`;
    return out;
  }
  const pace = opts.deleteIntervalMs ?? DELETE_INTERVAL_MS;
  for (const p of out.packages) {
    if (p.status !== "planned" || out.stopped) continue;
    const applied: AppliedDeletes = { deleted: [], alreadyGone: [], failed: [] };
    p.applied = applied;
    p.status = "applied";
    const pkg = pkgs.find((x) => x.name === p.name)!;
    // an index before the manifests it lists: an untagged index never names a version already gone
    const order = [...p.plan.delete].sort((a, b) => Number(INDEX_KINDS.has(b.kind ?? "")) - Number(INDEX_KINDS.has(a.kind ?? "")));
    say(`${p.name}: deleting ${order.length} versions`);
    for (const [i, v] of order.entries()) {
      if (i > 0 && pace > 0) await new Promise((r) => setTimeout(r, pace));
      try {
        const outcome = await deleteVersion(gh, opts.org, p.name, v.id);
        (outcome === "deleted" ? applied.deleted : applied.alreadyGone).push(v.id);
        await db.packageVersion.deleteMany({ where: { packageId: pkg.id, versionId: BigInt(v.id) } });
      } catch (e) {
        applied.failed.push({ id: v.id, message: errText(e) });
        if (e instanceof DeleteScopeError || e instanceof RateLimitError || (e instanceof GitHubError && e.kind === "auth")) {
          out.stopped = `stopped after ${i} of ${order.length} deletes in ${p.name}: ${errText(e)}`;
          break;
        }
      }
      if ((i + 1) % 250 === 0) say(`${p.name}: ${i + 1} of ${order.length}`);
    }
    out.totals.deleted += applied.deleted.length;
    out.totals.alreadyGone += applied.alreadyGone.length;
    out.totals.failed += applied.failed.length;
    // what is stored now is what GitHub holds: the next scan need not read the list again
    const gone = applied.deleted.length + applied.alreadyGone.length;
    const row = await db.package.findUniqueOrThrow({ where: { id: pkg.id } });
    const count = row.versionCount === null ? null : Math.max(0, row.versionCount - applied.deleted.length);
    await db.package.update({ where: { id: pkg.id }, data: { versionCount: count, versionsCompleteCount: gone > 0 ? count : row.versionsCompleteCount } });
    const after = await loadPlanInput(db, { ...row, versionCount: count });
    p.figures = storageFigures(after.input, planPackage(after.input, { now }), count, after.stored, new Date(now));
    await db.package.update({ where: { id: pkg.id }, data: { storage: JSON.stringify(p.figures) } });
  }
  return out;
}
