import type { AfterScanContext } from "@/lib/server/after-scan";
import type { Db } from "@/lib/server/db";
import { withOrg } from "@/lib/http/org-param";
import { orgParamFor } from "@/lib/server/orgs";

/** A finding as alerts tell it: where it is, what it is about, and its page in the dashboard. */
export interface AlertFinding {
  fingerprint: string;
  ruleId: string;
  severity: string;
  /** `org/name`; null for a registry finding that belongs to no repository */
  repo: string | null;
  path: string;
  line: number;
  ref: string;
  message: string;
  /** the repository's page in the dashboard (at the finding); null without NEXTAUTH_URL */
  url: string | null;
}

export interface AlertContent {
  org: string;
  scan: { id: number; status: string; trigger: string; url: string | null; startedAt: string; finishedAt: string | null };
  /** new and resolved: not silenced; open: the org's open findings after the scan; suppressed: silenced findings the scan saw */
  counts: { new: number; resolved: number; open: number; suppressed: number };
  /** at most MAX_LISTED each, most severe first; the counts are the totals */
  new: AlertFinding[];
  resolved: AlertFinding[];
  /** the dashboard's public URL; null: links are left out */
  dashboardUrl: string | null;
  /** the report filtered to the findings first seen in this scan */
  newUrl: string | null;
}

/** a first scan of a large org finds thousands: the lists stop here, the counts do not */
export const MAX_LISTED = 1000;

const SEVERITY_RANK: Record<string, number> = { error: 0, warning: 1, note: 2 };

function bySeverity(a: AlertFinding, b: AlertFinding): number {
  return (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9)
    || (a.repo ?? "").localeCompare(b.repo ?? "") || a.path.localeCompare(b.path) || a.line - b.line;
}

function findingUrl(base: string | null, repoName: string | null, id: number | null, ref: string): string | null {
  if (!base) return null;
  if (repoName) return `${base}/repos/${encodeURIComponent(repoName)}${id !== null ? `#finding-${id}` : ""}`;
  // a registry finding has no repository page: the report, searched for its tag
  return `${base}/?q=${encodeURIComponent(ref)}`;
}

/**
 * What to tell about a finished scan, or null when there is nothing to tell: no new finding that is
 * not silenced, and none resolved.
 */
export async function collectAlert(ctx: AfterScanContext, dashboardUrl: string | null): Promise<AlertContent | null> {
  const { db, orgId, scanId, summary } = ctx;
  const fresh = summary.findings.filter((f) => f.isNew && !f.suppressed);
  const resolvedRows = await db.finding.findMany({
    // a finding that was silenced when last seen was never counted, so its going is no news
    where: { orgId, resolvedScanId: scanId, suppressedBy: null },
    select: { id: true, fingerprint: true, ruleId: true, severity: true, path: true, line: true, ref: true, message: true, repo: { select: { name: true } } },
  });
  if (fresh.length === 0 && resolvedRows.length === 0) return null;

  const org = summary.org;
  // several orgs: links to another org than the default one name it
  const base = dashboardUrl;
  const inOrg = (url: string | null) => (url ? withOrg(url, orgParamFor(org)) : null);
  const scan = await db.scan.findUniqueOrThrow({ where: { id: scanId } });
  const ids = await findingIds(db, orgId, fresh.map((f) => f.fingerprint));
  const newList = fresh.map((f): AlertFinding => {
    const row = ids.get(f.fingerprint);
    const repoName = row?.repo ?? (f.repo ? f.repo.split("/").pop()! : null);
    return {
      fingerprint: f.fingerprint, ruleId: f.ruleId, severity: f.severity, repo: repoName ? `${org}/${repoName}` : null,
      path: f.path, line: f.line, ref: f.ref, message: f.message, url: inOrg(findingUrl(base, repoName, row?.id ?? null, f.ref)),
    };
  }).sort(bySeverity);
  const resolvedList = resolvedRows.map((r): AlertFinding => ({
    fingerprint: r.fingerprint, ruleId: r.ruleId, severity: r.severity, repo: r.repo ? `${org}/${r.repo.name}` : null,
    path: r.path, line: r.line, ref: r.ref, message: r.message,
    // a resolved finding is no longer on its repository's page as an open one: the page itself
    url: inOrg(findingUrl(base, r.repo?.name ?? null, null, r.ref)),
  })).sort(bySeverity);

  return {
    org,
    scan: {
      id: scanId, status: scan.status, trigger: scan.trigger, url: inOrg(base ? `${base}/scans/${scanId}` : null),
      startedAt: scan.startedAt.toISOString(), finishedAt: scan.finishedAt?.toISOString() ?? null,
    },
    counts: { new: fresh.length, resolved: resolvedRows.length, open: summary.openCount, suppressed: summary.suppressed.length },
    new: newList.slice(0, MAX_LISTED),
    resolved: resolvedList.slice(0, MAX_LISTED),
    dashboardUrl: base,
    // `since=N` lists findings first seen after scan N; this org's scans before this one all have smaller ids
    newUrl: inOrg(base ? `${base}/?since=${scanId - 1}` : null),
  };
}

