import { rules } from "@/lib/engine/rules/index";
import { type SarifFinding, toSarif } from "@/lib/engine/sarif";
import type { Confidence, Severity } from "@/lib/engine/types";
import type { FindingRow } from "./findings";

export const APP_VERSION = "0.1.0";

const CSV_COLUMNS = ["ruleId", "severity", "confidence", "repo", "path", "line", "column", "ref", "message", "status", "firstSeenAt", "fixDescription"] as const;

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? "" : String(v);
  // Quote everything that could break a row; prefix formula-looking cells so spreadsheets do not run them.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function statusOf(r: FindingRow): string {
  return r.resolvedScanId !== null ? "resolved" : r.suppression ? "suppressed" : r.isNew ? "new" : "open";
}

export function findingsToCsv(rows: FindingRow[]): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const r of rows) {
    const rec = { ...r, status: statusOf(r) };
    lines.push(CSV_COLUMNS.map((c) => csvCell(rec[c])).join(","));
  }
  return lines.join("\r\n") + "\r\n";
}

export function findingsToJson(org: string, rows: FindingRow[]) {
  return {
    org,
    findings: rows.map((r) => ({
      ruleId: r.ruleId,
      severity: r.severity,
      confidence: r.confidence,
      repo: r.repo ? `${org}/${r.repo}` : null,
      path: r.path,
      line: r.line,
      column: r.column,
      ref: r.ref,
      message: r.message,
      status: statusOf(r),
      ...(r.suppression ? { suppressed: r.suppression } : {}),
      firstSeenAt: r.firstSeenAt,
      fingerprint: r.sarifFingerprint,
      fix: r.fixDiff || r.fixDescription ? { description: r.fixDescription ?? "", diff: r.fixDiff ?? "" } : null,
    })),
  };
}

/**
 * SARIF 2.1.0 of the stored findings, through the same writer as `cacheguard check --format sarif`:
 * same rules, same fingerprints. Artifact URIs are repo-relative; the repository is a result property
 * (filter by it to upload one repository's SARIF).
 */
export function findingsToSarif(org: string, rows: FindingRow[], origin: string, version = APP_VERSION) {
  return toSarif(rows.map((r) => sarifFindingOf(org, r)), rules, { version, origin });
}

/** A stored finding as the SARIF writer takes it (the dashboard's export, the code-scanning upload). */
export function sarifFindingOf(org: string, r: FindingRow): SarifFinding {
  return {
    ruleId: r.ruleId,
    severity: r.severity as Severity,
    confidence: r.confidence as Confidence,
    path: r.path,
    line: r.line,
    column: r.column,
    ref: r.ref,
    message: r.message,
    fingerprint: r.sarifFingerprint,
    repo: r.repo ? `${org}/${r.repo}` : null,
    related: r.related,
    fix: r.fixDiff || r.fixDescription ? { description: r.fixDescription ?? "", diff: r.fixDiff ?? "" } : null,
    suppressed: r.suppression,
  };
}
