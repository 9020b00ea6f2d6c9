import { describe, expect, it } from "vitest";
import { parseMakefile } from "./parse";

const MK = [
  "# build images",
  "IMAGE ?= ghcr.io/acme/app",
  "TAG := $(shell git rev-parse --short HEAD)",
  "override export PLATFORMS = linux/amd64 \\",
  "    linux/arm64   # both",
  "FLAGS += --push",
  ".PHONY: build push",
  "include common.mk",
  "",
  "build: deps | dirs",
  "\t@echo building \\",
  "\t  $(IMAGE)",
  "# a comment inside the recipe",
  "\t-docker buildx build -t $(IMAGE):$(TAG) .",
  "release: TAG = latest",
  "push: build ; +docker push $(IMAGE):$(TAG)",
  "define NOTE",
  "line one",
  "endef",
].join("\n");

describe("parseMakefile", () => {
  const mk = parseMakefile(MK);

  it("reads every assignment form with its flavour, prefixes and the value as written", () => {
    expect(mk.statements.map((s) => (s.kind === "assign" ? [s.name, s.op, s.value, s.override, s.export, s.targets ?? null] : s.kind))).toEqual([
      ["IMAGE", "?=", "ghcr.io/acme/app", false, false, null],
      ["TAG", ":=", "$(shell git rev-parse --short HEAD)", false, false, null],
      // the continuation becomes one space; make keeps the blanks before a comment
      ["PLATFORMS", "=", "linux/amd64 linux/arm64   ", true, true, null],
      ["FLAGS", "+=", "--push", false, false, null],
      ["TAG", "=", "latest", false, false, ["release"]],
      ["NOTE", "=", "line one", false, false, null],
    ]);
  });

  it("reads rules with prerequisites, order-only prerequisites and recipe offsets past the prefixes", () => {
    const lines = (i: number) => mk.rules[i].recipe.map((r) => MK.slice(r.start, r.end));
    expect(mk.rules.map((r) => [r.targets, r.prereqs, r.orderOnly])).toEqual([
      [[".PHONY"], ["build", "push"], []],
      [["build"], ["deps"], ["dirs"]],
      [["push"], ["build"], []],
    ]);
    expect(lines(1)).toEqual(["echo building \\\n\t  $(IMAGE)", "docker buildx build -t $(IMAGE):$(TAG) ."]);
    expect(lines(2)).toEqual(["docker push $(IMAGE):$(TAG)"]);
    expect(mk.phony).toEqual(["build", "push"]);
    expect(mk.includes).toEqual([{ path: "common.mk", optional: false, offset: MK.indexOf("include") }]);
  });

  it("keeps conditionals as branches, rules inside them marked", () => {
    const c = parseMakefile("ifeq ($(CI),true)\nTAG = ci\nelse ifdef LOCAL\nTAG = local\nelse\nTAG = dev\nendif\nifneq \"$(X)\" \"\"\nx:\n\techo x\nendif\n");
    const [first] = c.statements;
    expect(first.kind === "if" && first.branches.map((b) => b.test)).toEqual([
      { kind: "ifeq", left: "$(CI)", right: "true" },
      { kind: "ifdef", name: "LOCAL" },
      null,
    ]);
    expect(c.rules[0]).toMatchObject({ targets: ["x"], conditional: true });
    expect(c.notes).toEqual([]);
  });

  it("handles CRLF files and says what it did not read", () => {
    const c = parseMakefile("A = 1\r\nall:\r\n\tdocker build -t $(A) .\r\n$(eval B = 2)\r\n");
    expect(c.rules[0].recipe.map((r) => c.text.slice(r.start, r.end))).toEqual(["docker build -t $(A) ."]);
    expect(c.notes.map((n) => n.message)).toEqual(["line not understood"]);
  });
});
