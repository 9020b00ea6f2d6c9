/**
 * Rule fixtures: tests/fixtures/rules/<rule-id>/{bad,ok}/<case>.yml (a single workflow, analyzed as
 * `.github/workflows/<case>.yml`) or <case>/ (a checkout: its workflows plus bake files).
 * A bad case has <case>.out next to it: one line per finding, `path:line:col: severity (confidence) ref: message [rule]`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { Finding, InputFile } from "@/lib/engine/types";

export const FIXTURES = path.join(import.meta.dirname, "fixtures", "rules");

export interface FixtureCase {
  ruleId: string;
  kind: "bad" | "ok";
  name: string;
  /** where the case's files live on disk (the file itself, or the checkout dir) */
  source: string;
  files: InputFile[];
  /** engine path -> absolute path on disk */
  onDisk: Map<string, string>;
  outPath: string;
}

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p, base) : [path.relative(base, p).split(path.sep).join("/")];
  });
}

export function fixtureCases(): FixtureCase[] {
  const out: FixtureCase[] = [];
  for (const ruleId of readdirSync(FIXTURES).sort()) {
    for (const kind of ["bad", "ok"] as const) {
      const dir = path.join(FIXTURES, ruleId, kind);
      if (!existsSync(dir)) continue;
      for (const entry of readdirSync(dir).sort()) {
        const p = path.join(dir, entry);
        if (entry.endsWith(".out")) continue;
        const onDisk = new Map<string, string>();
        let files: InputFile[];
        let name: string;
        if (statSync(p).isDirectory()) {
          name = entry;
          files = walk(p).map((rel) => {
            onDisk.set(rel, path.join(p, rel));
            return { path: rel, text: readFileSync(path.join(p, rel), "utf8") };
          });
        } else {
          name = entry.replace(/\.ya?ml$/, "");
          const enginePath = `.github/workflows/${entry}`;
          onDisk.set(enginePath, p);
          files = [{ path: enginePath, text: readFileSync(p, "utf8") }];
        }
        out.push({ ruleId, kind, name, source: p, files, onDisk, outPath: path.join(dir, `${name}.out`) });
      }
    }
  }
  return out;
}

/** One golden line: where, how bad, how sure, about which ref, what, and which rule. */
export function findingLine(f: Finding): string {
  return `${f.path}:${f.line}:${f.column}: ${f.severity} (${f.confidence}) ${f.ref}: ${f.message} [${f.ruleId}]`;
}
