/**
 * SARIF 2.1.0, one writer for `cacheguard check --format sarif` and the dashboard's export, so code
 * scanning sees the same rules, the same locations and the same fingerprints from both. Rule metadata
 * comes from the rule objects; a fix is given as artifactChanges (one replacement per diff hunk, in
 * character offsets of the original file) when the file's text is known, and always as the diff in
 * the result's properties.
 */
import { parsePatch } from "diff";
import { ownPath } from "./paths";
import type { Confidence, Finding, ParseError, Rule, Severity } from "./types";

export const SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/** The partialFingerprints key: a finding keeps it across scans, line moves and both writers. */
export const FINGERPRINT_KEY = "cacheguard/v1";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", note: "note" };

/** What a SARIF result needs of a finding, whether it comes from the engine or from the database. */
export interface SarifFinding {
  ruleId: string;
  severity: Severity;
  confidence: Confidence;
  path: string;
  line: number;
  column: number;
  ref: string;
  message: string;
  fingerprint: string;
  /** `org/name`, for an org-wide export (SARIF uploads are per repository: filter by it) */
  repo?: string | null;
  related?: Finding["related"];
  fix?: { description: string; diff: string } | null;
  /** a silenced finding: a SARIF suppression (inline and config ignores are `inSource`, accept-risk `external`) */
  suppressed?: { kind: string; reason: string } | null;
}

export interface SarifOptions {
  version: string;
  /** dashboard URL: rule help links point at its rule pages */
  origin?: string;
  /** file texts by path, for fix replacements in character offsets */
  texts?: Map<string, string>;
  /** files that could not be analysed, as tool notifications */
  errors?: ParseError[];
  /**
   * `runAutomationDetails.id`: code scanning's category is the part before the last `/`, so
   * `cacheguard/` keeps every upload of this tool in one analysis that each new upload replaces
   */
  automationId?: string;
}

function uri(p: string): string {
  return ownPath(p).split("/").map(encodeURIComponent).join("/");
}

function pascal(id: string): string {
  return id.split("-").map((w) => w[0].toUpperCase() + w.slice(1)).join("");
}

export function sarifRule(r: Rule, origin?: string) {
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
    ...(origin ? { helpUri: `${origin}/rules/${r.id}` } : {}),
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

function location(path: string, line: number, column: number, text?: string) {
  return {
    physicalLocation: { artifactLocation: { uri: uri(path) }, region: { startLine: Math.max(1, line), startColumn: Math.max(1, column) } },
    ...(text ? { message: { text } } : {}),
  };
}

type SarifLocation = ReturnType<typeof location>;

export interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: "error" | "warning" | "note";
  message: { text: string };
  locations: SarifLocation[];
  partialFingerprints: Record<string, string>;
  properties: Record<string, unknown>;
  relatedLocations?: Array<SarifLocation & { id: number }>;
  fixes?: unknown[];
  suppressions?: Array<{ kind: "inSource" | "external"; status: "accepted"; justification: string }>;
}

function result(f: SarifFinding, ruleIndex: number, opts: SarifOptions): SarifResult {
  const res: SarifResult = {
    ruleId: f.ruleId,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: LEVEL[f.severity] ?? "warning",
    message: { text: f.message },
    locations: [location(f.path, f.line, f.column)],
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    properties: {
      confidence: f.confidence,
      ref: f.ref,
      ...(f.repo ? { repo: f.repo } : {}),
      ...(f.fix ? { fixDescription: f.fix.description, fixDiff: f.fix.diff } : {}),
    },
  };
  if (f.suppressed) {
    res.suppressions = [{ kind: f.suppressed.kind === "accepted" ? "external" : "inSource", status: "accepted", justification: f.suppressed.reason }];
  }
  if (f.related?.length) {
    res.relatedLocations = f.related.map((r, i) => ({ id: i, ...location(r.path, r.line, r.column, r.message) }));
  }
  if (f.fix) {
    const reps = replacements(f.fix.diff, opts.texts?.get(f.path));
    if (reps.length) {
      res.fixes = [{ description: { text: f.fix.description }, artifactChanges: [{ artifactLocation: { uri: uri(f.path) }, replacements: reps }] }];
    }
  }
  return res;
}

export function toSarif(findings: SarifFinding[], rules: Rule[], opts: SarifOptions) {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0" as const,
    runs: [
      {
        tool: { driver: { name: "cacheguard", version: opts.version, ...(opts.origin ? { informationUri: opts.origin } : {}), rules: rules.map((r) => sarifRule(r, opts.origin)) } },
        ...(opts.automationId ? { automationDetails: { id: opts.automationId } } : {}),
        results: findings.map((f) => result(f, index.get(f.ruleId) ?? -1, opts)),
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: (opts.errors ?? []).map((e) => ({
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
}
