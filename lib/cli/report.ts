/**
 * The check command's report: engine results with paths as the user sees them, ready to format.
 */
import { analyzeFollowing } from "../engine/analyze";
import { readKey, type ReadAnswer, type WantReader } from "../engine/discover";
import { sarifFingerprint } from "../engine/fingerprint";
import type { Finding, ParseError } from "../engine/types";
import type { InputUnit } from "./read-input";

/** A finding as the user sees it, with the fingerprint of its engine path (what SARIF and baselines carry). */
export type ReportFinding = Finding & { fingerprint: string };

export interface Report {
  findings: ReportFinding[];
  /** findings an ignore silenced, with `suppressed` saying why */
  suppressed: ReportFinding[];
  /** with `--baseline FILE`: how many findings were left out because FILE has them */
  baseline?: { file: string; known: number };
  errors: ParseError[];
  warnings: ParseError[];
  /** files read and analyzed */
  fileCount: number;
  /** original texts by displayed path (SARIF replacements need offsets) */
  texts: Map<string, string>;
}

function rewriteDiffHeaders(diff: string, from: string, to: string): string {
  if (from === to) return diff;
  return diff
    .split("\n")
    .map((l) => (l === `--- a/${from}` ? `--- a/${to}` : l === `+++ b/${from}` ? `+++ b/${to}` : l))
    .join("\n");
}

export async function buildReport(units: InputUnit[]): Promise<Report> {
  const single = units.length === 1;
  const read: WantReader = async (wants) => {
    const out = new Map<string, ReadAnswer>();
    for (const w of wants) out.set(readKey(w.unit, w.key), units[w.unit].read(w.key));
    return out;
  };
  const result = await analyzeFollowing(
    units.map((u) => ({ ...(single ? {} : { repo: u.label }), files: u.files, ...(u.rootNames ? { rootNames: u.rootNames } : {}) })),
    read,
  );
  // Files discovery read (actions, scripts, Makefiles, bake files) are part of what was analysed.
  for (const [i, d] of result.discovered.entries()) units[i].files = d.files.map((f) => ({ path: f.path, text: f.text }));
  const unitOf = (repo: string | undefined) => (single ? units[0] : units.find((u) => u.label === repo));
  const show = (repo: string | undefined, p: string) => unitOf(repo)?.display.get(p) ?? p;

  // Messages name other files by engine path (single files are analyzed as .github/workflows/<name>).
  const renames = units.flatMap((u) => [...u.display].filter(([from, to]) => from !== to));
  const rename = (msg: string) => renames.reduce((m, [from, to]) => m.split(from).join(to), msg);
  const display = (f: Finding): ReportFinding => {
    // The fingerprint comes from the engine path: the dashboard's export of this repository gives the same.
    const out: ReportFinding = { ...f, path: show(f.repo, f.path), message: rename(f.message), fingerprint: sarifFingerprint(f) };
    delete out.repo;
    if (f.via) out.via = f.via.map((c) => ({ ...c, path: show(f.repo, c.path) }));
    if (f.related) {
      out.related = f.related.map((r) => {
        const rr = { ...r, path: show(r.repo ?? f.repo, r.path), message: rename(r.message) };
        delete rr.repo;
        return rr;
      });
    }
    if (f.fix) {
      const m = /^--- a\/(.*)$/m.exec(f.fix.diff);
      const enginePath = m?.[1] ?? f.path;
      out.fix = { description: rename(f.fix.description), diff: rewriteDiffHeaders(f.fix.diff, enginePath, show(f.repo, enginePath)) };
    }
    return out;
  };
  const findings = result.findings.map(display);
  const suppressed = result.suppressed.map(display);
  // analyzeRepos labels repos; errors carry only paths, so map them through every unit.
  const showAny = (p: string) => {
    for (const u of units) {
      const d = u.display.get(p);
      if (d !== undefined) return d;
    }
    return p;
  };
  const texts = new Map<string, string>();
  for (const u of units) for (const f of u.files) texts.set(u.display.get(f.path) ?? f.path, f.text);
  return {
    findings,
    suppressed,
    errors: [...units.flatMap((u) => u.errors), ...result.errors.map((e) => ({ ...e, path: single ? show(undefined, e.path) : showAny(e.path) }))],
    warnings: result.warnings.map((e) => ({ ...e, path: single ? show(undefined, e.path) : showAny(e.path) })),
    fileCount: units.reduce((n, u) => n + u.files.length, 0),
    texts,
  };
}
