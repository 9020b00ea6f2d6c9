import { describe, expect, it } from "vitest";
import { parseMakefile } from "./parse";
import { makeVariables } from "./variables";

const vars = (text: string, overrides: Record<string, string> = {}, env: Record<string, string> = {}) => makeVariables(parseMakefile(text), overrides, env);

describe("makeVariables", () => {
  const MK = [
    "REGISTRY ?= ghcr.io/acme",
    "IMAGE = $(REGISTRY)/$(NAME)",
    "NAME := app",
    "TAG ?= test",
    "CACHE = $(IMAGE):$(TAG)",
    "REF := $(IMAGE)",
    "FLAGS = --push",
    "FLAGS += --load",
    "override KEEP = file",
  ].join("\n");

  it("expands recursive values at use and simple ones at definition", () => {
    const v = vars(MK);
    expect(v.lookup("CACHE")).toBe("ghcr.io/acme/app:test");
    expect(v.lookup("REF")).toBe("ghcr.io/acme/app");
    expect(v.lookup("FLAGS")).toBe("--push --load");
    expect(v.lookup("NOPE")).toBeUndefined();
  });

  it("lets the command line beat the Makefile, the Makefile beat the environment, ?= yield to both", () => {
    const v = vars(MK, { TAG: "v1", KEEP: "cli", NAME: "other" }, { REGISTRY: "r.example", FLAGS: "--env" });
    expect(v.lookup("CACHE")).toBe("r.example/other:v1");
    expect(v.lookup("FLAGS")).toBe("--push --load");
    expect(v.lookup("KEEP")).toBe("file");
  });

  it("keeps what it cannot know opaque, and gives up on loops", () => {
    const v = vars("A = $(OWNER)/app\nB := $(shell git rev-parse HEAD)\nC = x $(C)\nD != date\nE = $$HOME");
    expect(v.lookup("A")).toBe("${{ make.OWNER }}/app");
    expect(v.lookup("B")).toBe("${{ make(shell git rev-parse HEAD) }}");
    expect(v.lookup("C")).toBeUndefined();
    expect(v.lookup("D")).toBeUndefined();
    // `$$` is make's escape for a `$` the shell will see
    expect(v.lookup("E")).toBe("$HOME");
  });

  it("evaluates strip, subst, or, if and suffix substitution", () => {
    const v = vars("X =  a  b \nS = $(strip $(X))\nR = $(subst a,z,$(X))\nO = $(or $(EMPTY),$(S))\nI = $(if $(CI),ci,local)\nF = x.c y.c\nG = $(F:.c=.o)\nP = $(patsubst %.c,%.o,$(F))");
    expect(["S", "R", "O", "I", "G"].map((n) => v.lookup(n))).toEqual(["a b", "z  b ", "a b", "local", "x.o y.o"]);
    expect(v.lookup("P")).toMatch(/^\$\{\{ make\(patsubst/);
    expect(v.expand("$(subst /,-,$(S))")).toBe("a b");
  });

  it("decides conditionals it can decide, and makes values set differently in undecidable branches unknown", () => {
    const mk = "ifeq ($(PUSH),true)\nOUT = type=registry\nelse\nOUT = type=docker\nendif\nifdef CI\nTAG = ci\nendif\nifeq ($(shell uname),Linux)\nARCH = amd64\nSAME = 1\nelse\nARCH = arm64\nSAME = 1\nendif\nifndef REG\nREG = ghcr.io\nendif";
    expect(vars(mk).lookup("OUT")).toBe("type=docker");
    expect(vars(mk, { PUSH: "true" }).lookup("OUT")).toBe("type=registry");
    expect(vars(mk).lookup("TAG")).toBeUndefined();
    expect(vars(mk, {}, { CI: "true" }).lookup("TAG")).toBe("ci");
    const v = vars(mk);
    expect([v.lookup("ARCH"), v.lookup("SAME"), v.lookup("REG")]).toEqual([undefined, "1", "ghcr.io"]);
  });

  it("applies target-specific values along the chain and answers $@ and $<", () => {
    const mk = parseMakefile("TAG = dev\nrelease: TAG = latest\nrelease: build\nbuild: Dockerfile\n\tdocker build -t app:$(TAG) .");
    expect(makeVariables(mk, {}, {}, { target: "build" }).lookup("TAG")).toBe("dev");
    const inRelease = makeVariables(mk, {}, {}, { target: "build", chain: ["release", "build"] });
    expect([inRelease.lookup("TAG"), inRelease.lookup("@"), inRelease.lookup("<")]).toEqual(["latest", "build", "Dockerfile"]);
    expect(makeVariables(mk, { TAG: "cli" }, {}, { target: "release" }).lookup("TAG")).toBe("cli");
  });

  it("tells which variables the recipe's shell sees", () => {
    const v = vars("export IMAGE = a\nLOCAL = b\nOTHER = c\nexport OTHER", { CLI: "d" }, { HOME: "/h" });
    expect(["IMAGE", "LOCAL", "OTHER", "CLI", "HOME"].map((n) => v.shellLookup(n))).toEqual(["a", undefined, "c", "d", "/h"]);
  });
});
