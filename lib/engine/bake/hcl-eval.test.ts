import { describe, expect, it } from "vitest";
import { evalJson, evalNode, type HV, type Scope, str, toText } from "./hcl-eval";
import { parseExpression } from "./hcl-parse";
import { resolveBake } from "./index";

function scope(vars: Record<string, HV>): Scope {
  return { lookup: (n) => (n in vars ? [{ v: vars[n], spec: false }] : undefined) };
}

function texts(expr: string, vars: Record<string, HV> = {}): string[] {
  return evalNode(parseExpression(expr), scope(vars)).map((a) =>
    a.v.t === "l" ? a.v.items.map((x) => toText(x)).join("|") : toText(a.v),
  );
}

describe("bake expressions", () => {
  it("evaluates the string functions bake files use for tags", () => {
    expect(texts(`lower("GHCR.io/Acme")`)).toEqual(["ghcr.io/acme"]);
    expect(texts(`join(",", ["a", "b"])`)).toEqual(["a,b"]);
    expect(texts(`format("%s:%s", "img", "1")`)).toEqual(["img:1"]);
    expect(texts(`formatlist("img:%s", compact(["latest", "", "1.0"]))`)).toEqual(["img:latest|img:1.0"]);
    expect(texts(`coalesce("", V, "fallback")`, { V: str("") })).toEqual(["fallback"]);
    expect(texts(`trimprefix("refs/tags/v1", "refs/tags/")`)).toEqual(["v1"]);
    expect(texts(`split("/", "a/b")[1]`)).toEqual(["b"]);
  });

  it("reads matrix objects and conditionals with known inputs", () => {
    expect(texts(`"img:\${item.variant}"`, { item: { t: "o", fields: { variant: str("alpine") } } })).toEqual([
      "img:alpine",
    ]);
    expect(texts(`X == "1" && !false ? "yes" : "no"`, { X: str("1") })).toEqual(["yes"]);
    expect(texts(`equal(X, "") || Y`, { X: str("a"), Y: { t: "b", b: true } })).toEqual(["true"]);
  });

  it("turns an unknown function or for-expression into a token, the same each time", () => {
    const a = texts(`sha1("x")`);
    expect(a).toEqual(texts(`sha1( "x" )`));
    expect(a[0]).toMatch(/^\$\{\{ bake\./);
    const forExpr = evalJson("${[for t in TAGS : upper(t)]}", scope({}));
    expect(forExpr).toHaveLength(1);
    expect(toText(forExpr[0].v)).toMatch(/^\$\{\{ bake\./);
  });

  it("resolves the fleetbase-style conditional tag list once REGISTRY is known", async () => {
    const hcl = `variable "REGISTRY" { default = "" }
variable "VERSION" { default = "latest" }
variable "GCP" { default = false }
target "app" {
  name = "app-\${tgt}"
  matrix = { tgt = ["app", "scheduler"] }
  tags = notequal("", REGISTRY) ? formatlist(
    GCP ? "\${REGISTRY}/\${tgt}:%s" : "\${REGISTRY}:\${tgt}-%s",
    compact(["latest", VERSION])
  ) : []
  cache-to = notequal("", REGISTRY) ? ["type=registry,ref=\${REGISTRY}:cache,mode=max"] : []
}
`;
    const read = (p: string) => (p === "docker-bake.hcl" ? hcl : undefined);
    const none = await resolveBake({ files: [], targets: ["app"], set: [], vars: {} }, read);
    expect(none.builds.map((b) => [b.target, b.tags.length, b.cacheTo.length])).toEqual([
      ["app-app", 0, 0],
      ["app-scheduler", 0, 0],
    ]);
    const set = await resolveBake(
      { files: [], targets: ["app"], set: [], vars: { REGISTRY: "ghcr.io/acme/fleet", VERSION: "1.2", GCP: "true" } },
      read,
    );
    expect(set.builds[1].tags.map((t) => t.text)).toEqual(["ghcr.io/acme/fleet/scheduler:latest", "ghcr.io/acme/fleet/scheduler:1.2"]);
    expect(set.builds[1].cacheTo[0].ref?.text).toBe("ghcr.io/acme/fleet:cache");
    expect(set.builds[1].cacheTo[0].attrs.mode).toBe("max");
  });
});
