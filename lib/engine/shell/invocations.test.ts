import { describe, expect, it } from "vitest";
import { recognizeInvocation, type InvocationCommand } from "./invocations";
import { tokenizeScript } from "./tokenize";

function inv(script: string): InvocationCommand | null {
  const r = tokenizeScript(script, { lookup: () => undefined }).next();
  return r.done ? null : recognizeInvocation(r.value.words);
}
const texts = (ws: Array<{ text: string }>) => ws.map((w) => w.text);

describe("script invocations", () => {
  it("follows repository scripts run directly, through a shell or sourced, with their arguments", () => {
    const script = (s: string) => {
      const c = inv(s);
      return c?.kind === "script" ? [c.pathText, ...texts(c.args)] : null;
    };
    expect(script("./scripts/build.sh ghcr.io/o/a test")).toEqual(["scripts/build.sh", "ghcr.io/o/a", "test"]);
    expect(script("scripts/build.sh")).toEqual(["scripts/build.sh"]);
    expect(script("bash build.sh a")).toEqual(["build.sh", "a"]);
    expect(script("sh -e ./ci/x")).toEqual(["ci/x"]);
    expect(script("bash -euo pipefail ci/x.sh 1")).toEqual(["ci/x.sh", "1"]);
    expect(script(". ./env.sh")).toEqual(["env.sh"]);
    expect(script("source env.sh")).toEqual(["env.sh"]);
    expect(script('sudo -E "$GITHUB_WORKSPACE/ci/./push.sh" x')).toEqual(["ci/push.sh", "x"]);
    expect(script("${GITHUB_WORKSPACE}/ci/push.sh")).toEqual(["ci/push.sh"]);
    expect(script("${{ github.workspace }}/ci/a/../push.sh")).toEqual(["ci/push.sh"]);
  });

  it("does not take commands, absolute paths, inline scripts or unknown places for repository scripts", () => {
    for (const s of ["ls -la", "/usr/bin/x.sh", "bash -c 'docker build .'", "bash -s < x.sh", "bash", "../outside.sh", "$DIR/x.sh", "./tool.py", "~/x.sh", "x.sh"]) {
      expect(inv(s), s).toBeNull();
    }
  });
});

describe("make invocations", () => {
  it("reads directory, file, targets and VAR=value overrides in every spelling", () => {
    const c = inv("make -C docker --file=release.mk -j 4 -s build push IMAGE=ghcr.io/o/a TAG:=1");
    expect(c?.kind).toBe("make");
    if (c?.kind !== "make") return;
    expect([c.dir?.text, c.file?.text]).toEqual(["docker", "release.mk"]);
    expect(texts(c.targets)).toEqual(["build", "push"]);
    expect(c.vars.map((v) => [v.name, v.value.text, v.value.raw])).toEqual([
      ["IMAGE", "ghcr.io/o/a", "ghcr.io/o/a"],
      ["TAG", "1", "1"],
    ]);
    const d = inv('gmake --directory=sub -fci.mk -j image TAG="$GITHUB_SHA"');
    expect(d?.kind === "make" && [d.dir?.text, d.file?.text, texts(d.targets), d.vars[0].value.text]).toEqual(["sub", "ci.mk", ["image"], "${{ env.GITHUB_SHA }}"]);
    expect(inv("make")).toMatchObject({ kind: "make", targets: [], vars: [] });
  });

  it("ignores dry runs, which run no recipe", () => {
    expect(inv("make -n build")).toBeNull();
    expect(inv("make --dry-run build")).toBeNull();
  });
});
