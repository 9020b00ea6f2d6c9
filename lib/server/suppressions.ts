/**
 * Silenced findings in storage. Inline and config ignores are set by each scan from the repository;
 * accept-risk is the dashboard's: a reason, who, and an expiry, kept in Suppression as an audit trail
 * and mirrored on the finding. A suppressed finding leaves every count until its acceptance expires,
 * when it is open again (at once in every query, and for good at the next scan).
 */
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import type { Db } from "./db";
import type { OrgRef } from "./queries/org";

/** Open and counted: not resolved, not silenced (expireAcceptances keeps expired ones out of `suppressedBy`). */
export function openWhere(): Prisma.FindingWhereInput {
  return { resolvedScanId: null, suppressedBy: null };
}

/** Not resolved but silenced (the "Suppressed" filter). */
export function suppressedWhere(): Prisma.FindingWhereInput {
  return { resolvedScanId: null, suppressedBy: { not: null } };
}

/**
 * Re-open findings whose accepted risk has expired. Runs before the dashboard reads an org (one
 * UPDATE that usually changes nothing), so an expiry takes effect at once everywhere; a database
 * opened read-only keeps its stored state.
 */
export async function expireAcceptances(db: Db, orgId: number, now = new Date()): Promise<number> {
  try {
    const r = await db.finding.updateMany({
      // open ones only: the (orgId, resolvedScanId, suppressedBy) index prefix, not every row the org ever had;
      // a resolved finding is in no count, and is stored afresh (acceptances in force only) if it comes back
      where: { orgId, resolvedScanId: null, suppressedBy: "accepted", suppressedUntil: { lt: now } },
      data: { suppressedBy: null, suppressionReason: null, suppressedAt: null, suppressedUntil: null },
    });
    return r.count;
  } catch {
    return 0;
  }
}

export interface Acceptance { reason: string; by: string; until: Date }

/** Acceptances in force, by stored fingerprint. */
export async function activeAcceptances(db: Db, orgId: number, now = new Date()): Promise<Map<string, Acceptance>> {
  const rows = await db.suppression.findMany({
    where: { orgId, revokedAt: null, expiresAt: { gt: now }, fingerprint: { not: null } },
    orderBy: { id: "asc" },
  });
  return new Map(rows.map((r) => [r.fingerprint!, { reason: r.reason, by: r.createdBy ?? "unknown", until: r.expiresAt! }]));
}

const MAX_DAYS = 366;

export const acceptInputSchema = z.object({
  reason: z.string().trim().min(3, "say why the risk is accepted (3 characters at least)").max(500),
  /** an ISO date (`2027-03-01`) or date-time, in the future, at most a year ahead */
  expiresAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), "expiresAt must be a date such as 2027-03-01"),
}).strict();

export class SuppressionError extends Error {
  constructor(readonly status: 400 | 404 | 409, message: string) {
    super(message);
  }
}

/** Accept the risk of one open finding until `expiresAt`. */
export async function acceptRisk(db: Db, org: OrgRef, findingId: number, input: z.infer<typeof acceptInputSchema>, by: string, now = new Date()) {
  const until = new Date(input.expiresAt);
  if (until.getTime() <= now.getTime()) throw new SuppressionError(400, "expiresAt must be in the future.");
  if (until.getTime() - now.getTime() > MAX_DAYS * 86_400_000) throw new SuppressionError(400, `expiresAt must be within ${MAX_DAYS} days; accept again when it runs out.`);
  const f = await db.finding.findFirst({ where: { id: findingId, orgId: org.id } });
  if (!f) throw new SuppressionError(404, `Finding ${findingId} is not a finding of ${org.login}.`);
  if (f.resolvedScanId !== null) throw new SuppressionError(409, "This finding is resolved; there is no risk left to accept.");
  if (f.suppressedBy === "inline" || f.suppressedBy === "config") {
    throw new SuppressionError(409, `This finding is already silenced in the repository (${f.suppressedAt ?? f.suppressedBy}).`);
  }
  await db.$transaction([
    db.suppression.updateMany({ where: { orgId: org.id, fingerprint: f.fingerprint, revokedAt: null }, data: { revokedAt: now, revokedBy: by } }),
    db.suppression.create({ data: { orgId: org.id, fingerprint: f.fingerprint, ruleId: f.ruleId, reason: input.reason, expiresAt: until, createdBy: by } }),
    db.finding.update({ where: { id: f.id }, data: { suppressedBy: "accepted", suppressionReason: input.reason, suppressedAt: by, suppressedUntil: until } }),
  ]);
}

/** Take an acceptance back: the finding is open (and counted) again. */
export async function revokeRisk(db: Db, org: OrgRef, findingId: number, by: string, now = new Date()) {
  const f = await db.finding.findFirst({ where: { id: findingId, orgId: org.id } });
  if (!f) throw new SuppressionError(404, `Finding ${findingId} is not a finding of ${org.login}.`);
  if (f.suppressedBy !== "accepted") throw new SuppressionError(409, "This finding has no accepted risk to revoke.");
  await db.$transaction([
    db.suppression.updateMany({ where: { orgId: org.id, fingerprint: f.fingerprint, revokedAt: null }, data: { revokedAt: now, revokedBy: by } }),
    db.finding.update({ where: { id: f.id }, data: { suppressedBy: null, suppressionReason: null, suppressedAt: null, suppressedUntil: null } }),
  ]);
}