async function findingIds(db: Db, orgId: number, fingerprints: string[]): Promise<Map<string, { id: number; repo: string | null }>> {
  if (fingerprints.length === 0) return new Map();
  const rows = await db.finding.findMany({
    where: { orgId, fingerprint: { in: fingerprints } }, select: { id: true, fingerprint: true, repo: { select: { name: true } } },
  });
  return new Map(rows.map((r) => [r.fingerprint, { id: r.id, repo: r.repo?.name ?? null }]));
}

/* ---- the generic webhook ---- */

export const SCAN_EVENT = "scan.completed";

export function webhookPayload(c: AlertContent) {
  return { event: SCAN_EVENT, org: c.org, scan: c.scan, counts: c.counts, new: c.new, resolved: c.resolved };
}

/* ---- Slack (Block Kit) ---- */

/** Slack's limits: 50 blocks a message, 3000 characters a section's text, 150 a header, 2000 a field or context element. */
export const SLACK_LIMITS = { blocks: 50, sectionText: 3000, headerText: 150, fieldText: 2000, contextText: 2000 } as const;
/** new findings listed one by one; the rest are one "and N more" line */
export const SLACK_LISTED = 10;
const SLACK_RESOLVED_LISTED = 5;

/** Text for a mrkdwn field: Slack reads &, < and > as markup. */
export function mrkdwnEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function code(s: string): string {
  // a backquote would end the code span
  return `\`${mrkdwnEscape(s.replace(/`/g, "'"))}\``;
}

