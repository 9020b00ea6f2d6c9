import type { Db } from "../db";
import { cleanupCommand } from "../storage/command";
import { type StorageFigures, type StorageTotal, parseFigures, storageTotal } from "../storage/figures";
import { planStored } from "../storage/load";
import { type Kept, type KeepWhy, type PlannedDelete, parseDuration } from "../storage/plan";
import type { OrgRef } from "./org";

/** The org's storage figures, summed over what the last scans stored per package. */
export async function orgStorage(db: Db, org: OrgRef): Promise<StorageTotal & { command: string }> {
  const rows = await db.package.findMany({ where: { orgId: org.id }, select: { storage: true } });
  return { ...storageTotal(rows.map((r) => parseFigures(r.storage))), command: cleanupCommand({ org: org.login, apply: false }) };
}

export interface PlanView {
  problem: string | null;
  orphans: number;
  /** orphans whose manifest a scan never reads (cacheguard cleanup reads each before it plans) */
  unread: number;
  bytesFreed: number;
  deleteCount: number;
  keepCount: number;
  /** the first versions of each list (the counts are the totals) */
  deletes: PlannedDelete[];
  keeps: Kept[];
  keptBy: Partial<Record<KeepWhy, number>>;
  deletedBy: Record<string, number>;
}

export interface PackageStorage {
  figures: StorageFigures | null;
  options: { olderThan: string | null; keepLast: number | null };
  /** a URL option that is not valid (the plan is then made without it) */
  optionError: string | null;
  plan: PlanView;
  commands: { plan: string; apply: string };
}

export const PLAN_ROWS = 100;

/** ?olderThan=30d&keepLast=5 as the plan's options (the URL holds them, so a plan can be linked). */
export function planOptions(params: { olderThan?: string | null; keepLast?: string | null }): { olderThan: string | null; keepLast: number | null; error: string | null } {
  let error: string | null = null;
  let olderThan: string | null = null;
  let keepLast: number | null = null;
  if (params.olderThan) {
    if (parseDuration(params.olderThan) === null) error = `older than "${params.olderThan}" is not a duration such as 30d, 12h or 2w`;
    else olderThan = params.olderThan;
  }
  if (params.keepLast) {
    if (!/^\d{1,6}$/.test(params.keepLast)) error = `keep last "${params.keepLast}" is not a whole number`;
    else keepLast = Number(params.keepLast) || null;
  }
  return { olderThan, keepLast, error };
}

/**
 * A package's storage figures (as the last scan stored them) and the clean-up plan the stored
 * versions, tags and manifests give for these options: what `cacheguard cleanup` would delete,
 * before it reads the orphans' own manifests (which can only keep more).
 */
export async function packageStorage(db: Db, org: OrgRef, name: string, params: { olderThan?: string | null; keepLast?: string | null }, now = Date.now()): Promise<PackageStorage | null> {
  const pkg = await db.package.findUnique({ where: { orgId_name: { orgId: org.id, name } } });
  if (!pkg) return null;
  const o = planOptions(params);
  const { plan } = await planStored(db, pkg, {
    now, ...(o.olderThan ? { olderThanMs: parseDuration(o.olderThan)! } : {}), ...(o.keepLast ? { keepLast: o.keepLast } : {}),
  });
  const keptBy: Partial<Record<KeepWhy, number>> = {};
  for (const k of plan.keep) keptBy[k.why] = (keptBy[k.why] ?? 0) + 1;
  const deletedBy: Record<string, number> = {};
  for (const d of plan.delete) deletedBy[d.kind ?? "not read"] = (deletedBy[d.kind ?? "not read"] ?? 0) + 1;
  const command = (apply: boolean) => cleanupCommand({ org: org.login, package: pkg.name, olderThan: o.olderThan, keepLast: o.keepLast, apply });
  return {
    figures: parseFigures(pkg.storage),
    options: { olderThan: o.olderThan, keepLast: o.keepLast },
    optionError: o.error,
    plan: {
      problem: plan.problem, orphans: plan.orphans, unread: plan.unread, bytesFreed: plan.bytesFreed,
      deleteCount: plan.delete.length, keepCount: plan.keep.length,
      deletes: plan.delete.slice(0, PLAN_ROWS),
      // the reasons worth reading first: what a tag needs, then what the options keep
      keeps: [...plan.keep].sort((a, b) => ORDER.indexOf(a.why) - ORDER.indexOf(b.why)).slice(0, PLAN_ROWS),
      keptBy, deletedBy,
    },
    commands: { plan: command(false), apply: command(true) },
  };
}

const ORDER: KeepWhy[] = ["tagged", "child", "signed", "subject", "referrer", "needed-by-kept", "keep-last", "newer", "unread"];
