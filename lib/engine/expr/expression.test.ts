import { describe, expect, it } from "vitest";
import { evaluateCondition, evaluateExpression, normalizeExpression } from "./index";
import type { Contexts, ExprValue } from "./types";

const ctx: Contexts = {
  env: { REGISTRY: "ghcr.io", IMAGE_NAME: "Acme/App", WITH_TOKEN: "ghcr.io/${{ secrets.org }}" },
  matrix: { os: "ubuntu-latest", node: 20, platform: { os: "linux", arch: "arm64" }, flags: ["a", "b"] },
  inputs: { push: true, tag: "edge", platforms: '["linux/amd64","linux/arm64"]' },
  github: { repository: "acme/app", repository_owner: "acme" },
  vars: { CACHE_TAG: "buildcache" },
};

/** The single known value of an expression (fails the test when it is unknown or has several outcomes). */
function value(expr: string, c: Contexts = ctx): ExprValue {
  const out = evaluateExpression(expr, c);
  expect(out).toHaveLength(1);
  const [o] = out;
  if (!o.known) throw new Error(`unknown: ${o.text}`);
  return o.value;
}

function text(expr: string, c: Contexts = ctx): string[] {
  return evaluateExpression(expr, c).map((o) => o.text);
}

describe("literals and escaping", () => {
  it("reads strings with doubled quotes, numbers in every form, and keywords", () => {
    expect(value("'it''s'")).toBe("it's");
    expect(value("''")).toBe("");
    expect(value("42")).toBe(42);
    expect(value("-3.5")).toBe(-3.5);
    expect(value("0xff")).toBe(255);
    expect(value("1e3")).toBe(1000);
    expect(value("true")).toBe(true);
    expect(value("FALSE")).toBe(false);
    expect(value("null")).toBe(null);
  });

  it("rejects double-quoted strings and stray characters instead of guessing", () => {
    expect(evaluateExpression('"x"', ctx)).toEqual([{ known: false, text: '"x"', speculative: false }]);
    expect(normalizeExpression("a = b")).toBeNull();
  });
});

describe("operators", () => {
  it("binds ! tighter than comparison, comparison tighter than ==, == tighter than &&, && tighter than ||", () => {
    expect(value("!false == true")).toBe(true);
    expect(value("1 < 2 == true")).toBe(true);
    expect(value("true || false && false")).toBe(true);
    expect(value("(true || false) && false")).toBe(false);
    expect(normalizeExpression("a || b && c")).toBe("a || b && c");
    expect(normalizeExpression("(a || b) && c")).toBe("(a || b) && c");
    expect(normalizeExpression("((a)) == (b)")).toBe("a == b");
    expect(normalizeExpression("!(a == b)")).toBe("!(a == b)");
  });

  it("compares loosely with coercion and ignores case for strings", () => {
    expect(value("'ABC' == 'abc'")).toBe(true);
    expect(value("'1' == 1")).toBe(true);
    expect(value("true == 1")).toBe(true);
    expect(value("null == 0")).toBe(true);
    expect(value("'' == null")).toBe(true);
    expect(value("'abc' == 0")).toBe(false);
    expect(value("'b' > 'A'")).toBe(true);
    expect(value("'10' > 9")).toBe(true);
    expect(value("fromJSON('[1]') == fromJSON('[1]')")).toBe(false);
  });

  it("returns operands from && and ||, not booleans", () => {
    expect(value("'a' && 'b'")).toBe("b");
    expect(value("'' || 'fallback'")).toBe("fallback");
    expect(value("0 && 'x'")).toBe(0);
    expect(value("matrix.missing || 'default'")).toBe("default");
  });
});