function link(url: string | null, text: string): string {
  if (!url) return mrkdwnEscape(text);
  const safe = url.replace(/\|/g, "%7C").replace(/>/g, "%3E").replace(/</g, "%3C");
  return `<${safe}|${mrkdwnEscape(text.replace(/[|]/g, "/"))}>`;
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const SEVERITY_MARK: Record<string, string> = { error: ":red_circle:", warning: ":large_orange_circle:", note: ":large_blue_circle:" };

type Text = { type: "mrkdwn" | "plain_text"; text: string; emoji?: boolean };
export type SlackBlock =
  | { type: "header"; text: Text }
  | { type: "section"; text?: Text; fields?: Text[] }
  | { type: "divider" }
  | { type: "context"; elements: Text[] };

export interface SlackMessage {
  /** the notification's text (and what clients without blocks show) */
  text: string;
  blocks: SlackBlock[];
}

const md = (text: string, max: number = SLACK_LIMITS.sectionText): Text => ({ type: "mrkdwn", text: clip(text, max) });

function findingLine(f: AlertFinding): string {
  const repo = f.repo ? f.repo.split("/").pop()! : "registry";
  const where = `${f.path}${f.line > 0 ? `:${f.line}` : ""}`;
  return [
    `${SEVERITY_MARK[f.severity] ?? ""} *${mrkdwnEscape(f.severity)}* ${code(f.ruleId)} in ${link(f.url, repo)}`.trim(),
    `${code(where)} · ref ${code(clip(f.ref, 300))}`,
    mrkdwnEscape(clip(f.message, 600)),
  ].join("\n");
}

export function slackMessage(c: AlertContent): SlackMessage {
  const { counts } = c;
  const title = counts.new > 0
    ? `${plural(counts.new, "new finding")} in ${c.org}${counts.resolved > 0 ? `, ${counts.resolved} resolved` : ""}`
    : `${plural(counts.resolved, "finding")} resolved in ${c.org}`;
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: clip(`cacheguard: ${title}`, SLACK_LIMITS.headerText), emoji: true } },
    {
      type: "section",
      fields: [
        md(`*New*\n${counts.new}`, SLACK_LIMITS.fieldText),
        md(`*Resolved*\n${counts.resolved}`, SLACK_LIMITS.fieldText),
        md(`*Open*\n${counts.open}`, SLACK_LIMITS.fieldText),
        md(`*Scan*\n${link(c.scan.url, `#${c.scan.id}`)} · ${mrkdwnEscape(c.scan.trigger)} · ${mrkdwnEscape(c.scan.status)}`, SLACK_LIMITS.fieldText),
      ],
    },
  ];
  if (c.scan.status === "partial") {
    blocks.push({ type: "context", elements: [md("Partial scan: some repositories were not read completely; their findings are as the last complete read left them.", SLACK_LIMITS.contextText)] });
  }
  if (counts.new > 0) {
    blocks.push({ type: "divider" });
    for (const f of c.new.slice(0, SLACK_LISTED)) blocks.push({ type: "section", text: md(findingLine(f)) });
    const more = counts.new - Math.min(c.new.length, SLACK_LISTED);
    if (more > 0) {
      blocks.push({ type: "section", text: md(c.newUrl ? `…and ${link(c.newUrl, `${plural(more, "more new finding")}`)} in the dashboard.` : `…and ${plural(more, "more new finding")}.`) });
    }
  }
  if (counts.resolved > 0) {
    blocks.push({ type: "divider" });
    const lines = c.resolved.slice(0, SLACK_RESOLVED_LISTED).map((f) => `• ${code(f.ruleId)} in ${link(f.url, f.repo ? f.repo.split("/").pop()! : "registry")} ${code(`${f.path}:${f.line}`)}`);
    const rest = counts.resolved - lines.length;
    blocks.push({ type: "section", text: md(`:white_check_mark: *Resolved* (${counts.resolved})\n${lines.join("\n")}${rest > 0 ? `\n…and ${rest} more` : ""}`) });
  }
  blocks.push({
    type: "context",
    elements: [md(c.dashboardUrl
      ? `cacheguard · ${link(c.scan.url, `scan #${c.scan.id}`)} of ${mrkdwnEscape(c.org)}${counts.suppressed > 0 ? ` · ${counts.suppressed} silenced (not listed)` : ""}`
      : `cacheguard · scan #${c.scan.id} of ${mrkdwnEscape(c.org)} · no links: NEXTAUTH_URL (the dashboard's public URL) is not set on the cacheguard server`, SLACK_LIMITS.contextText)],
  });
  // the layout stays well under Slack's limit; this keeps it so whatever changes above
  if (blocks.length > SLACK_LIMITS.blocks) blocks.splice(SLACK_LIMITS.blocks - 1, blocks.length - SLACK_LIMITS.blocks + 1, { type: "context", elements: [md("(shortened: Slack allows 50 blocks)")] });
  return { text: `cacheguard: ${title} (scan #${c.scan.id})`, blocks };
}

/* ---- test messages (POST /api/settings/alerts/test) ---- */

export function slackTestMessage(org: string, dashboardUrl: string | null): SlackMessage {
  const text = `cacheguard test message: alerts about ${org} will be posted here.`;
  return {
    text,
    blocks: [
      { type: "section", text: md(`:wave: *cacheguard test message*\nAlerts after scans of *${mrkdwnEscape(org)}* (new and resolved findings) will be posted here.`) },
      { type: "context", elements: [md(dashboardUrl ? `Sent from ${link(`${dashboardUrl}/settings`, "the settings page")}.` : "Sent from the settings page. NEXTAUTH_URL is not set, so alerts will carry no links.", SLACK_LIMITS.contextText)] },
    ],
  };
}

export const TEST_EVENT = "test";

export function webhookTestPayload(org: string, now = new Date()) {
  return { event: TEST_EVENT, org, message: `cacheguard test message: ${SCAN_EVENT} events about ${org} will be sent here.`, sentAt: now.toISOString() };
}
