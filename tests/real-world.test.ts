/**
 * Precision on real-world shapes: tests/fixtures/real-world/ holds small workflows (and checkouts) of
 * our own that reproduce patterns found in public repositories, with names changed. Each case has a
 * golden `<case>.out` (one line per finding, like the rule fixtures; empty for a correct setup), so a
 * false positive or a false negative fails here. Every suggested fix must apply and remove its finding.
 * Regenerate goldens with UPDATE_GOLDEN=1 after checking the change by hand.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "@/lib/engine/analyze";
import type { InputFile } from "@/lib/engine/types";
import { findingLine } from "./fixture-cases";

const DIR = path.join(import.meta.dirname, "fixtures", "real-world");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p, base) : [path.relative(base, p).split(path.sep).join("/")];
  });
}

interface Case {
  name: string;
  files: InputFile[];
  outPath: string;
}

function cases(): Case[] {
  return readdirSync(DIR)
    .filter((e) => !e.endsWith(".out") && !e.endsWith(".md"))
    .sort()
    .map((entry) => {
      const p = path.join(DIR, entry);
      const name = entry.replace(/\.ya?ml$/, "");
      const files = statSync(p).isDirectory()
        ? walk(p).map((rel) => ({ path: rel, text: readFileSync(path.join(p, rel), "utf8") }))
        : [{ path: `.github/workflows/${entry}`, text: readFileSync(p, "utf8") }];
      return { name, files, outPath: path.join(DIR, `${name}.out`) };
    });
}

const all = cases();

describe("real-world shapes", () => {
  it("cover many patterns, both collisions and correct setups", () => {
    expect(all.length).toBeGreaterThanOrEqual(25);
    const clean = all.filter((c) => existsSync(c.outPath) && readFileSync(c.outPath, "utf8").trim() === "");
    expect(clean.length).toBeGreaterThanOrEqual(12);
    expect(all.length - clean.length).toBeGreaterThanOrEqual(10);
  });

  for (const c of all) {
    it(`${c.name}: reports exactly the golden findings`, async () => {
      const result = await analyze(c.files);
      expect(result.errors).toEqual([]);
      const lines = result.findings.map(findingLine);
      if (UPDATE) writeFileSync(c.outPath, lines.map((l) => `${l}\n`).join(""));
      // a golden written by the run that checks it proves nothing: a missing one fails
      expect(existsSync(c.outPath), `${c.outPath} is missing: write it with UPDATE_GOLDEN=1 and read it`).toBe(true);
      expect(lines).toEqual(readFileSync(c.outPath, "utf8").split("\n").filter(Boolean));
    });
  }

  for (const c of all) {
    it(`${c.name}: every suggested fix applies with git apply and removes its finding`, async () => {
      const before = await analyze(c.files);
      for (const f of before.findings.filter((x) => x.fix)) {
        const dir = mkdtempSync(path.join(tmpdir(), "cg-rw-"));
        try {
          for (const file of c.files) {
            mkdirSync(path.join(dir, path.dirname(file.path)), { recursive: true });
            writeFileSync(path.join(dir, file.path), file.text);
          }
          writeFileSync(path.join(dir, "fix.diff"), f.fix?.diff ?? "");
          execFileSync("git", ["apply", "fix.diff"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
          const after = c.files.map((file) => ({ path: file.path, text: readFileSync(path.join(dir, file.path), "utf8") }));
          const again = await analyze(after);
          expect(again.errors).toEqual([]);
          expect(again.findings.filter((g) => g.ruleId === f.ruleId && g.path === f.path && g.line === f.line).map(findingLine)).toEqual([]);
          // The fix moves the cache off the tag without breaking the cache round trip.
          expect(again.findings.filter((g) => g.ruleId === "cache-from-never-written").map(findingLine)).toEqual(
            before.findings.filter((g) => g.ruleId === "cache-from-never-written").map(findingLine),
          );
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    });
  }
});
