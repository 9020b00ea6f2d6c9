import { describe, expect, it } from "vitest";
import { expandMatrix, MAX_COMBINATIONS } from "./matrix";
import { mapGet, parseWorkflowYaml } from "./yaml-doc";

function matrixOf(yaml: string) {
  const r = parseWorkflowYaml("w.yml", yaml);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return expandMatrix(r.yaml, mapGet(r.yaml, r.yaml.root, "matrix"));
}

describe("expandMatrix", () => {
  it("follows GitHub's include/exclude example", () => {
    // docs.github.com "Expanding or adding matrix configurations"
    const m = matrixOf(`matrix:
  fruit: [apple, pear]
  animal: [cat, dog]
  include:
    - color: green
    - color: pink
      animal: cat
    - fruit: apple
      shape: circle
    - fruit: banana
    - fruit: banana
      animal: cat
`);
    expect(m.combos).toEqual([
      { fruit: "apple", animal: "cat", color: "pink", shape: "circle" },
      { fruit: "apple", animal: "dog", color: "green", shape: "circle" },
      { fruit: "pear", animal: "cat", color: "pink" },
      { fruit: "pear", animal: "dog", color: "green" },
      { fruit: "banana" },
      { fruit: "banana", animal: "cat" },
    ]);
  });

  it("removes partial matches with exclude before include", () => {
    const m = matrixOf(`matrix:
  os: [ubuntu, windows]
  node: [18, 20]
  exclude:
    - os: windows
  include:
    - os: windows
      node: 22
`);
    expect(m.combos).toEqual([
      { os: "ubuntu", node: 18 },
      { os: "ubuntu", node: 20 },
      { os: "windows", node: 22 },
    ]);
  });

  it("treats a matrix from an expression as unknown and caps huge ones", () => {
    expect(matrixOf("matrix: ${{ fromJSON(needs.a.outputs.m) }}\n").combos).toBe("unknown");
    expect(matrixOf("matrix:\n  include: ${{ fromJSON(x) }}\n").combos).toBe("unknown");
    const axis = (n: string) => `  ${n}: [${Array.from({ length: 10 }, (_, i) => i).join(", ")}]`;
    const m = matrixOf(["matrix:", axis("a"), axis("b"), axis("c")].join("\n"));
    expect(Array.isArray(m.combos) && m.combos.length).toBe(MAX_COMBINATIONS);
    expect(m.truncatedFrom).toBe(1000);
  });
});
