import { describe, expect, it } from "vitest";
import { parseMakefile } from "./parse";
import { defaultGoal, recipeFor } from "./recipe";
import { makeVariables } from "./variables";

const MK = [
  "IMAGE ?= ghcr.io/acme/app",
  "TARGETS = image",
  ".PHONY: all image push",
  "all: $(TARGETS) push",
  "image: base Dockerfile",
  "\tdocker buildx build --cache-to type=registry,ref=$(IMAGE):cache -t $(IMAGE):test .",
  "base:",
  "\t@docker pull alpine",
  "push: image",
  "\tdocker push $(IMAGE):test",
  "%.o: %.c",
  "\tcc -c $<",
  "loop: loop2",
  "loop2: loop",
  "\techo loop2",
].join("\n");

describe("recipeFor", () => {
  const mk = parseMakefile(MK);
  const vars = makeVariables(mk);
  const run = (target?: string) => recipeFor(mk, target, { vars }).map((l) => `${l.target}: ${MK.slice(l.start, l.end)}`);

  it("runs prerequisites first, each target once, from the default goal", () => {
    expect(defaultGoal(mk, vars)).toBe("all");
    expect(run()).toEqual([
      "base: docker pull alpine",
      "image: docker buildx build --cache-to type=registry,ref=$(IMAGE):cache -t $(IMAGE):test .",
      "push: docker push $(IMAGE):test",
    ]);
  });

  it("gives each line the chain that led to it, for target-specific values", () => {
    expect(recipeFor(mk, "push", { vars }).map((l) => l.chain)).toEqual([["push", "image", "base"], ["push", "image"], ["push"]]);
  });

  it("runs nothing for targets without rules or pattern rules, and stops on loops and caps", () => {
    expect(run("missing")).toEqual([]);
    expect(run("x.o")).toEqual([]);
    expect(run("loop")).toEqual(["loop2: echo loop2"]);
    expect(recipeFor(mk, "push", { vars, maxDepth: 2 }).map((l) => l.target)).toEqual(["image", "push"]);
    expect(recipeFor(mk, "all", { vars, maxLines: 1 })).toHaveLength(1);
  });

  it("honours .DEFAULT_GOAL, a double-colon target's every recipe and a redefined recipe's last one", () => {
    const m = parseMakefile(".DEFAULT_GOAL := b\na:\n\techo a\nb::\n\techo b1\nb::\n\techo b2\nc:\n\techo old\nc:\n\techo new");
    const v = makeVariables(m);
    expect(recipeFor(m, undefined, { vars: v }).map((l) => m.text.slice(l.start, l.end))).toEqual(["echo b1", "echo b2"]);
    expect(recipeFor(m, "c").map((l) => m.text.slice(l.start, l.end))).toEqual(["echo new"]);
  });

  it("keeps recipes from both branches of a conditional, since either may run", () => {
    const m = parseMakefile("ifdef CI\nimg:\n\tdocker build -t a:ci .\nelse\nimg:\n\tdocker build -t a:dev .\nendif");
    expect(recipeFor(m, "img").map((l) => m.text.slice(l.start, l.end))).toEqual(["docker build -t a:ci .", "docker build -t a:dev ."]);
  });
});
