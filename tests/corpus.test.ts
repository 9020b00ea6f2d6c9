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

/**
 * The corpus files that cannot be read as a workflow, and why. Each was checked by hand: the anchor
 * files here are not "anchors unsupported" but a recursive alias (yaml_anchor_usage.yaml's step
 * `&recursive` aliases itself at line 22) or an alias with no anchor before it.
 */
const UNPARSABLE: Record<string, RegExp> = {
  "LICENSE.txt": /YAML syntax error/,
  "err/duplicate_keys.yaml": /Map keys must be unique/,
  "err/empty.yaml": /empty/,
  "err/issue-610_recursive_raw_yaml_value.yaml": /recursive/,
  "err/recursive_anchors.yaml": /recursive/,
  "err/undefined_anchor.yaml": /Unresolved alias/,
  "err/workflow_call_event.yaml": /Map keys must be unique/,
  "err/workflow_call_outputs_syntax.yaml": /Map keys must be unique/,
  "err/yaml_syntax_error.yaml": /YAML syntax error/,
  "examples/broken_yaml.yaml": /YAML syntax error/,
  "examples/dangling_alias.yaml": /Unresolved alias/,
  "examples/yaml_anchor_usage.yaml": /recursive/,
};

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
    // Every file under errors is one GitHub would refuse too; a valid file there would be a false error.
    expect(Object.keys(UNPARSABLE).filter((f) => !withErrors.includes(f))).toEqual([]);
    expect(withErrors.filter((f) => !(f in UNPARSABLE))).toEqual([]);
  }, 60_000);

  it("reports each unparsable file for its real reason", async () => {
    for (const [rel, why] of Object.entries(UNPARSABLE)) {
      const result = await analyze([{ path: ".github/workflows/x.yml", text: readFileSync(path.join(CORPUS, rel), "utf8") }]);
      expect(result.errors.map((e) => e.message).join("\n"), rel).toMatch(why);
    }
  });

  it("reads valid files that use anchors, aliases and merge keys (GitHub Actions supports anchors)", async () => {
    for (const rel of ["examples/yaml_anchors.yaml", "ok/anchors.yaml", "err/unused_anchors.yaml", "err/errors_in_anchor.yaml", "err/merge_key_unsupported.yaml"]) {
      const result = await analyze([{ path: ".github/workflows/x.yml", text: readFileSync(path.join(CORPUS, rel), "utf8") }]);
      expect(result.errors, rel).toEqual([]);
    }
  });
});

if (!existsSync(CORPUS)) {
  describe("actionlint corpus", () => {
    it.skip(`skipped: ${CORPUS} is absent (the shared corpus lives next to the repo)`, () => {});
  });
}
