/**
 * Robustness on real-world-shaped workflows: every file of actionlint's test corpus (valid, invalid and
 * broken YAML) goes through analyze(). None may throw or hang, none has a cache problem, and the ones
 * that cannot be parsed are listed under errors.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "@/lib/engine/analyze";

const CORPUS = path.resolve(import.meta.dirname, "..", "..", "shared", "corpus", "actionlint");

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = path.join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
}

describe.skipIf(!existsSync(CORPUS))("actionlint corpus", () => {
  it("analyzes every file without a crash, a hang or a cache finding", async () => {
    const files = walk(CORPUS);
    expect(files.length).toBeGreaterThan(100);
    const started = performance.now();
    const withErrors: string[] = [];
    const cacheFindings: string[] = [];
    for (const abs of files) {
      const rel = path.relative(CORPUS, abs).split(path.sep).join("/");
      // Each corpus file stands alone as the only workflow of a checkout.
      const name = rel.replaceAll("/", "__").replace(/\.(ya?ml|txt)$/, "");
      const result = await analyze([{ path: `.github/workflows/${name}.yml`, text: readFileSync(abs, "utf8") }]);
      if (result.errors.length) withErrors.push(rel);
      for (const f of result.findings) cacheFindings.push(`${rel}: ${f.ruleId}: ${f.message}`);
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`corpus: ${files.length} files in ${seconds.toFixed(2)} s; ${withErrors.length} listed under errors: ${withErrors.join(", ")}`);
    expect(cacheFindings).toEqual([]);
    expect(seconds).toBeLessThan(20);
    // broken_yaml.yaml is broken on purpose: it must be reported, not skipped silently.
    expect(withErrors.some((f) => f.includes("broken_yaml"))).toBe(true);
  }, 60_000);
});

if (!existsSync(CORPUS)) {
  describe("actionlint corpus", () => {
    it.skip(`skipped: ${CORPUS} is absent (the shared corpus lives next to the repo)`, () => {});
  });
}
