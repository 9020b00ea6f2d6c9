import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { checkout, cli, SEED } from "./cli-helpers";

const ROOT = path.join(import.meta.dirname, "..");

const JsonOutput = z
  .object({
    findings: z.array(
      z
        .object({
          ruleId: z.string(),
          severity: z.enum(["error", "warning", "note"]),
          confidence: z.enum(["high", "medium", "low"]),
          path: z.string(),
          line: z.number().int().positive(),
          column: z.number().int().positive(),
          ref: z.string(),
          message: z.string(),
          fingerprint: z.string().regex(/^[a-z0-9-]+:[0-9a-f]{14}$/),
          fix: z.object({ description: z.string(), diff: z.string() }).strict().optional(),
          via: z.array(z.object({ kind: z.string(), path: z.string(), line: z.number(), column: z.number(), job: z.string(), target: z.string() }).passthrough()).optional(),
        })
        .strict(),
    ),
    errors: z.array(z.object({ path: z.string(), message: z.string() }).strict()),
    warnings: z.array(z.object({ path: z.string(), line: z.number().int().optional(), message: z.string() }).strict()),
    suppressed: z.array(z.object({ ruleId: z.string(), fingerprint: z.string(), suppressed: z.object({ kind: z.enum(["inline", "config"]), reason: z.string(), at: z.string().optional() }).strict() }).passthrough()),
    baseline: z.object({ file: z.string(), known: z.number().int() }).strict().optional(),
  })
  .strict();

