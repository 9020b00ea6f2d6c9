import type { FindingRow } from "./findings";
import type { RuleDoc } from "./rules";

const CSV_COLUMNS = ["ruleId", "severity", "confidence", "repo", "path", "line", "column", "ref", "message", "status", "firstSeenAt", "fixDescription"] as const;

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? "" : String(v);
  // Quote everything that could break a row; prefix formula-looking cells so spreadsheets do not run them.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function findingsToCsv(rows: FindingRow[]): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const r of rows) {
    const rec = { ...r, status: r.resolvedScanId !== null ? "resolved" : r.isNew ? "new" : "open" };
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
      status: r.resolvedScanId !== null ? "resolved" : r.isNew ? "new" : "open",
      firstSeenAt: r.firstSeenAt,
      fingerprint: r.fingerprint,
      fix: r.fixDiff || r.fixDescription ? { description: r.fixDescription ?? "", diff: r.fixDiff ?? "" } : null,
    })),
  };
}

const SARIF_LEVEL: Record<string, string> = { error: "error", warning: "warning", note: "note" };

/** SARIF 2.1.0: one run; artifact URIs are repo-relative, the repository is a result property. */
export function findingsToSarif(org: string, rows: FindingRow[], rules: RuleDoc[], origin: string) {
  const used = new Set(rows.map((r) => r.ruleId));
  const ruleList = rules.filter((r) => used.has(r.id));
  for (const id of used) if (!ruleList.some((r) => r.id === id)) ruleList.push({ id, title: id, severity: "warning", description: "", fix: "", example: { bad: "", good: "" } });
  const index = new Map(ruleList.map((r, i) => [r.id, i]));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "cacheguard",
            informationUri: origin,
            rules: ruleList.map((r) => ({
              id: r.id,
              name: r.title,
              shortDescription: { text: r.title },
              fullDescription: { text: r.description || r.title },
              help: { text: r.fix || r.description || r.title },
              helpUri: `${origin}/rules/${r.id}`,
              defaultConfiguration: { level: SARIF_LEVEL[r.severity] ?? "warning" },
            })),
          },
        },
        results: rows.map((r) => ({
          ruleId: r.ruleId,
          ruleIndex: index.get(r.ruleId),
          level: SARIF_LEVEL[r.severity] ?? "warning",
          message: { text: r.message },
          locations: [
            {
              physicalLocation: {
                // repo-relative path; the repo is in properties (filter by repo to upload one repo's SARIF)
                artifactLocation: { uri: r.path },
                region: { startLine: Math.max(1, r.line), startColumn: Math.max(1, r.column) },
              },
            },
          ],
          partialFingerprints: { cacheguard: r.fingerprint },
          // The fix travels as a unified diff in properties: SARIF fixes need byte ranges we do not keep.
          properties: { confidence: r.confidence, ref: r.ref, repo: r.repo ? `${org}/${r.repo}` : null, fixDescription: r.fixDescription, fixDiff: r.fixDiff },
        })),
      },
    ],
  };
}
