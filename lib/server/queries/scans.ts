import type { Scan } from "@prisma/client";
import type { Db } from "../db";
import type { OrgRef } from "./org";

export const ACTIVE_SCAN_STATUSES = ["queued", "running"] as const;

export interface ScanRow {
  id: number;
  trigger: string;
  /** null: the whole org; an incremental (webhook) scan's scope: `repo:NAME`, `package:NAME`, `repos` */
  scope: string | null;
  status: string;
  phase: string;
  active: boolean;
  reposTotal: number;
  reposDone: number;
  reposSkipped: number;
  restRequests: number;
  graphqlRequests: number;
  registryRequests: number;
  newCount: number;
  resolvedCount: number;
  openCount: number;
  error: string | null;
  repoErrors: Array<{ repo: string; message: string }>;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  /** coverage of the scan's analysis; null when it ended before the analysis */
  filesTotal: number | null;
  filesAnalysed: number | null;
  /** problems opened (or opened again), fixed, and open as of this scan; null when it did not group */
  problemsOpened: number | null;
  problemsFixed: number | null;
  problemsOpen: number | null;
}

function parseRepoErrors(json: string): ScanRow["repoErrors"] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? (v as ScanRow["repoErrors"]) : [];
  } catch {
    return [];
  }
}

export function toScanRow(s: Scan): ScanRow {
  return {
    id: s.id,
    trigger: s.trigger,
    scope: s.scope,
    status: s.status,
    phase: s.phase,
    active: (ACTIVE_SCAN_STATUSES as readonly string[]).includes(s.status),
    reposTotal: s.reposTotal,
    reposDone: s.reposDone,
    reposSkipped: s.reposSkipped,
    restRequests: s.restRequests,
    graphqlRequests: s.graphqlRequests,
    registryRequests: s.registryRequests,
    newCount: s.newCount,
    resolvedCount: s.resolvedCount,
    openCount: s.openCount,
    error: s.error,
    repoErrors: parseRepoErrors(s.repoErrors),
    startedAt: s.startedAt.toISOString(),
    finishedAt: s.finishedAt?.toISOString() ?? null,
    durationMs: s.finishedAt ? s.finishedAt.getTime() - s.startedAt.getTime() : null,
    filesTotal: s.filesTotal,
    filesAnalysed: s.filesAnalysed,
    problemsOpened: s.problemsOpened,
    problemsFixed: s.problemsFixed,
    problemsOpen: s.problemsOpen,
  };
}

export async function listScans(db: Db, org: OrgRef, limit = 50): Promise<ScanRow[]> {
  const scans = await db.scan.findMany({ where: { orgId: org.id }, orderBy: { id: "desc" }, take: limit });
  return scans.map(toScanRow);
}

export async function getScan(db: Db, id: number): Promise<ScanRow | null> {
  const s = await db.scan.findUnique({ where: { id } });
  return s ? toScanRow(s) : null;
}

export interface FileIssueRow {
  repo: string | null;
  path: string;
  kind: "unread" | "error" | "warning";
  message: string;
  line: number | null;
}

export interface ScanActionRow {
  kind: string;
  target: string;
  status: string;
  attempts: number;
  message: string;
  url: string | null;
  at: string;
}

export interface WebhookDeliveryRow {
  deliveryId: string;
  event: string;
  action: string | null;
  repo: string | null;
  package: string | null;
  status: string;
  message: string;
  receivedAt: string;
}

export interface ScanDetail {
  scan: ScanRow;
  /** the webhook deliveries an incremental scan applied */
  deliveries: WebhookDeliveryRow[];
  /** files this scan did not analyse (unread, error) and the notes (warning), by repository and path */
  issues: FileIssueRow[];
  /** what was done after the scan (alerts, code scanning, issues), failures first */
  actions: ScanActionRow[];
}

/** One scan of the org with what it could not analyse; null for another org's scan or an unknown id. */
export async function getScanDetail(db: Db, org: OrgRef, id: number): Promise<ScanDetail | null> {
  const scan = await getOrgScan(db, org, id);
  if (!scan) return null;
  const [rows, actions, deliveries] = await Promise.all([
    db.fileIssue.findMany({ where: { scanId: id }, include: { repo: { select: { name: true } } }, orderBy: [{ repoId: { sort: "asc", nulls: "first" } }, { path: "asc" }, { line: "asc" }] }),
    db.scanAction.findMany({ where: { scanId: id }, orderBy: [{ kind: "asc" }, { target: "asc" }, { id: "asc" }] }),
    db.webhookDelivery.findMany({ where: { scanId: id }, orderBy: { id: "asc" }, take: 200 }),
  ]);
  const failedFirst = (a: { status: string }) => (a.status === "failed" ? 0 : 1);
  return {
    scan,
    deliveries: deliveries.map((d) => ({
      deliveryId: d.deliveryId, event: d.event, action: d.action, repo: d.repo, package: d.package, status: d.status, message: d.message, receivedAt: d.receivedAt.toISOString(),
    })),
    issues: rows.map((r) => ({ repo: r.repo?.name ?? null, path: r.path, kind: r.kind as FileIssueRow["kind"], message: r.message, line: r.line })),
    actions: actions
      .sort((a, b) => failedFirst(a) - failedFirst(b))
      .map((a) => ({ kind: a.kind, target: a.target, status: a.status, attempts: a.attempts, message: a.message, url: a.url, at: a.createdAt.toISOString() })),
  };
}

/** One scan of `org`; a scan of another org is as absent as one that never ran. */
export async function getOrgScan(db: Db, org: OrgRef, id: number): Promise<ScanRow | null> {
  const s = await db.scan.findFirst({ where: { id, orgId: org.id } });
  return s ? toScanRow(s) : null;
}

export async function activeScan(db: Db, org: OrgRef): Promise<ScanRow | null> {
  const s = await db.scan.findFirst({
    where: { orgId: org.id, status: { in: [...ACTIVE_SCAN_STATUSES] } },
    orderBy: { id: "desc" },
  });
  return s ? toScanRow(s) : null;
}

export interface OpenOverTimePoint {
  scanId: number;
  at: string;
  open: number;
  errors: number;
  /** open problems as the scan counted them; null for a scan that did not group its findings */
  problems: number | null;
}

/**
 * Open findings as of each finished scan, as the scan stored them when it ended (openCount, openErrors):
 * drawing the chart counts nothing. A scan that stored no per-severity counts (one older than them that
 * the migration did not fill in) is left out rather than drawn as zero.
 */
export async function openFindingsOverTime(db: Db, org: OrgRef, limit = 60): Promise<OpenOverTimePoint[]> {
  const scans = await db.scan.findMany({
    where: { orgId: org.id, status: { in: ["succeeded", "partial"] }, openErrors: { not: null } },
    orderBy: { id: "desc" }, take: limit,
    select: { id: true, startedAt: true, openCount: true, openErrors: true, problemsOpen: true },
  });
  return scans
    .map((s) => ({ scanId: s.id, at: s.startedAt.toISOString(), open: s.openCount, errors: s.openErrors ?? 0, problems: s.problemsOpen }))
    .reverse();
}