describe("contexts", () => {
  it("looks up env, matrix, inputs, github and vars case-insensitively", () => {
    expect(value("env.registry")).toBe("ghcr.io");
    expect(value("ENV.Image_Name")).toBe("Acme/App");
    expect(value("env['REGISTRY']")).toBe("ghcr.io");
    expect(value("matrix.OS")).toBe("ubuntu-latest");
    expect(value("matrix.platform.arch")).toBe("arm64");
    expect(value("matrix['platform']['OS']")).toBe("linux");
    expect(value("matrix.flags[1]")).toBe("b");
    expect(value("inputs.push")).toBe(true);
    expect(value("github.repository_owner")).toBe("acme");
    expect(value("vars.cache_tag")).toBe("buildcache");
  });

  it("gives null for a key the matrix combination lacks, as GitHub does", () => {
    expect(value("matrix.nope")).toBe(null);
    expect(value("matrix.platform.nope")).toBe(null);
  });

  it("filters with .* over objects and arrays", () => {
    const c: Contexts = { matrix: { items: [{ name: "a" }, { name: "b" }, { other: 1 }] } };
    expect(value("matrix.items.*.name", c)).toEqual(["a", "b"]);
    expect(value("contains(matrix.items.*.name, 'B')", c)).toBe(true);
    expect(value("matrix.platform.*", ctx)).toEqual(["linux", "arm64"]);
  });

  it("keeps unknown what only the run knows", () => {
    expect(text("secrets.GHCR_TOKEN")).toEqual(["${{ secrets.ghcr_token }}"]);
    expect(text("github.sha")).toEqual(["${{ github.sha }}"]);
    expect(text("github.ref_name")).toEqual(["${{ github.ref_name }}"]);
    expect(text("env.NOT_SET")).toEqual(["${{ env.not_set }}"]);
    expect(text("needs.build.outputs.tag")).toEqual(["${{ needs.build.outputs.tag }}"]);
    expect(text("steps.meta.outputs.tags")).toEqual(["${{ steps.meta.outputs.tags }}"]);
    expect(text("hashFiles('**/go.sum')")).toEqual(["${{ hashfiles('**/go.sum') }}"]);
    expect(text("runner.os")).toEqual(["${{ runner.os }}"]);
    expect(text("matrix.os", {})).toEqual(["${{ matrix.os }}"]);
  });

  it("prints one token for the same unknown expression however it is written", () => {
    const spellings = [
      "secrets.REGISTRY_USER",
      "  secrets . registry_user ",
      "SECRETS['REGISTRY_USER']",
      "(secrets.Registry_User)",
    ];
    const tokens = new Set(spellings.map((s) => text(s)[0]));
    expect([...tokens]).toEqual(["${{ secrets.registry_user }}"]);
    expect(text("github.event_name=='push'")).toEqual(text("  GITHUB.EVENT_NAME   ==  'push' "));
    // string literals keep their case
    expect(text("github.event_name == 'Push'")).toEqual(["${{ github.event_name == 'Push' }}"]);
  });

  it("folds known parts into the token so different matrix combinations stay different", () => {
    expect(text("env.X == matrix.os")).toEqual(["${{ env.x == 'ubuntu-latest' }}"]);
    expect(text("env.X == matrix.os", { matrix: { os: "windows-latest" } })).toEqual([
      "${{ env.x == 'windows-latest' }}",
    ]);
  });

  it("treats env text that holds a token as unresolved text", () => {
    expect(text("env.WITH_TOKEN")).toEqual(["ghcr.io/${{ secrets.org }}"]);
    expect(evaluateExpression("env.WITH_TOKEN", ctx)[0].known).toBe(false);
  });
});

