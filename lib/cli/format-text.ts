/** Compiler-style text: `path:line:col: severity: message [rule-id]`, the fix diff indented, a summary. */
import { describeCall } from "../engine/describe-call";
import type { Report } from "./report";

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function formatText(report: Report): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    const conf = f.confidence === "high" ? "" : ` (confidence: ${f.confidence})`;
    lines.push(`${f.path}:${f.line}:${f.column}: ${f.severity}: ${f.message}${conf} [${f.ruleId}]`);
    for (const c of f.via ?? []) lines.push(`    ${c.path}:${c.line}:${c.column}: ${describeCall(c)}`);
    for (const r of f.related ?? []) lines.push(`    ${r.path}:${r.line}:${r.column}: ${r.message}`);
    if (f.fix) {
      lines.push(`  fix: ${f.fix.description}`);
      for (const d of f.fix.diff.replace(/\n$/, "").split("\n")) lines.push(`    ${d}`);
    }
  }
  for (const e of report.errors) {
    const at = e.line !== undefined ? `:${e.line}${e.column !== undefined ? `:${e.column}` : ""}` : "";
    lines.push(`${e.path}${at}: cannot analyze: ${e.message}`);
  }
  for (const w of report.warnings) {
    const at = w.line !== undefined ? `:${w.line}${w.column !== undefined ? `:${w.column}` : ""}` : "";
    lines.push(`${w.path}${at}: analysis note: ${w.message}`);
  }
  const count = (s: string) => report.findings.filter((f) => f.severity === s).length;
  const files = plural(report.fileCount, "file");
  const head = report.findings.length
    ? `${plural(count("error"), "error")}, ${plural(count("warning"), "warning")}, ${plural(count("note"), "note")} in ${files}`
    : `no findings in ${files}`;
  const failed = new Set(report.errors.map((e) => e.path)).size;
  const extra = [
    ...(failed ? [`${plural(failed, "file")} could not be analyzed`] : []),
    ...(report.suppressed.length ? [`${plural(report.suppressed.length, "finding")} suppressed by ignores (listed in --format json)`] : []),
    ...(report.baseline ? [`${plural(report.baseline.known, "finding")} already in the baseline ${report.baseline.file}`] : []),
  ];
  lines.push([head, ...extra].join("; "));
  return `${lines.join("\n")}\n`;
}
