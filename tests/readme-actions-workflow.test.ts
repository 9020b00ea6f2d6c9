import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkout, cli } from "./cli-helpers";

/**
 * The GitHub Actions workflow the README gives for code scanning from CI, as a user would copy it:
 * it must be a workflow that uploads the file the check writes, even when the check fails, with the
 * permission the upload needs, and cacheguard must have nothing to say about it.
 */

const README = readFileSync(path.resolve(import.meta.dirname, "..", "README.md"), "utf8");

function snippet(): string {
  const m = /<!-- actions-workflow:start -->\n```yaml\n([\s\S]*?)```\n<!-- actions-workflow:end -->/.exec(README);
  if (!m) throw new Error("README.md has no ```yaml block between <!-- actions-workflow:start --> and <!-- actions-workflow:end -->");
  return m[1];
}

interface Step { uses?: string; run?: string; if?: string; with?: Record<string, unknown>; name?: string }
interface Workflow { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, { "runs-on": string; steps: Step[] }> }

describe("the README's code-scanning workflow", () => {
  it("checks out, sets up Node, writes SARIF with cacheguard check and uploads that file even when the check fails", () => {
    const wf = parse(snippet()) as Workflow;
    expect(Object.keys(wf.on).sort()).toEqual(["pull_request", "push"]);
    expect(wf.permissions).toEqual({ contents: "read", "security-events": "write" });
    const jobs = Object.values(wf.jobs);
    expect(jobs).toHaveLength(1);
    const steps = jobs[0].steps;
    const uses = steps.map((s) => s.uses?.split("@")[0]).filter(Boolean);
    expect(uses).toEqual(["actions/checkout", "actions/checkout", "actions/setup-node", "github/codeql-action/upload-sarif"]);

    const check = steps.find((s) => s.run?.includes(" check "));
    expect(check?.run).toMatch(/cacheguard -- check "\$GITHUB_WORKSPACE" --format sarif > (\S+)$/);
    const written = /> (\S+)$/.exec(check!.run!)![1];
    const upload = steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"))!;
    expect(upload.uses).toBe("github/codeql-action/upload-sarif@v3");
    // check exits 1 on an error finding: without always() the findings would never be uploaded
    expect(upload.if).toBe("always()");
    expect(upload.with).toEqual({ sarif_file: written, category: "cacheguard" });
    expect(steps.indexOf(upload)).toBeGreaterThan(steps.indexOf(check!));

    // cacheguard is run from the checkout it was put in, after it was installed there
    const own = steps.find((s) => s.uses?.startsWith("actions/checkout@") && s.with?.path);
    const dir = String(own!.with!.path);
    const install = steps.findIndex((s) => s.run === `npm ci --prefix ${dir}`);
    expect(install).toBeGreaterThan(steps.indexOf(own!));
    expect(install).toBeLessThan(steps.indexOf(check!));
    expect(check!.run).toContain(`npm --prefix ${dir} run --silent cacheguard -- check`);
  });

  it("cacheguard's own check finds nothing in it", async () => {
    const dir = checkout({ ".github/workflows/cacheguard.yml": snippet() });
    const r = await cli(["check", ".", "--format", "json"], dir);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as { findings: unknown[]; suppressed?: unknown[]; errors: unknown[]; warnings: unknown[] };
    expect(out).toMatchObject({ findings: [], errors: [], warnings: [] });
    expect(r.code).toBe(0);
    // …because it read the workflow and found it clean, not because it read nothing
    const text = await cli(["check", "."], dir);
    expect(text.stdout).toBe("no findings in 1 file\n");
  });
});