describe("functions", () => {
  it("formats with {N} and {{ }} escaping", () => {
    expect(value("format('{0}/{1}:{2}', env.REGISTRY, github.repository, 'cache')")).toBe("ghcr.io/acme/app:cache");
    expect(value("format('{{0}} is {0}', 'x')")).toBe("{0} is x");
    expect(value("format('{0}{0}', 'ab')")).toBe("abab");
  });

  it("substitutes known format arguments and keeps unknown ones as tokens", () => {
    expect(text("format('{0}:cache', env.X)")).toEqual(["${{ env.x }}:cache"]);
    expect(text("format('{0}/{1}:buildcache', env.REGISTRY, secrets.IMAGE)")).toEqual([
      "ghcr.io/${{ secrets.image }}:buildcache",
    ]);
  });

  it("leaves an invalid format string unknown", () => {
    expect(text("format('{1}', 'a')")).toEqual(["${{ format('{1}', 'a') }}"]);
    expect(text("format('{0', 'a')")).toEqual(["${{ format('{0', 'a') }}"]);
  });

  it("implements toLower, toUpper, contains, startsWith, endsWith, join, toJSON, fromJSON", () => {
    expect(value("toLower(env.IMAGE_NAME)")).toBe("acme/app");
    expect(value("toUpper('x')")).toBe("X");
    expect(value("contains('Hello', 'ELL')")).toBe(true);
    expect(value("contains(fromJSON(inputs.platforms), 'LINUX/ARM64')")).toBe(true);
    expect(value("startsWith('refs/tags/v1', 'REFS/TAGS/')")).toBe(true);
    expect(value("endsWith('app:test', ':TEST')")).toBe(true);
    expect(value("join(matrix.flags, '+')")).toBe("a+b");
    expect(value("join(matrix.flags)")).toBe("a,b");
    expect(value("toJSON(matrix.flags)")).toBe('[\n  "a",\n  "b"\n]');
    expect(value("fromJSON('{\"a\": [1, 2]}').a[1]")).toBe(2);
    expect(value("fromJSON(inputs.platforms)[0]")).toBe("linux/amd64");
  });

  it("gives a single token for a function of an unknown value", () => {
    expect(text("toLower(env.X)")).toEqual(["${{ tolower(env.x) }}"]);
    expect(text("TOLOWER( env.x )")).toEqual(["${{ tolower(env.x) }}"]);
    expect(text("toLower(format('{0}:cache', env.X))")).toEqual(["${{ tolower(format('{0}:cache', env.x)) }}"]);
    expect(text("fromJSON('not json')")).toEqual(["${{ fromjson('not json') }}"]);
    expect(text("someFunction(1)")).toEqual(["${{ somefunction(1) }}"]);
  });

  it("leaves status functions unknown", () => {
    expect(evaluateCondition("success()", ctx)).toBeNull();
    expect(evaluateCondition("always() && env.REGISTRY", ctx)).toBeNull();
  });
});

describe("conditions with unknown parts", () => {
  it("picks the branch of cond && a || b when cond is known", () => {
    expect(value("inputs.push && 'yes' || 'no'")).toBe("yes");
    expect(value("matrix.os == 'windows-latest' && 'win' || 'unix'")).toBe("unix");
  });

  it("returns both branches, speculative, when cond is unknown", () => {
    const out = evaluateExpression("github.event_name == 'release' && 'latest' || 'edge'", ctx);
    expect(out).toEqual([
      { known: true, value: "latest", text: "latest", speculative: true },
      { known: true, value: "edge", text: "edge", speculative: true },
    ]);
  });

  it("chains like a ternary", () => {
    const out = evaluateExpression("github.ref == 'refs/heads/main' && 'prod' || github.ref == 'refs/heads/dev' && 'dev' || 'test'", ctx);
    expect(out.map((o) => o.text)).toEqual(["prod", "dev", "test"]);
    expect(out.every((o) => o.speculative)).toBe(true);
  });

  it("answers conditions only when every outcome agrees", () => {
    expect(evaluateCondition("${{ inputs.push }}", ctx)).toBe(true);
    expect(evaluateCondition("github.event_name != 'pull_request'", ctx)).toBeNull();
    expect(evaluateCondition("!(env.X) || true", ctx)).toBe(true);
    expect(evaluateCondition("env.X && false", ctx)).toBe(false);
  });
});
