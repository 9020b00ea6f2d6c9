import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "@/lib/engine/analyze";
import { renderRulesMarkdown, updateReadmeRules } from "@/lib/engine/rules/docs";
import { rules } from "@/lib/engine/rules/index";
import type { InputFile, Rule } from "@/lib/engine/types";
import { findingLine, fixtureCases } from "./fixture-cases";

const ROOT = path.join(import.meta.dirname, "..");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

describe("rule registry", () => {
  it("has unique ids, each matching the file that defines the rule", async () => {
    const ids = rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of rules) {
      expect(r.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      const mod = (await import(path.join(ROOT, "lib/engine/rules", `${r.id}.ts`))) as Record<string, unknown>;
      const exported = Object.values(mod).filter((v): v is Rule => typeof v === "object" && v !== null && "id" in v && "check" in v);
      expect(exported.map((e) => e.id), `lib/engine/rules/${r.id}.ts`).toEqual([r.id]);
    }
    const files = readdirSync(path.join(ROOT, "lib/engine/rules")).filter((f) => /^[a-z0-9-]+\.ts$/.test(f));
    const helpers = new Set(["index.ts", "shared.ts", "docs.ts", "test-model.ts"]);
    expect(files.filter((f) => !helpers.has(f)).sort()).toEqual(ids.map((id) => `${id}.ts`).sort());
  });

  it("has complete metadata for docs and SARIF", () => {
    for (const r of rules) {
      expect(r.title.length, r.id).toBeGreaterThan(10);
      expect(r.description.length, r.id).toBeGreaterThan(60);
      expect(r.example.bad, r.id).not.toEqual(r.example.good);
      expect(r.fix.length, r.id).toBeGreaterThan(10);
    }
  });

  it("docs/rules.md is up to date (run `npm run docs:rules`)", () => {
    const onDisk = readFileSync(path.join(ROOT, "docs/rules.md"), "utf8");
    expect(onDisk).toBe(renderRulesMarkdown(rules));
    for (const r of rules) expect(onDisk).toContain(`<a id="${r.id}"></a>`);
  });

  it("the README's rule table is up to date (run `npm run docs:rules`)", () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    expect(readme).toBe(updateReadmeRules(readme, rules));
    for (const r of rules) expect(readme).toContain(`[\`${r.id}\`](docs/rules.md#${r.id})`);
  });
});

const cases = fixtureCases();

/** Rules whose every finding in the fixtures carries a suggested fix. */
const FIXED_RULES = new Set(["gha-cache-scope-shared", "cache-overwritten-by-image", "cache-ref-implicit-latest"]);

describe("rule fixtures", () => {
  it("cover every rule that reads workflows with bad and ok cases", () => {
    // live rules (registry-tag-holds-cache, gha-cache-near-quota) are fed by API data: tests/scan-*.test.ts
    for (const r of rules.filter((x) => x.kind !== "live")) {
      expect(cases.some((c) => c.ruleId === r.id && c.kind === "bad"), `${r.id} bad`).toBe(true);
      expect(cases.some((c) => c.ruleId === r.id && c.kind === "ok"), `${r.id} ok`).toBe(true);
    }
  });

  for (const c of cases) {
    it(`${c.ruleId}/${c.kind}/${c.name}`, async () => {
      const result = await analyze(c.files);
      expect(result.errors).toEqual([]);
      const lines = result.findings.map(findingLine);
      if (c.kind === "ok") {
        expect(lines).toEqual([]);
        return;
      }
      expect(result.findings.some((f) => f.ruleId === c.ruleId)).toBe(true);
      // A missing golden fails (write it deliberately with UPDATE_GOLDEN=1, then read it).
      if (UPDATE) writeFileSync(c.outPath, lines.map((l) => `${l}\n`).join(""));
      expect(existsSync(c.outPath), `${c.outPath} is missing: run UPDATE_GOLDEN=1 and read it`).toBe(true);
      const expected = readFileSync(c.outPath, "utf8").split("\n").filter(Boolean);
      expect(lines).toEqual(expected);
      for (const f of result.findings) {
        expect(f.confidence).toMatch(/^(high|medium|low)$/);
        expect(f.ref.length).toBeGreaterThan(0);
        if (FIXED_RULES.has(f.ruleId) || f.ruleId.startsWith("cache-overwrites-")) expect(f.fix, findingLine(f)).toBeDefined();
      }
    });
  }
});

function sh(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

describe("suggested fixes", () => {
  const withFixes = cases.filter((c) => c.kind === "bad");
  for (const c of withFixes) {
    it(`${c.ruleId}/${c.name}: the diff applies with git apply and patch -p1, and the collision is gone`, async () => {
      const before = await analyze(c.files);
      const fixed = before.findings.filter((f) => f.fix);
      if (fixed.length === 0) return;
      for (const f of fixed) {
        const dir = mkdtempSync(path.join(tmpdir(), "cg-fix-"));
        try {
          for (const file of c.files) {
            mkdirSync(path.join(dir, path.dirname(file.path)), { recursive: true });
            writeFileSync(path.join(dir, file.path), file.text);
          }
          writeFileSync(path.join(dir, "fix.diff"), f.fix?.diff ?? "");
          sh("git", ["apply", "--check", "fix.diff"], dir);
          sh("patch", ["-p1", "--dry-run", "-i", "fix.diff"], dir);
          sh("git", ["apply", "fix.diff"], dir);
          const after: InputFile[] = c.files.map((file) => ({ path: file.path, text: readFileSync(path.join(dir, file.path), "utf8") }));
          const changed = after.filter((a, i) => a.text !== c.files[i].text);
          expect(changed.map((x) => x.path)).toEqual([f.path]);
          const again = await analyze(after);
          expect(again.errors).toEqual([]);
          const collisions = again.findings.filter((g) => g.ruleId === f.ruleId && g.path === f.path && g.line === f.line);
          expect(collisions, findingLine(f)).toEqual([]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    });
  }
});
