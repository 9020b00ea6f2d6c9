/**
 * Following the build to where it is written: each case under tests/fixtures/follow/ is a checkout whose
 * build sits in a composite action, a reusable workflow, a script, a Makefile or a bake file. It is
 * checked the way `cacheguard check DIR` checks it (files read from disk as discovery asks for them), and
 * the findings, their call chains and the analysis notes are compared with `<case>.out`. A missing golden
 * fails; `UPDATE_GOLDEN=1` writes it, to be read as a diff. Every fix is applied with `git apply` and must
 * remove its finding.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { describeCall } from "@/lib/engine/describe-call";
import { readInputs } from "@/lib/cli/read-input";
import { buildReport, type Report } from "@/lib/cli/report";

const DIR = path.join(import.meta.dirname, "fixtures", "follow");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

async function check(dir: string): Promise<Report> {
  return buildReport(readInputs([dir], dir));
}

function lines(r: Report): string[] {
  const out: string[] = [];
  for (const f of r.findings) {
    out.push(`${f.path}:${f.line}:${f.column}: ${f.severity} (${f.confidence}) ${f.ref}: ${f.message} [${f.ruleId}]`);
    for (const c of f.via ?? []) out.push(`  via ${c.path}:${c.line}:${c.column}: ${describeCall(c)}`);
  }
  for (const w of r.warnings) out.push(`${w.path}:${w.line ?? 0}: note: ${w.message}`);
  for (const e of r.errors) out.push(`${e.path}:${e.line ?? 0}: error: ${e.message}`);
  return out;
}

const cases = readdirSync(DIR).filter((n) => statSync(path.join(DIR, n)).isDirectory()).sort();

describe("following builds into actions, reusable workflows, scripts, Makefiles and bake files", () => {
  it("has cases with and without findings", () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
    expect(cases.filter((c) => c.endsWith("-ok")).length).toBeGreaterThanOrEqual(3);
  });

  for (const name of cases) {
    it(name, async () => {
      const dir = path.join(DIR, name);
      const outPath = path.join(DIR, `${name}.out`);
      const report = await check(dir);
      const got = lines(report);
      if (name.endsWith("-ok")) {
        expect(report.findings.filter((f) => f.severity !== "note").map((f) => `${f.path}:${f.line} ${f.ruleId}`)).toEqual([]);
      }
      if (UPDATE) writeFileSync(outPath, got.map((l) => `${l}\n`).join(""));
      expect(existsSync(outPath), `${outPath} is missing: write it with UPDATE_GOLDEN=1 and read it`).toBe(true);
      expect(got).toEqual(readFileSync(outPath, "utf8").split("\n").filter(Boolean));

      for (const f of report.findings.filter((x) => x.fix)) {
        const tmp = mkdtempSync(path.join(tmpdir(), "cg-follow-"));
        try {
          cpSync(dir, tmp, { recursive: true });
          execFileSync("git", ["apply", "-"], { cwd: tmp, input: f.fix!.diff });
          const after = await check(tmp);
          const same = after.findings.filter((x) => x.ruleId === f.ruleId && x.path === f.path && x.ref === f.ref);
          expect(same, `fix of ${f.path}:${f.line} ${f.ruleId}`).toEqual([]);
        } finally {
          rmSync(tmp, { recursive: true, force: true });
        }
      }
    });
  }
});
