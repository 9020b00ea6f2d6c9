import { describe, expect, it } from "vitest";
import { parseCodeowners, patternMatches, workflowOwners } from "./codeowners";

const WF = [".github/workflows/ci.yml", ".github/workflows/release.yaml"];

describe("CODEOWNERS patterns, as GitHub matches them", () => {
  it.each([
    ["*", true],
    ["/.github/workflows/", true],
    [".github/", true],
    ["/.github/", true],
    ["workflows/", true],
    ["*.yml", true],
    ["/.github/**", true],
    ["**/workflows/*.yml", true],
    [".github/workflows/ci.yml", true],
    ["docs/", false],
    ["/workflows/", false],
    ["*.md", false],
    [".github/*.yml", false],
    ["/.github/workflows/ci.yml/", false],
  ])("%s matches .github/workflows/ci.yml: %s", (pattern, expected) => {
    expect(patternMatches(pattern, ".github/workflows/ci.yml")).toBe(expected);
  });

  it("reads owners, skips comments, empty lines and lines GitHub ignores", () => {
    const rules = parseCodeowners("# owners\n\n*  @acme/infra # all of it\n!/docs/ @x\n\\#notes @acme/writers\n/src/[ab]/ @y\n/dist/\n");
    expect(rules).toEqual([
      { pattern: "*", owners: ["@acme/infra"], line: 3 },
      { pattern: "#notes", owners: ["@acme/writers"], line: 5 },
      { pattern: "/dist/", owners: [], line: 7 },
    ]);
  });
});

describe("the team that owns .github/workflows/", () => {
  it("is the first team of the last matching rule", () => {
    const text = "*  @acme/infra\n/.github/workflows/  @monalisa @acme/platform-eng @acme/sre\n/docs/ @acme/writers\n";
    expect(workflowOwners(text, WF)).toEqual({ owners: ["@monalisa", "@acme/platform-eng", "@acme/sre"], team: "platform-eng", line: 2 });
  });

  it("is none when the last matching rule names only people, or nobody", () => {
    expect(workflowOwners("* @acme/infra\n*.yml @monalisa someone@example.com\n", WF)?.team).toBeNull();
    expect(workflowOwners("* @acme/infra\n/.github/\n", WF)).toEqual({ owners: [], team: null, line: 2 });
  });

  it("is null when no rule covers the workflows", () => {
    expect(workflowOwners("/docs/ @acme/writers\n*.md @acme/writers\n", WF)).toBeNull();
  });
});
