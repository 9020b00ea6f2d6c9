/**
 * Ignores and baselines through `cacheguard check`: each ignore form silences the rule it names there
 * and nothing else; silenced findings leave the exit status but stay in JSON (`suppressed`) and SARIF
 * (suppressions); a baseline leaves out exactly the findings it lists.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkout, cli } from "./cli-helpers";

// two mistakes in one workflow: the seed collision (error) and a shared gha scope (warnings)
const wf = (comment: { step?: string; line?: string; above?: string } = {}) => `name: ci
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6${comment.step ?? ""}
        with:
          push: true
          tags: ghcr.io/acme/app:test
${comment.above ?? ""}          cache-to: type=registry,ref=ghcr.io/acme/app:test,mode=max${comment.line ?? ""}
      - uses: docker/build-push-action@v6
        with:
          context: api
          push: true
          tags: ghcr.io/acme/api:latest
          cache-to: type=gha,mode=max
      - uses: docker/build-push-action@v6
        with:
          context: web
          push: true
          tags: ghcr.io/acme/web:latest
          cache-to: type=gha,mode=max
`;

interface Out {
  findings: Array<{ ruleId: string; fingerprint: string }>;
  suppressed: Array<{ ruleId: string; suppressed: { kind: string; reason: string; at?: string } }>;
  errors: Array<{ path: string; message: string }>;
  warnings: Array<{ path: string; message: string }>;
  baseline?: { file: string; known: number };
}

async function check(files: Record<string, string>, extra: string[] = []) {
  const dir = checkout(files);
  const r = await cli(["check", ".", "--format", "json", ...extra], dir);
  return { code: r.code, out: JSON.parse(r.stdout) as Out, dir, stderr: r.stderr };
}

const rulesOf = (list: Array<{ ruleId: string }>) => list.map((f) => f.ruleId).sort();

describe("inline ignores", () => {
  it("nothing ignored: one error and two warnings, exit 1", async () => {
    const { code, out } = await check({ ".github/workflows/ci.yml": wf() });
    expect(code).toBe(1);
    expect(rulesOf(out.findings)).toEqual(["cache-overwrites-image-tag", "gha-cache-scope-shared", "gha-cache-scope-shared"]);
    expect(out.suppressed).toEqual([]);
  });

  for (const [where, comment] of [
    ["on the finding's line", { line: "  # cacheguard: ignore[cache-overwrites-image-tag] test tag, nobody pulls it" }],
    ["on the line above", { above: "          # cacheguard: ignore[cache-overwrites-image-tag] test tag, nobody pulls it\n" }],
    ["on the step's uses: line", { step: "  # cacheguard: ignore[cache-overwrites-image-tag] test tag, nobody pulls it" }],
  ] as const) {
    it(`${where}: silences that rule there, keeps the others, exit 0`, async () => {
      const { code, out } = await check({ ".github/workflows/ci.yml": wf(comment) });
      expect(rulesOf(out.findings)).toEqual(["gha-cache-scope-shared", "gha-cache-scope-shared"]);
      expect(out.suppressed).toHaveLength(1);
      expect(out.suppressed[0]).toMatchObject({ ruleId: "cache-overwrites-image-tag", suppressed: { kind: "inline", reason: "test tag, nobody pulls it" } });
      expect(code).toBe(0); // the remaining findings are warnings
    });
  }

  it("naming another rule silences nothing, and an unknown rule id is a note", async () => {
    const { code, out } = await check({ ".github/workflows/ci.yml": wf({ line: "  # cacheguard: ignore[gha-cache-scope-shared, no-such-rule]" }) });
    expect(code).toBe(1);
    expect(rulesOf(out.findings)).toContain("cache-overwrites-image-tag");
    expect(out.suppressed).toEqual([]);
    expect(out.warnings.map((w) => w.message)).toContain('cacheguard: ignore names unknown rule "no-such-rule"; it silences nothing');
  });

  it("SARIF carries the silenced finding as a result with an inSource suppression", async () => {
    const dir = checkout({ ".github/workflows/ci.yml": wf({ line: "  # cacheguard: ignore[cache-overwrites-image-tag] reviewed" }) });
    const r = await cli(["check", ".", "--format", "sarif"], dir);
    const results = (JSON.parse(r.stdout) as { runs: Array<{ results: Array<{ ruleId: string; suppressions?: Array<{ kind: string; justification: string }> }> }> }).runs[0].results;
    const silenced = results.filter((x) => x.suppressions);
    expect(silenced.map((x) => x.ruleId)).toEqual(["cache-overwrites-image-tag"]);
    expect(silenced[0].suppressions).toEqual([{ kind: "inSource", status: "accepted", justification: "reviewed" }]);
    expect(results.filter((x) => !x.suppressions)).toHaveLength(2);
  });
});

describe(".github/cacheguard.yml", () => {
  it("disables a rule and ignores refs by glob, each with its reason", async () => {
    const config = `disable:
  - rule: gha-cache-scope-shared
    reason: each repository has its own runners and cache
ignore:
  - ref: ghcr.io/acme/app:*
    rule: cache-overwrites-image-tag
    reason: test images only
`;
    const { code, out } = await check({ ".github/workflows/ci.yml": wf(), ".github/cacheguard.yml": config });
    expect(code).toBe(0);
    expect(out.findings).toEqual([]);
    expect(out.suppressed.map((s) => `${s.ruleId}: ${s.suppressed.kind}: ${s.suppressed.reason}`).sort()).toEqual([
      "cache-overwrites-image-tag: config: test images only",
      "gha-cache-scope-shared: config: each repository has its own runners and cache",
      "gha-cache-scope-shared: config: each repository has its own runners and cache",
    ]);
  });

  it("a glob that does not match, or another rule, leaves the finding", async () => {
    const config = "ignore:\n  - ref: ghcr.io/acme/other:*\n    reason: other\n  - ref: ghcr.io/acme/app:test\n    rule: cache-from-never-written\n    reason: wrong rule\n";
    const { out } = await check({ ".github/workflows/ci.yml": wf(), ".github/cacheguard.yml": config });
    expect(rulesOf(out.findings)).toContain("cache-overwrites-image-tag");
  });

  it("a config that does not validate is an error naming the entry, and none of it applies", async () => {
    const config = "disable:\n  - rule: gha-cache-scope-shared\n  - rule: no-such-rule\n    reason: typo\n";
    const { code, out } = await check({ ".github/workflows/ci.yml": wf(), ".github/cacheguard.yml": config });
    expect(code).toBe(1);
    expect(out.suppressed).toEqual([]);
    const messages = out.errors.filter((e) => e.path === ".github/cacheguard.yml").map((e) => e.message);
    expect(messages).toContain("disable.0.reason: a reason is required; none of its ignores apply");
    expect(messages.some((m) => m.startsWith('disable.1.rule: unknown rule "no-such-rule"'))).toBe(true);
  });
});

describe("baseline", () => {
  it("--write-baseline then --baseline: only findings not in the file are reported", async () => {
    const first = await check({ ".github/workflows/ci.yml": wf() });
    const w = await cli(["check", ".", "--write-baseline", "baseline.json"], first.dir);
    expect(w.code).toBe(0);
    const file = JSON.parse(readFileSync(path.join(first.dir, "baseline.json"), "utf8")) as { findings: Array<{ fingerprint: string }> };
    expect(file.findings.map((f) => f.fingerprint).sort()).toEqual(first.out.findings.map((f) => f.fingerprint).sort());

    const same = await cli(["check", ".", "--format", "json", "--baseline", "baseline.json"], first.dir);
    expect(same.code).toBe(0);
    expect((JSON.parse(same.stdout) as Out)).toMatchObject({ findings: [], baseline: { file: "baseline.json", known: 3 } });

    // a new mistake after the baseline is reported (and fails the build); the old ones stay quiet
    const dir2 = checkout({
      ".github/workflows/ci.yml": wf(),
      ".github/workflows/new.yml": wf().replace(/acme\/app:test/g, "acme/app:nightly").replace("name: ci", "name: nightly"),
      "baseline.json": readFileSync(path.join(first.dir, "baseline.json"), "utf8"),
    });
    const later = await cli(["check", ".", "--format", "json", "--baseline", "baseline.json"], dir2);
    const out = JSON.parse(later.stdout) as Out;
    expect(later.code).toBe(1);
    expect(out.findings.some((f) => f.ruleId === "cache-overwrites-image-tag")).toBe(true);
    expect(out.findings.every((f) => !file.findings.some((b) => b.fingerprint === f.fingerprint))).toBe(true);
  });

  it("a missing or foreign baseline file is a usage error (exit 2) that says how to make one", async () => {
    const dir = checkout({ ".github/workflows/ci.yml": wf(), "other.json": '{"foo": 1}' });
    const missing = await cli(["check", ".", "--baseline", "nope.json"], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--baseline nope\.json: cannot read it \(ENOENT\); write one with --write-baseline/);
    const foreign = await cli(["check", ".", "--baseline", "other.json"], dir);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/not a cacheguard baseline/);
  });
});
