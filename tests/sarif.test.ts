import { applyPatch } from "diff";
import { describe, expect, it } from "vitest";
import { sarifValidator } from "@/lib/demo/fake-github/sarif-schema";
import { rules } from "@/lib/engine/rules/index";
import { checkout, cli, SEED } from "./cli-helpers";

describe("--format sarif", () => {
  it("is valid SARIF 2.1.0 with rule metadata, locations and fixes", async () => {
    const dir = checkout({ ".github/workflows/ci.yml": SEED, ".github/workflows/broken.yml": "on: [push\n" });
    const r = await cli(["check", ".", "--format", "sarif"], dir);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    // the official OASIS schema, the one the fake server's code-scanning upload validates against too
    const validate = sarifValidator();
    // The validator is real: a run without a driver name is rejected.
    expect(validate({ version: "2.1.0", runs: [{ tool: { driver: {} } }] })).toBe(false);
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);

    const run = log.runs[0];
    expect(run.tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(rules.map((x) => x.id));
    const rule = run.tool.driver.rules[0];
    expect(rule).toMatchObject({ id: rules[0].id, shortDescription: { text: rules[0].title }, defaultConfiguration: { level: "error" } });
    expect(rule.fullDescription.text).toBe(rules[0].description);

    const [res] = run.results;
    expect(res).toMatchObject({ ruleId: "cache-overwrites-image-tag", level: "error" });
    expect(run.tool.driver.rules[res.ruleIndex].id).toBe(res.ruleId);
    expect(res.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: ".github/workflows/ci.yml" }, region: { startLine: 26, startColumn: 39 } });
    expect(res.relatedLocations.length).toBeGreaterThanOrEqual(2);

    // The replacements, applied to the original text, give the same file as the unified diff.
    const change = res.fixes[0].artifactChanges[0];
    let patched = SEED;
    for (const rep of [...change.replacements].sort((a, b) => b.deletedRegion.charOffset - a.deletedRegion.charOffset)) {
      const { charOffset, charLength } = rep.deletedRegion;
      patched = patched.slice(0, charOffset) + rep.insertedContent.text + patched.slice(charOffset + charLength);
    }
    expect(patched).toBe(applyPatch(SEED, res.properties.fixDiff));
    expect(patched).toContain("ref=ghcr.io/org/repo:test-cache,mode=max");

    const notes = run.invocations[0].toolExecutionNotifications;
    expect(notes.map((n: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => n.locations[0].physicalLocation.artifactLocation.uri)).toContain(".github/workflows/broken.yml");
  });
});
