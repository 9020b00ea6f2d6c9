import { describe, expect, it } from "vitest";
import { githubFileWrites, stepOutputs } from "./github-output";
import { tokenizeScript, type Command } from "./tokenize";

function outputs(script: string, env: Record<string, string> = {}): Array<[string, string, boolean]> {
  const out: Array<[string, string, boolean]> = [];
  let prev: Command | undefined;
  const gen = tokenizeScript(script, { lookup: (n) => env[n] });
  for (let r = gen.next(); !r.done; r = gen.next()) {
    for (const w of stepOutputs(r.value, prev)) out.push([w.name, w.value, w.resolved]);
    prev = r.value;
  }
  return out;
}

describe("$GITHUB_OUTPUT writes", () => {
  it("reads echo name=value appended to $GITHUB_OUTPUT in every quoting", () => {
    const env = { IMAGE: "ghcr.io/o/a" };
    expect(outputs('echo "image=$IMAGE" >> "$GITHUB_OUTPUT"\necho tag=1 >> $GITHUB_OUTPUT\necho "cache=$IMAGE:cache">>${GITHUB_OUTPUT}\necho x=${{ github.sha }} >> "${GITHUB_OUTPUT}"', env)).toEqual([
      ["image", "ghcr.io/o/a", true],
      ["tag", "1", true],
      ["cache", "ghcr.io/o/a:cache", true],
      ["x", "${{ github.sha }}", false],
    ]);
  });

  it("substitutes printf arguments, line by line", () => {
    expect(outputs("printf 'ref=%s:%s\\nmode=max\\n' \"$R\" test >> \"$GITHUB_OUTPUT\"", { R: "a" })).toEqual([
      ["ref", "a:test", true],
      ["mode", "max", true],
    ]);
  });

  it("reads echo … | tee -a $GITHUB_OUTPUT and the retired ::set-output", () => {
    expect(outputs('echo "tag=$T" | tee -a "$GITHUB_OUTPUT"')).toEqual([["tag", "${{ env.T }}", false]]);
    expect(outputs('echo "::set-output name=tags::a:1,a:2"')).toEqual([["tags", "a:1,a:2", true]]);
  });

  it("writes nothing for other files, stderr, plain echo or multi-line blocks", () => {
    expect(outputs('echo "a=1" >> out.txt\necho "b=2"\necho "c=3" 2>> $GITHUB_OUTPUT\necho "tags<<EOF" >> $GITHUB_OUTPUT\necho "tag=x" | tee out')).toEqual([]);
  });

  it("reads $GITHUB_ENV writes the same way", () => {
    const [c] = [...tokenizeScript('echo "IMAGE=ghcr.io/o/a" >> "$GITHUB_ENV"', { lookup: () => undefined })];
    expect(githubFileWrites(c, "GITHUB_ENV")).toEqual([{ name: "IMAGE", value: "ghcr.io/o/a", resolved: true }]);
    expect(stepOutputs(c)).toEqual([]);
  });
});
