/**
 * `cacheguard check PATH... [--format text|json|sarif]`: audit checkouts or single files, offline.
 * Exit 1 on an error-severity finding, 2 on bad usage or unreadable input, else 0.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { formatSarif } from "../format-sarif";
import { formatJson } from "../format-json";
import { formatText } from "../format-text";
import type { CliIo } from "../io";
import { readInputs, UsageError } from "../read-input";
import { baselineText, readBaseline } from "../baseline";
import { buildReport } from "../report";

export const CHECK_USAGE = `usage: cacheguard check PATH... [--format text|json|sarif] [--baseline FILE] [--write-baseline FILE]

Audit a checkout (its .github/workflows/*.yml and the actions, reusable workflows,
scripts, Makefiles and bake files they run) or single workflow/bake files for Docker
build caches that overwrite or pose as image tags.

  -f, --format FORMAT       text (default), json or sarif
      --baseline FILE       report only findings that FILE does not list (by fingerprint)
      --write-baseline FILE write every current finding's fingerprint to FILE (then exit 0)
  -h, --help                show this help

Ignores: \`# cacheguard: ignore[rule-id] reason\` on the finding's line, the line above or the
step's uses:/run: line; .github/cacheguard.yml (disable rules, ignore refs by glob, with reasons).
Silenced findings leave the exit status and are listed under "suppressed" in JSON.

Exit status: 1 when an error-severity finding is reported, 2 on bad usage or unreadable
input, 0 otherwise.
`;

const Args = z.object({
  format: z.enum(["text", "json", "sarif"], { error: () => "--format must be text, json or sarif" }).default("text"),
  help: z.boolean().default(false),
  baseline: z.string().min(1).optional(),
  writeBaseline: z.string().min(1).optional(),
  paths: z.array(z.string().min(1)),
});

export async function run(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        format: { type: "string", short: "f" }, help: { type: "boolean", short: "h" },
        baseline: { type: "string" }, "write-baseline": { type: "string" },
      },
      allowPositionals: true,
      strict: true,
    });
    parsed = Args.safeParse({ format: values.format, help: values.help, baseline: values.baseline, writeBaseline: values["write-baseline"], paths: positionals });
  } catch (e) {
    io.stderr(`cacheguard check: ${e instanceof Error ? e.message : String(e)}\n\n${CHECK_USAGE}`);
    return 2;
  }
  if (!parsed.success) {
    io.stderr(`cacheguard check: ${parsed.error.issues.map((i) => i.message).join("; ")}\n\n${CHECK_USAGE}`);
    return 2;
  }
  const args = parsed.data;
  if (args.help) {
    io.stdout(CHECK_USAGE);
    return 0;
  }
  if (args.paths.length === 0) {
    io.stderr(`cacheguard check: no PATH given\n\n${CHECK_USAGE}`);
    return 2;
  }
  let units;
  try {
    units = readInputs(args.paths, io.cwd ?? process.cwd());
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const cwd = io.cwd ?? process.cwd();
  let known: Set<string> | null = null;
  if (args.baseline) {
    const b = readBaseline(path.resolve(cwd, args.baseline));
    if ("error" in b) {
      io.stderr(`cacheguard check: --baseline ${args.baseline}: ${b.error}\n`);
      return 2;
    }
    known = b.fingerprints;
  }
  for (const u of units) if (u.empty) io.stderr(`cacheguard: ${u.empty}\n`);
  const report = await buildReport(units);
  if (args.writeBaseline) {
    writeFileSync(path.resolve(cwd, args.writeBaseline), baselineText(report.findings));
    io.stderr(`cacheguard: wrote ${report.findings.length} finding(s) to the baseline ${args.writeBaseline}\n`);
    return 0;
  }
  if (known) {
    const before = report.findings.length;
    report.findings = report.findings.filter((f) => !known.has(f.fingerprint));
    report.baseline = { file: args.baseline!, known: before - report.findings.length };
  }
  const out = args.format === "json" ? formatJson(report) : args.format === "sarif" ? formatSarif(report) : formatText(report);
  io.stdout(out);
  return report.findings.some((f) => f.severity === "error") ? 1 : 0;
}
