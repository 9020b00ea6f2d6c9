/** `cacheguard check --format sarif`: the engine's findings through the one SARIF writer (lib/engine/sarif.ts). */
import { rules } from "../engine/rules/index";
import { toSarif } from "../engine/sarif";
import type { Report } from "./report";

export function formatSarif(report: Report, version = "0.1.0"): string {
  // silenced findings are results with a suppression, so code scanning shows them as dismissed
  const findings = [...report.findings, ...report.suppressed].map((f) => ({ ...f, ...(f.fix ? { fix: f.fix } : {}) }));
  return `${JSON.stringify(toSarif(findings, rules, { version, texts: report.texts, errors: report.errors }), null, 2)}\n`;
}