describe("cacheguard check", () => {
  it("reports the seed case like a compiler, with the fix, and exits 1", async () => {
    const dir = checkout({ ".github/workflows/ci.yml": SEED });
    const r = await cli(["check", "."], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    const first = r.stdout.split("\n")[0];
    expect(first).toMatch(/^\.github\/workflows\/ci\.yml:26:39: error: cache export to ghcr\.io\/org\/repo:test overwrites .* \[cache-overwrites-image-tag\]$/);
    expect(first).toContain("docker run");
    expect(r.stdout).toContain("    --- a/.github/workflows/ci.yml\n    +++ b/.github/workflows/ci.yml\n");
    expect(r.stdout).toContain("    +          cache-to: type=registry,ref=ghcr.io/org/repo:test-cache,mode=max");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("1 error, 0 warnings, 0 notes in 1 file");
  });

  it("prints the JSON contract", async () => {
    const dir = checkout({ ".github/workflows/ci.yml": SEED });
    const r = await cli(["check", dir, "--format", "json"], ROOT);
    expect(r.code).toBe(1);
    const out = JsonOutput.parse(JSON.parse(r.stdout));
    expect(out.errors).toEqual([]);
    expect(out.findings).toHaveLength(1);
    expect(out.findings[0]).toMatchObject({
      ruleId: "cache-overwrites-image-tag",
      severity: "error",
      confidence: "high",
      path: ".github/workflows/ci.yml",
      line: 26,
      column: 39,
      ref: "ghcr.io/org/repo:test",
    });
    expect(out.findings[0].fix?.diff.startsWith("--- a/.github/workflows/ci.yml\n+++ b/.github/workflows/ci.yml\n@@ ")).toBe(true);
  });

  it("exits 0 with no findings once the cache has its own ref", async () => {
    const dir = checkout({ ".github/workflows/ci.yml": SEED.replaceAll("ref=ghcr.io/org/repo:test", "ref=ghcr.io/org/repo:test-cache") });
    const r = await cli(["check", "."], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("no findings in 1 file\n");
  });

  it("checks single files, showing the path as given", async () => {
    const dir = checkout({ "workflows/seed.yml": SEED });
    const r = await cli(["check", "workflows/seed.yml", "--format", "json"], dir);
    expect(r.code).toBe(1);
    const out = JsonOutput.parse(JSON.parse(r.stdout));
    expect(out.findings[0].path).toBe("workflows/seed.yml");
    expect(out.findings[0].fix?.diff).toContain("--- a/workflows/seed.yml\n+++ b/workflows/seed.yml\n");
    execFileSync("git", ["apply", "--check", "-"], { cwd: dir, input: out.findings[0].fix?.diff });
  });

  it("missing path: one clear line, exit 2, no stack trace", async () => {
    const dir = checkout({});
    const r = await cli(["check", "nope.yml"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("cacheguard: cannot read nope.yml: no such file or directory\n");
    expect(r.stdout).toBe("");
  });

  it("lists hostile files under errors and still audits the rest", async () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
      .concat(Array.from({ length: 12 }, (_, i) => {
        const prev = i === 0 ? "a" : `l${i - 1}`;
        return `l${i}: &l${i} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`;
      }))
      .join("\n");
    const big = `name: big\non: push\njobs:\n${"  # padding padding padding padding padding padding padding padding\n".repeat(80_000)}`;
    const dir = checkout({
      ".github/workflows/ci.yml": SEED,
      ".github/workflows/binary.yml": Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]),
      ".github/workflows/latin1.yml": Buffer.from("name: caf\xe9\non: push\n", "latin1"),
      ".github/workflows/big.yml": big,
      ".github/workflows/bomb.yml": bomb,
      ".github/workflows/broken.yml": "name: [unclosed\non: push\n",
    });
    const r = await cli(["check", ".", "--format", "json"], dir);
    expect(r.code).toBe(1);
    const out = JsonOutput.parse(JSON.parse(r.stdout));
    expect(out.findings.map((f) => f.path)).toEqual([".github/workflows/ci.yml"]);
    const errs = Object.fromEntries(out.errors.map((e) => [e.path, e.message]));
    expect(errs[".github/workflows/binary.yml"]).toMatch(/binary/);
    expect(errs[".github/workflows/latin1.yml"]).toMatch(/UTF-8/);
    expect(errs[".github/workflows/big.yml"]).toMatch(/MB/);
    expect(errs[".github/workflows/bomb.yml"]).toMatch(/alias/i);
    expect(errs[".github/workflows/broken.yml"]).toBeDefined();
    const text = await cli(["check", "."], dir);
    expect(text.stdout.trimEnd().split("\n").at(-1)).toBe("1 error, 0 warnings, 0 notes in 3 files; 5 files could not be analyzed");
  });

  it("audits several checkouts at once without taking their paths for github.repository", async () => {
    const wf = SEED.replaceAll("ghcr.io/org/repo", "ghcr.io/${{ github.repository }}");
    const parent = checkout({ "one/.github/workflows/ci.yml": wf, "two/.github/workflows/ci.yml": SEED });
    const r = await cli(["check", "one", "two", "--format", "json"], parent);
    const out = JsonOutput.parse(JSON.parse(r.stdout));
    expect(out.errors).toEqual([]);
    // The repository of a local checkout is unknown: the same expression on both sides is still one value.
    expect(out.findings.map((f) => [f.path, f.ref, f.confidence])).toEqual([
      ["one/.github/workflows/ci.yml", "ghcr.io/${{ github.repository }}:test", "medium"],
      ["two/.github/workflows/ci.yml", "ghcr.io/org/repo:test", "high"],
    ]);
  });

  it("rejects bad usage with exit 2", async () => {
    const dir = checkout({ ".github/workflows/ci.yml": SEED });
    expect((await cli(["check", ".", "--format", "xml"], dir)).code).toBe(2);
    expect((await cli(["check"], dir)).code).toBe(2);
    expect((await cli(["check", "--bogus", "."], dir)).code).toBe(2);
    const unknown = await cli(["frobnicate"], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect(unknown.stderr).toContain("usage: cacheguard");
    const help = await cli(["--help"], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("check PATH...");
  });

  it("works as a real process through npm run (exit codes, no stack trace)", () => {
    const dir = checkout({ ".github/workflows/ci.yml": SEED });
    const ok = spawnSync("npm", ["run", "--silent", "cacheguard", "--", "check", dir, "--format", "json"], { cwd: ROOT, encoding: "utf8" });
    expect(ok.status).toBe(1);
    expect(JsonOutput.parse(JSON.parse(ok.stdout)).findings).toHaveLength(1);
    const missing = spawnSync("npm", ["run", "--silent", "cacheguard", "--", "check", "/nonexistent/x"], { cwd: ROOT, encoding: "utf8" });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe("cacheguard: cannot read /nonexistent/x: no such file or directory\n");
  }, 60_000);
});

describe("README/docs consistency", () => {
  it("the usage names every output format", () => {
    const src = readFileSync(path.join(ROOT, "lib/cli/commands/check.ts"), "utf8");
    for (const f of ["text", "json", "sarif"]) expect(src).toContain(f);
  });
});
