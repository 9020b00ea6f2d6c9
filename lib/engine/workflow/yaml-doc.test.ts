import { describe, expect, it } from "vitest";
import { mapEntries, mapGet, parseWorkflowYaml, scalarString, seqItems } from "./yaml-doc";

function parsed(text: string) {
  const r = parseWorkflowYaml(".github/workflows/w.yml", text);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.yaml;
}

describe("parseWorkflowYaml", () => {
  it("resolves anchors, aliases and << merge keys (own keys win)", () => {
    const y = parsed(
      [
        "x-base: &base",
        "  runs-on: ubuntu-latest",
        "  env: { A: one, B: two }",
        "jobs:",
        "  a:",
        "    <<: *base",
        "    env:",
        "      <<: { A: merged }",
        "      B: own",
        "    steps: &steps",
        "      - run: echo",
        "  b:",
        "    steps: *steps",
      ].join("\n"),
    );
    const jobs = mapGet(y, y.root, "jobs");
    const a = mapGet(y, jobs, "a");
    expect(scalarString(y, mapGet(y, a, "runs-on"))).toBe("ubuntu-latest");
    const env = Object.fromEntries(mapEntries(y, mapGet(y, a, "env")).map((e) => [e.key, scalarString(y, e.value)]));
    expect(env).toEqual({ B: "own", A: "merged" });
    expect(seqItems(y, mapGet(y, mapGet(y, jobs, "b"), "steps"))).toHaveLength(1);
  });

  it("reports an alias bomb instead of expanding it", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    let prev = "a";
    for (const n of ["b", "c", "d", "e", "f", "g", "h", "i"]) {
      lines.push(`${n}: &${n} [${Array(9).fill(`*${prev}`).join(", ")}]`);
      prev = n;
    }
    lines.push("jobs: {}");
    const started = Date.now();
    const r = parseWorkflowYaml("w.yml", lines.join("\n"));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].message).toMatch(/alias bomb/);
  });

  it("reports binary content, syntax errors with a position, several documents and non-mappings", () => {
    const bin = parseWorkflowYaml("w.yml", "\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR");
    expect(bin.ok).toBe(false);
    if (!bin.ok) expect(bin.errors[0].message).toMatch(/not valid UTF-8/);

    const bad = parseWorkflowYaml("w.yml", "on: push\njobs:\n  a:\n    steps: [\n");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]).toMatchObject({ path: "w.yml", line: expect.any(Number), column: expect.any(Number) });

    const two = parseWorkflowYaml("w.yml", "on: push\n---\non: pull_request\n");
    expect(two.ok).toBe(false);
    if (!two.ok) expect(two.errors[0]).toMatchObject({ message: expect.stringMatching(/more than one/), line: 2 });

    const list = parseWorkflowYaml("w.yml", "- a\n- b\n");
    expect(list.ok).toBe(false);
    if (!list.ok) expect(list.errors[0].message).toMatch(/not a YAML mapping/);

    const empty = parseWorkflowYaml("w.yml", "  \n");
    expect(empty.ok).toBe(false);
  });
});

describe("recursive aliases", () => {
  it("reports an alias inside its own anchor", () => {
    const r = parseWorkflowYaml(
      "w.yml",
      "jobs:\n  t:\n    strategy:\n      matrix:\n        include: &r\n          - os: x\n            nested: *r\n",
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ line: 7, message: expect.stringMatching(/recursive/) });
  });
});

describe("duplicate keys", () => {
  it("reports a repeated key at its position, as GitHub refuses the workflow", () => {
    const r = parseWorkflowYaml("w.yml", "on: push\njobs:\n  t:\n    runs-on: a\n    runs-on: b\n");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([{ path: "w.yml", line: 5, column: 5, message: "YAML syntax error: Map keys must be unique" }]);
  });

  it("allows several << merge keys, keys that differ in case or type, and finds the repeat in a 10k-job mapping", () => {
    const ok = parseWorkflowYaml(
      "w.yml",
      "x: &x { a: 1 }\ny: &y { b: 2 }\nz:\n  <<: *x\n  <<: *y\n  foo: 1\n  FOO: 2\n  1: a\n  '1': b\n",
    );
    expect(ok.ok).toBe(true);
    const jobs = Array.from({ length: 10_000 }, (_, i) => `  j${i}:\n    runs-on: x\n`).join("");
    const big = parseWorkflowYaml("w.yml", `on: push\njobs:\n${jobs}  j42:\n    runs-on: y\n`);
    expect(big.ok).toBe(false);
    if (!big.ok) expect(big.errors[0]).toMatchObject({ line: 20_003, message: expect.stringMatching(/unique/) });
  });
});
