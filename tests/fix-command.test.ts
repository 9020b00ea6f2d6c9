/** `cacheguard fix`: the suggested fixes applied in place (`--dry-run`: the diff, nothing written). */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkout, cli, SEED } from "./cli-helpers";

const second = SEED.replace(/name: .*/, "name: nightly").replace(/:test\b/g, ":nightly");

describe("cacheguard fix", () => {
  it("--dry-run prints the diff of every file it would change and writes nothing", async () => {
    const dir = checkout({ ".github/workflows/ci.yml": SEED, ".github/workflows/nightly.yml": second });
    const r = await cli(["fix", ".", "--dry-run"], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--- a/.github/workflows/ci.yml");
    expect(r.stdout).toContain("--- a/.github/workflows/nightly.yml");
    expect(r.stdout).toMatch(/^\+.*cache-to: type=registry,ref=ghcr\.io\/[^,]+:[^,]*cache[^,]*,mode=max/m);
    expect(r.stderr).toContain("2 file(s) would change (dry run: nothing written)");
    expect(readFileSync(path.join(dir, ".github/workflows/ci.yml"), "utf8")).toBe(SEED);
  });

  it("applies the fixes in place; the collisions are gone when checked again", async () => {
    const dir = checkout({ ".github/workflows/ci.yml": SEED, ".github/workflows/nightly.yml": second });
    const before = await cli(["check", ".", "--format", "json"], dir);
    expect(before.code).toBe(1);
    const r = await cli(["fix", "."], dir);
    expect(r.stdout).toContain("fixed .github/workflows/ci.yml");
    expect(r.stdout).toContain("fixed .github/workflows/nightly.yml");
    expect(readFileSync(path.join(dir, ".github/workflows/ci.yml"), "utf8")).not.toBe(SEED);
    const after = JSON.parse((await cli(["check", ".", "--format", "json"], dir)).stdout) as { findings: Array<{ ruleId: string }> };
    expect(after.findings).toEqual([]);
    expect(r.stdout).toContain("2 file(s) changed; 0 finding(s) left");
    expect(r.code).toBe(0);
  });

  it("bad usage is exit 2 with the usage text", async () => {
    const dir = checkout({ ".github/workflows/ci.yml": SEED });
    const r = await cli(["fix"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("usage: cacheguard fix PATH...");
  });
});
