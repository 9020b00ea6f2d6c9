/**
 * JSON as DESIGN.md's CLI contract: `{ findings: [...], errors: [{ path, message }] }`, plus `warnings`,
 * `suppressed` (findings an ignore silenced, each with `suppressed: { kind, reason, at }`) and, with
 * `--baseline`, `baseline: { file, known }` (findings left out because the baseline has them).
 */
import type { Report } from "./report";

export function formatJson(report: Report): string {
  const shape = (f: Report["findings"][number]) => {
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
    if (f.suppressed) o.suppressed = f.suppressed;
    return o;
  };
  const findings = report.findings.map(shape);
  const suppressed = report.suppressed.map(shape);
  const warnings = report.warnings.map((w) => ({ path: w.path, ...(w.line !== undefined ? { line: w.line } : {}), message: w.message }));
  const errors = report.errors.map((e) => ({
    path: e.path,
    message: e.line !== undefined ? `line ${e.line}${e.column !== undefined ? `, column ${e.column}` : ""}: ${e.message}` : e.message,
  }));
  return `${JSON.stringify({ findings, errors, warnings, suppressed, ...(report.baseline ? { baseline: report.baseline } : {}) }, null, 2)}\n`;
}
