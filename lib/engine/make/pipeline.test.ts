import { describe, expect, it } from "vitest";
import { recognize } from "../shell/commands";
import { recognizeInvocation } from "../shell/invocations";
import { tokenizeScript } from "../shell/tokenize";
import { parseMakefile } from "./parse";
import { recipeFor } from "./recipe";
import { makeVariables } from "./variables";

/** What the lead's wiring does: `make T VAR=x` → recipe lines → make-mode words → docker commands. */
function buildsOf(makefile: string, invocation: string) {
  const call = recognizeInvocation([...tokenizeScript(invocation, { lookup: () => undefined })][0].words);
  if (call?.kind !== "make") throw new Error("not make");
  const overrides = Object.fromEntries(call.vars.map((v) => [v.name, v.value.text]));
  const mk = parseMakefile(makefile);
  const out: Array<{ tags: string[]; cacheTo: string[]; at: string[] }> = [];
  for (const line of recipeFor(mk, call.targets[0]?.text, { vars: makeVariables(mk, overrides) })) {
    const vars = makeVariables(mk, overrides, {}, { target: line.target, chain: line.chain });
    const text = makefile.slice(line.start, line.end);
    for (const cmd of tokenizeScript(text, { lookup: (n) => vars.shellLookup(n), make: vars })) {
      const b = recognize(cmd.words);
      if (b?.kind !== "build") continue;
      out.push({
        tags: b.tags.map((w) => w.text),
        cacheTo: b.cacheTo.map((w) => w.text),
        at: b.tags.map((w) => makefile.slice(line.start + w.start, line.start + w.end)),
      });
    }
  }
  return out;
}

describe("a Makefile build, end to end", () => {
  const MK = "IMAGE ?= ghcr.io/acme/app\nTAG ?= dev\nbuild:\n\tdocker buildx build \\\n\t\t-t $(IMAGE):$(TAG) \\\n\t\t--cache-to type=registry,ref=$(IMAGE):$(TAG) --push .\n";

  it("finds the cache that overwrites the image tag, with the tag from the command line", () => {
    expect(buildsOf(MK, "make build TAG=test")).toEqual([
      { tags: ["ghcr.io/acme/app:test"], cacheTo: ["type=registry,ref=ghcr.io/acme/app:test"], at: ["$(IMAGE):$(TAG)"] },
    ]);
  });

  it("uses the Makefile's defaults when the call sets nothing", () => {
    expect(buildsOf(MK, "make")[0].tags).toEqual(["ghcr.io/acme/app:dev"]);
  });
});
