import { describe, expect, it } from "vitest";
import { tokenizeScript, type Command } from "./tokenize";

function recipe(line: string, vars: Record<string, string>, env: Record<string, string> = {}, expand?: (ref: string) => string): Command[] {
  const out: Command[] = [];
  const make = { lookup: (n: string) => vars[n], ...(expand ? { expand } : {}) };
  const gen = tokenizeScript(line, { lookup: (n) => env[n], make });
  for (let r = gen.next(); !r.done; r = gen.next()) out.push(r.value);
  return out;
}

describe("make mode (a Makefile recipe line)", () => {
  it("substitutes make variables before the shell splits words, with spans on the line as written", () => {
    const line = 'docker buildx build -t $(IMAGE):${TAG} $(FLAGS) --cache-to "type=registry,ref=$(IMAGE):$@" .';
    const [c] = recipe(line, { IMAGE: "ghcr.io/o/a", TAG: "test", FLAGS: "--push --load", "@": "build" });
    expect(c.words.map((w) => w.text)).toEqual(["docker", "buildx", "build", "-t", "ghcr.io/o/a:test", "--push", "--load", "--cache-to", "type=registry,ref=ghcr.io/o/a:build", "."]);
    for (const w of c.words) expect(line.slice(w.start, w.end)).toBe(w.raw);
    expect(c.words[4].raw).toBe("$(IMAGE):${TAG}");
    // both words of one variable's value point at the reference
    expect([c.words[5].raw, c.words[6].raw]).toEqual(["$(FLAGS)", "$(FLAGS)"]);
    expect(c.words[8].raw).toBe('"type=registry,ref=$(IMAGE):$@"');
  });

  it("reads $$ as the shell's $, so $$VAR, $${VAR} and $$(cmd) are shell expansions", () => {
    const line = "docker build -t $$IMAGE:$${TAG} -t x:$$(git rev-parse HEAD) .";
    const [c] = recipe(line, {}, { IMAGE: "ghcr.io/o/a", TAG: "1" });
    expect(c.words.map((w) => w.text)).toEqual(["docker", "build", "-t", "ghcr.io/o/a:1", "-t", "x:${{ shell($(git rev-parse HEAD)) }}", "."]);
    expect(c.words[3].raw).toBe("$$IMAGE:$${TAG}");
  });

  it("keeps unknown make variables and functions opaque, and distinct from shell variables", () => {
    const [c] = recipe("docker build -t $(REG)/a:$(shell git describe) -t $$REG/a .", {});
    expect(c.words.map((w) => w.text)).toEqual(["docker", "build", "-t", "${{ make.REG }}/a:${{ make(shell git describe) }}", "-t", "${{ env.REG }}/a", "."]);
  });

  it("hands references that are not plain names to the Makefile's own expander", () => {
    const [c] = recipe("docker push $(subst :, ,$(REF))", {}, {}, (ref) => (ref === "$(subst :, ,$(REF))" ? "a b" : "?"));
    expect(c.words.map((w) => w.text)).toEqual(["docker", "push", "a", "b"]);
  });

  it("drops the recipe tab after a continuation, as make does, and keeps offsets across it", () => {
    const line = "docker build \\\n\t-t $(IMAGE) \\\n\t--push .";
    const [c] = recipe(line, { IMAGE: "a:1" });
    expect(c.words.map((w) => w.text)).toEqual(["docker", "build", "-t", "a:1", "--push", "."]);
    expect(line.slice(c.words[3].start, c.words[3].end)).toBe("$(IMAGE)");
  });
});
