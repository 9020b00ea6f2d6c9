/**
 * Reviewed exceptions, written in the repository:
 *
 * - Inline: `# cacheguard: ignore[rule-id] reason` (several ids comma-separated) on the finding's
 *   line, the line above it, or the `uses:`/`run:` line of the step the build stands in (or of the
 *   step that calls the action, script or Makefile it is in). It silences those rules there, nothing else.
 * - Per repository: `.github/cacheguard.yml`, validated, every entry with a reason:
 *
 *   ```yaml
 *   disable:
 *     - rule: gha-cache-scope-shared
 *       reason: each repository runs on its own runners
 *   ignore:
 *     - ref: ghcr.io/acme/scratch-*      # glob: * any run of characters, ? one character
 *       rule: cache-overwrites-image-tag  # optional: every rule when absent
 *       reason: throwaway images nobody pulls
 *   ```
 *
 * A silenced finding is not dropped: analyze() returns it under `suppressed` with the reason, so
 * reports can still show it (JSON `suppressed`, SARIF suppressions) while counts and exit codes ignore it.
 */
import { parseDocument } from "yaml";
import { z } from "zod";
import { CONFIG_PATH } from "./paths";
import { rules } from "./rules/index";
import { findingBuild } from "./rules/shared";
import type { Finding, InputFile, ParseError, SuppressionInfo } from "./types";

export { CONFIG_PATH };

const RULE_IDS = new Set(rules.map((r) => r.id));
const INLINE = /#\s*cacheguard:\s*ignore\[([^\]]*)\]\s*(.*)$/;

const ruleId = z.string().superRefine((id, ctx) => {
  if (!RULE_IDS.has(id)) ctx.addIssue({ code: "custom", message: `unknown rule "${id}" (rules: ${[...RULE_IDS].join(", ")})` });
});
const reason = z.string({ error: "a reason is required" }).trim().min(1, "a reason is required");

export const configSchema = z.object({
  disable: z.array(z.object({ rule: ruleId, reason }).strict()).default([]),
  ignore: z.array(z.object({ ref: z.string().min(1, "ref must be a glob such as ghcr.io/org/app:*"), rule: ruleId.optional(), reason }).strict()).default([]),
}).strict();

export type RepoConfig = z.infer<typeof configSchema>;


function globRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "i");
}

/** Parse and validate `.github/cacheguard.yml`; problems are errors naming the entry. */
export function parseRepoConfig(text: string): { config: RepoConfig | null; errors: ParseError[] } {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    return { config: null, errors: [{ path: CONFIG_PATH, message: `not valid YAML: ${doc.errors[0].message.split("\n")[0]}; none of its ignores apply` }] };
  }
  const parsed = configSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({
      path: CONFIG_PATH,
      message: `${i.path.length ? `${i.path.join(".")}: ` : ""}${i.message}; none of its ignores apply`,
    }));
    return { config: null, errors };
  }
  return { config: parsed.data, errors: [] };
}

interface InlineIgnore { rules: Set<string>; reason: string }

/** Inline ignores of one file by line (1-based). */
function inlineIgnores(text: string, path: string, warnings: ParseError[]): Map<number, InlineIgnore> {
  const out = new Map<number, InlineIgnore>();
  if (!text.includes("cacheguard:")) return out;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = INLINE.exec(lines[i]);
    if (!m) continue;
    const ids = m[1].split(",").map((s) => s.trim()).filter(Boolean);
    for (const id of ids) {
      if (!RULE_IDS.has(id)) warnings.push({ path, line: i + 1, message: `cacheguard: ignore names unknown rule "${id}"; it silences nothing` });
    }
    out.set(i + 1, { rules: new Set(ids.filter((id) => RULE_IDS.has(id))), reason: m[2].trim() || "(no reason given)" });
  }
  return out;
}

const key = (repo: string | undefined, path: string) => `${repo ?? ""}\u0000${path}`;

/** The places whose inline comment may silence a finding: its line, the line above, its step's line, its callers' lines. */
function placesOf(f: Finding): Array<{ repo: string | undefined; path: string; line: number }> {
  const out = [{ repo: f.repo, path: f.path, line: f.line }, { repo: f.repo, path: f.path, line: f.line - 1 }];
  const b = findingBuild.get(f);
  if (b) out.push({ repo: f.repo, path: b.span.path, line: b.span.line });
  for (const c of f.via ?? []) out.push({ repo: f.repo, path: c.path, line: c.line }, { repo: f.repo, path: c.path, line: c.line - 1 });
  return out;
}

type RepoProblem = ParseError & { repo?: string };

export interface IgnoreResult {
  findings: Finding[];
  suppressed: Array<Finding & { suppressed: SuppressionInfo }>;
  /** a config that does not validate (its ignores then do not apply), with the repository it is in */
  errors: RepoProblem[];
  /** an inline ignore naming an unknown rule */
  warnings: RepoProblem[];
}

/** Split findings into reported and silenced, by the repositories' inline comments and configs. */
export function applyIgnores(findings: Finding[], files: InputFile[], defaultRepo?: string): IgnoreResult {
  const errors: RepoProblem[] = [];
  const warnings: RepoProblem[] = [];
  const inline = new Map<string, Map<number, InlineIgnore>>();
  const configs = new Map<string, RepoConfig>();
  for (const file of files) {
    if (typeof file.text !== "string") continue;
    const f = file.repo || !defaultRepo ? file : { ...file, repo: defaultRepo };
    if (f.path === CONFIG_PATH) {
      const { config, errors: e } = parseRepoConfig(f.text);
      for (const x of e) errors.push({ ...x, ...(f.repo ? { repo: f.repo } : {}) });
      if (config) configs.set(f.repo ?? "", config);
      continue;
    }
    const said: ParseError[] = [];
    const m = inlineIgnores(f.text, f.path, said);
    for (const x of said) warnings.push({ ...x, ...(f.repo ? { repo: f.repo } : {}) });
    if (m.size > 0) inline.set(key(f.repo, f.path), m);
  }
  if (inline.size === 0 && configs.size === 0) return { findings, suppressed: [], errors, warnings };
  const kept: Finding[] = [];
  const suppressed: IgnoreResult["suppressed"] = [];
  for (const f of findings) {
    const why = inlineFor(f, inline) ?? configFor(f, configs.get(f.repo ?? ""));
    if (why) suppressed.push({ ...f, suppressed: why });
    else kept.push(f);
  }
  return { findings: kept, suppressed, errors, warnings };
}

function inlineFor(f: Finding, inline: Map<string, Map<number, InlineIgnore>>): SuppressionInfo | null {
  for (const p of placesOf(f)) {
    const hit = inline.get(key(p.repo, p.path))?.get(p.line);
    if (hit?.rules.has(f.ruleId)) return { kind: "inline", reason: hit.reason, at: `${p.path}:${p.line}` };
  }
  return null;
}

function configFor(f: Finding, config: RepoConfig | undefined): SuppressionInfo | null {
  if (!config) return null;
  const off = config.disable.find((d) => d.rule === f.ruleId);
  if (off) return { kind: "config", reason: off.reason, at: `${CONFIG_PATH}: disable ${off.rule}` };
  const ig = config.ignore.find((i) => (i.rule === undefined || i.rule === f.ruleId) && globRegExp(i.ref).test(f.ref));
  if (ig) return { kind: "config", reason: ig.reason, at: `${CONFIG_PATH}: ignore ${ig.ref}` };
  return null;
}
