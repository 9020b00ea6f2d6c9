import type { Db } from "../db";
import { configuredOrg, readEnv } from "../env";
import { expireAcceptances } from "../suppressions";

export interface OrgRef {
  id: number;
  login: string;
}

/**
 * The stored org the dashboard shows for `requested` (the request's org): only a configured one
 * (or a demo org in demo mode), never another org the database happens to hold: its members signed
 * in for it, and nobody else may see it. Null when it is not configured or not scanned yet.
 */
export async function currentOrg(db: Db, requested: string): Promise<OrgRef | null> {
  const login = configuredOrg(readEnv(), requested);
  if (!login) return null;
  const org = await db.org.findUnique({ where: { login }, select: { id: true, login: true } });
  // every view reads through here: an accepted risk that expired is open again before anything is counted
  if (org) await expireAcceptances(db, org.id);
  return org;
}

/** Orgs stored in the database other than `login`: demo mode refuses to serve such a database. */
export async function otherOrgs(db: Db, login: string): Promise<string[]> {
  const rows = await db.org.findMany({ where: { login: { not: login } }, select: { login: true }, orderBy: { login: "asc" } });
  return rows.map((r) => r.login);
}

/** The latest scan that finished reading the org (succeeded or partial): the report's "now". */
export async function latestCompleteScan(db: Db, orgId: number) {
  return db.scan.findFirst({
    where: { orgId, status: { in: ["succeeded", "partial"] } },
    orderBy: { id: "desc" },
  });
}

/** The latest scan that got as far as its analysis (it stored coverage): what "not analysed" refers to. */
export async function latestCoveredScan(db: Db, orgId: number) {
  return db.scan.findFirst({ where: { orgId, filesTotal: { not: null } }, orderBy: { id: "desc" } });
}

/**
 * The scan whose first-seen findings count as "new": the latest complete scan, unless it is the
 * org's first (a baseline scan would mark everything new, which says nothing).
 */
export async function newFindingsScanId(db: Db, orgId: number): Promise<number | null> {
  const latest = await latestCompleteScan(db, orgId);
  if (!latest) return null;
  const earlier = await db.scan.count({ where: { orgId, id: { lt: latest.id }, status: { in: ["succeeded", "partial"] } } });
  return earlier > 0 ? latest.id : null;
}
