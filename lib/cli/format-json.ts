/** JSON exactly as DESIGN.md's CLI contract: `{ findings: [...], errors: [{ path, message }] }`. */
import type { Report } from "./report";

export function formatJson(report: Report): string {
  const findings = report.findings.map((f) => {
    const o: Record<string, unknown> = {
      ruleId: f.ruleId,
      severity: f.severity,
      confidence: f.confidence,
      path: f.path,
      line: f.line,
      column: f.column,
      ref: f.ref,
      message: f.message,
      fingerprint: f.fingerprint,
    };
    if (f.via) o.via = f.via;
    if (f.fix) o.fix = { description: f.fix.description, diff: f.fix.diff };
    return o;
  });
  const warnings = report.warnings.map((w) => ({ path: w.path, ...(w.line !== undefined ? { line: w.line } : {}), message: w.message }));
  const errors = report.errors.map((e) => ({
    path: e.path,
    message: e.line !== undefined ? `line ${e.line}${e.column !== undefined ? `, column ${e.column}` : ""}: ${e.message}` : e.message,
  }));
  return `${JSON.stringify({ findings, errors, warnings }, null, 2)}\n`;
}
