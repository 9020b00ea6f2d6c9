/**
 * `cacheguard fix PATH... [--dry-run]`: apply the suggested fixes in place, like `zizmor --fix`.
 * Every finding with a fix in a file of the checkout is applied (several per file, one after the
 * other); then the checkout is checked again and what is left is reported. `--dry-run` changes
 * nothing and prints one unified diff of every file it would change. Fixes in another repository's
 * files (an action at a ref) and silenced findings are left alone.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { applyPatch, createTwoFilesPatch } from "diff";
import { parseForeignPath } from "../../engine/paths";
import type { CliIo } from "../io";
import { readInputs, UsageError } from "../read-input";
import { buildReport } from "../report";

export const FIX_USAGE = `usage: cacheguard fix PATH... [--dry-run]

Apply the suggested fixes of \`cacheguard check PATH...\` to the files in place, then check again.

  -n, --dry-run   change nothing; print the unified diff of every file that would change
  -h, --help      show this help

Exit status: 0 when every fix applied (and, without --dry-run, nothing is left that has a fix),
1 when a fix could not be applied or findings without a fix remain, 2 on bad usage.
`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  let values: { "dry-run"?: boolean; help?: boolean };
  let paths: string[];
  try {
    const parsed = parseArgs({ args: argv, options: { "dry-run": { type: "boolean", short: "n" }, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
    values = parsed.values;
    paths = parsed.positionals;
  } catch (e) {
    io.stderr(`cacheguard fix: ${e instanceof Error ? e.message : String(e)}\n\n${FIX_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(FIX_USAGE);
    return 0;
  }
  if (paths.length === 0) {
    io.stderr(`cacheguard fix: no PATH given\n\n${FIX_USAGE}`);
    return 2;
  }
  const cwd = io.cwd ?? process.cwd();
  const check = async () => {
    try {
      return await buildReport(readInputs(paths, cwd));
    } catch (e) {
      if (e instanceof UsageError) return e;
      throw e;
    }
  };
  const report = await check();
  if (report instanceof UsageError) {
    io.stderr(`${report.message}\n`);
    return 2;
  }
  // fixes by displayed path, in source order; the diff names the file as the user sees it
  const byFile = new Map<string, string[]>();
  const skipped: string[] = [];
  for (const f of report.findings) {
    if (!f.fix?.diff) continue;
    const target = /^--- a\/(.*)$/m.exec(f.fix.diff)?.[1] ?? f.path;
    if (parseForeignPath(target)) {
      skipped.push(`${f.path}:${f.line}: ${f.ruleId}: the fix belongs to another repository's file; fix it there`);
      continue;
    }
    byFile.set(target, [...(byFile.get(target) ?? []), f.fix.diff]);
  }
  let failed = 0;
  const changed: Array<{ file: string; before: string; after: string }> = [];
  for (const [file, diffs] of byFile) {
    const abs = path.resolve(cwd, file);
    const before = report.texts.get(file) ?? readFileSync(abs, "utf8");
    let text = before;
    for (const d of diffs) {
      const next = applyPatch(text, d);
      if (next === false) {
        failed++;
        skipped.push(`${file}: a fix no longer applies after the others; run cacheguard fix again`);
        continue;
      }
      text = next;
    }
    if (text !== before) changed.push({ file, before, after: text });
  }
  if (values["dry-run"]) {
    for (const c of changed) io.stdout(createTwoFilesPatch(`a/${c.file}`, `b/${c.file}`, c.before, c.after, "", "", { context: 3 }).replace(/^=+\n/, ""));
    for (const s of skipped) io.stderr(`cacheguard: ${s}\n`);
    io.stderr(`cacheguard: ${changed.length} file(s) would change (dry run: nothing written)\n`);
    return failed > 0 ? 1 : 0;
  }
  for (const c of changed) writeFileSync(path.resolve(cwd, c.file), c.after);
  for (const c of changed) io.stdout(`fixed ${c.file}\n`);
  for (const s of skipped) io.stderr(`cacheguard: ${s}\n`);
  const after = await check();
  const left = after instanceof UsageError ? [] : after.findings;
  const fixable = left.filter((f) => f.fix?.diff && !parseForeignPath(f.path)).length;
  io.stdout(`${changed.length} file(s) changed; ${left.length} finding(s) left${fixable ? ` (${fixable} with a fix: run cacheguard fix again)` : ""}\n`);
  return failed > 0 || left.some((f) => f.severity === "error") ? 1 : 0;
}
