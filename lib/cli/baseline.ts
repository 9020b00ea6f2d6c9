/**
 * `check --write-baseline FILE` / `check --baseline FILE`: adopt the check in CI without fixing the past
 * first. The file lists the fingerprints of the findings it accepts (plus rule, path and ref, so a
 * reviewer can read what it holds); findings are matched by fingerprint, which survives line moves.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { ReportFinding } from "./report";

const BaselineFile = z.object({
  tool: z.literal("cacheguard"),
  version: z.literal(1),
  findings: z.array(z.object({ fingerprint: z.string().min(1), ruleId: z.string(), path: z.string(), ref: z.string() }).passthrough()),
});

export function baselineText(findings: ReportFinding[]): string {
  const rows = findings
    .map((f) => ({ fingerprint: f.fingerprint, ruleId: f.ruleId, path: f.path, ref: f.ref }))
    .sort((a, b) => a.path.localeCompare(b.path) || a.ruleId.localeCompare(b.ruleId) || a.fingerprint.localeCompare(b.fingerprint));
  return `${JSON.stringify({ tool: "cacheguard", version: 1, findings: rows }, null, 2)}\n`;
}

export function readBaseline(file: string): { fingerprints: Set<string> } | { error: string } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    return { error: `cannot read it (${(e as { code?: string }).code ?? String(e)}); write one with --write-baseline` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { error: "not JSON; write one with --write-baseline" };
  }
  const parsed = BaselineFile.safeParse(json);
  if (!parsed.success) {
    return { error: `not a cacheguard baseline (${parsed.error.issues.map((i) => `${i.path.join(".") || "file"}: ${i.message}`).join("; ")})` };
  }
  return { fingerprints: new Set(parsed.data.findings.map((f) => f.fingerprint)) };
}
