/**
 * SARIF 2.1.0: rule metadata comes from the rule objects; fixes are given as artifactChanges (one
 * replacement per diff hunk, in character offsets of the original file) and the diff itself in properties.
 */
import { parsePatch } from "diff";
import { fingerprint } from "../engine/fingerprint";
import { rules } from "../engine/rules/index";
import type { Finding, Rule, Severity } from "../engine/types";
import type { Report } from "./report";

const SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", note: "note" };

function uri(p: string): string {
  return p.split("/").map(encodeURIComponent).join("/");
}

function pascal(id: string): string {
  return id.split("-").map((w) => w[0].toUpperCase() + w.slice(1)).join("");
}

export function sarifRule(r: Rule) {
  return {
    id: r.id,
    name: pascal(r.id),
    shortDescription: { text: r.title },
    fullDescription: { text: r.description },
    // docs/rules.md has one anchored section per rule; SARIF viewers get the same text inline.
    help: {
      text: `${r.fix}\n\nBad:\n${r.example.bad}\n\nGood:\n${r.example.good}`,
      markdown: `${r.fix}\n\nBad:\n\n\`\`\`yaml\n${r.example.bad}\n\`\`\`\n\nGood:\n\n\`\`\`yaml\n${r.example.good}\n\`\`\``,
    },
    defaultConfiguration: { level: LEVEL[r.severity] },
  };
}

function lineOffsets(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  return starts;
}

/** Diff hunks as character replacements of the original text. */
function replacements(diff: string, text: string | undefined) {
  if (text === undefined) return [];
  const starts = lineOffsets(text);
  const out: Array<{ deletedRegion: { charOffset: number; charLength: number }; insertedContent: { text: string } }> = [];
  for (const p of parsePatch(diff)) {
    for (const h of p.hunks) {
      const newLines = h.lines.filter((l) => l[0] === " " || l[0] === "+").map((l) => l.slice(1));
      const from = starts[h.oldStart - 1] ?? text.length;
      const endLine = h.oldStart - 1 + h.oldLines;
      const to = endLine < starts.length ? starts[endLine] : text.length;
      const deleted = text.slice(from, to);
      // Keep the original line ending style of the deleted lines' end.
      const trailing = deleted.endsWith("\n") ? "\n" : "";
      out.push({
        deletedRegion: { charOffset: from, charLength: to - from },
        insertedContent: { text: newLines.join("\n") + (newLines.length ? trailing : "") },
      });
    }
  }
  return out;
}

function result(f: Finding, ruleIndex: number, texts: Map<string, string>) {
  const location = (path: string, line: number, column: number, text?: string) => ({
    physicalLocation: { artifactLocation: { uri: uri(path) }, region: { startLine: line, startColumn: column } },
    ...(text ? { message: { text } } : {}),
  });
  const res: Record<string, unknown> = {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [location(f.path, f.line, f.column)],
    partialFingerprints: { "cacheguard/v1": fingerprint(f) },
    properties: { confidence: f.confidence, ref: f.ref, ...(f.fix ? { fixDiff: f.fix.diff } : {}) },
  };
  if (f.related?.length) {
    res.relatedLocations = f.related.map((r, i) => ({ id: i, ...location(r.path, r.line, r.column, r.message) }));
  }
  if (f.fix) {
    const reps = replacements(f.fix.diff, texts.get(f.path));
    if (reps.length) {
      res.fixes = [{ description: { text: f.fix.description }, artifactChanges: [{ artifactLocation: { uri: uri(f.path) }, replacements: reps }] }];
    }
  }
  return res;
}

export function formatSarif(report: Report, version = "0.1.0"): string {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const log = {
    $schema: SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "cacheguard", version, rules: rules.map(sarifRule) } },
        results: report.findings.map((f) => result(f, index.get(f.ruleId) ?? -1, report.texts)),
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: report.errors.map((e) => ({
              level: "error",
              message: { text: e.message },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: uri(e.path) },
                    ...(e.line !== undefined ? { region: { startLine: e.line, ...(e.column !== undefined ? { startColumn: e.column } : {}) } } : {}),
                  },
                },
              ],
            })),
          },
        ],
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
