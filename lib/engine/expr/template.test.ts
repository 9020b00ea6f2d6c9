import { describe, expect, it } from "vitest";
import { evaluateTemplate, hasExpression } from "./index";
import type { Alternative, Contexts } from "./types";

const ctx: Contexts = {
  env: { REGISTRY: "ghcr.io", IMAGE: "ghcr.io/acme/app" },
  matrix: { target: "api", platform: { os: "linux", arch: "amd64" }, variants: ["slim", "full"] },
  github: { repository: "acme/app", repository_owner: "acme" },
  steps: {
    meta: {
      outputs: {
        tags: [
          { text: "ghcr.io/acme/app:test", resolved: true, speculative: false },
          { text: "ghcr.io/acme/app:sha-${{ meta.sha.short }}", resolved: false, speculative: false },
          { text: "ghcr.io/acme/app:latest", resolved: true, speculative: true },
        ],
      },
    },
  },
};

const one = (text: string, resolved = true, speculative = false): Alternative => ({ text, resolved, speculative });

describe("evaluateTemplate", () => {
  it("substitutes known values into the surrounding text", () => {
    expect(evaluateTemplate("${{ env.REGISTRY }}/${{ github.repository }}:${{ matrix.target }}-cache", ctx)).toEqual([
      one("ghcr.io/acme/app:api-cache"),
    ]);
    expect(evaluateTemplate("type=registry,ref=${{ env.IMAGE }}:buildcache,mode=max", ctx)).toEqual([
      one("type=registry,ref=ghcr.io/acme/app:buildcache,mode=max"),
    ]);
  });

  it("returns text without expressions unchanged", () => {
    expect(evaluateTemplate("ghcr.io/acme/app:test", ctx)).toEqual([one("ghcr.io/acme/app:test")]);
    expect(hasExpression("ghcr.io/acme/app:test")).toBe(false);
    expect(hasExpression("a ${{ env.X }}")).toBe(true);
  });

  it("prints matrix objects and arrays as GitHub does, and their fields as values", () => {
    expect(evaluateTemplate("${{ matrix.platform }}|${{ matrix.variants }}|${{ matrix.platform.os }}", ctx)).toEqual([
      one("Object|Array|linux"),
    ]);
    expect(evaluateTemplate("${{ true }}-${{ 1.50 }}-${{ null }}", ctx)).toEqual([one("true-1.5-")]);
  });

  it("keeps unknown values as stable opaque tokens", () => {
    const a = evaluateTemplate("ghcr.io/${{ github.repository_owner }}/app:${{ github.sha }}", ctx);
    const b = evaluateTemplate("ghcr.io/${{github.repository_owner}}/app:${{ GITHUB.SHA }}", ctx);
    expect(a).toEqual([one("ghcr.io/acme/app:${{ github.sha }}", false)]);
    expect(b).toEqual(a);
  });

  it("re-evaluating its own output gives the same text", () => {
    const first = evaluateTemplate("${{ secrets.REG }}/${{ toLower(env.NAME) }}:${{ format('{0}-cache', env.TAG) }}", ctx);
    expect(first).toEqual([one("${{ secrets.reg }}/${{ tolower(env.name) }}:${{ env.tag }}-cache", false)]);
    expect(evaluateTemplate(first[0].text, ctx)).toEqual(first);
  });

  it("gives both branches of an unknown condition, speculative", () => {
    expect(evaluateTemplate("ghcr.io/acme/app:${{ github.event_name == 'push' && 'latest' || 'pr' }}", ctx)).toEqual([
      one("ghcr.io/acme/app:latest", true, true),
      one("ghcr.io/acme/app:pr", true, true),
    ]);
  });

  it("takes the cartesian product of the pieces' alternatives", () => {
    const out = evaluateTemplate("${{ env.A == 'x' && 'a' || 'b' }}-${{ env.B == 'y' && 'c' || 'd' }}", ctx);
    expect(out.map((a) => a.text)).toEqual(["a-c", "a-d", "b-c", "b-d"]);
    expect(out.every((a) => a.speculative)).toBe(true);
  });

  it("caps the product, keeping the first ones and marking them speculative", () => {
    const piece = "${{ env.A == 'x' && 'a' || 'b' }}";
    const out = evaluateTemplate(piece.repeat(10), ctx, { maxAlternatives: 5 });
    expect(out).toHaveLength(5);
    expect(out[0].text).toBe("aaaaaaaaaa");
    expect(out.every((a) => a.speculative)).toBe(true);
    expect(evaluateTemplate(piece.repeat(10), ctx)).toHaveLength(64);
  });

  it("expands a step output into its possible values, keeping their flags", () => {
    expect(evaluateTemplate("${{ steps.meta.outputs.tags }}", ctx)).toEqual([
      one("ghcr.io/acme/app:test"),
      one("ghcr.io/acme/app:sha-${{ meta.sha.short }}", false),
      one("ghcr.io/acme/app:latest", true, true),
    ]);
    expect(evaluateTemplate("${{ steps.meta.outputs.labels }}", ctx)).toEqual([one("${{ steps.meta.outputs.labels }}", false)]);
  });

  it("passes step outputs through functions, one alternative per value", () => {
    expect(evaluateTemplate("${{ format('{0}-cache', steps.meta.outputs.tags) }}", ctx)).toEqual([
      one("ghcr.io/acme/app:test-cache"),
      one("ghcr.io/acme/app:sha-${{ meta.sha.short }}-cache", false),
      one("ghcr.io/acme/app:latest-cache", true, true),
    ]);
  });

  it("prints the unknown side of a lone && as its token", () => {
    expect(evaluateTemplate("${{ env.PUSH && 'yes' }}", ctx)).toEqual([one("yes", true, true), one("${{ env.push }}", false, true)]);
  });

  it("reads a JSON list from the matrix with fromJSON", () => {
    const c: Contexts = { matrix: { platforms: '["linux/amd64","linux/arm64"]' } };
    expect(evaluateTemplate("${{ join(fromJSON(matrix.platforms), ',') }}", c)).toEqual([one("linux/amd64,linux/arm64")]);
    expect(evaluateTemplate("${{ fromJSON(matrix.platforms)[1] }}", c)).toEqual([one("linux/arm64")]);
  });
});

describe("robustness", () => {
  it("keeps an unterminated ${{ as written, unresolved", () => {
    expect(evaluateTemplate("${{ (((((", ctx)).toEqual([one("${{ (((((", false)]);
    expect(evaluateTemplate("app:${{ env.REGISTRY", ctx)).toEqual([one("app:${{ env.REGISTRY", false)]);
  });

  it("keeps garbage expressions as written and still evaluates the rest", () => {
    expect(evaluateTemplate("${{ ((( }} and ${{ env.REGISTRY }}", ctx)).toEqual([one("${{ ((( }} and ghcr.io", false)]);
    expect(evaluateTemplate("${{ }}", ctx)).toEqual([one("${{ }}", false)]);
    expect(evaluateTemplate("${{ 'unterminated }}", ctx)).toEqual([one("${{ 'unterminated }}", false)]);
  });

  it("survives 10,000 nested parentheses, negations, calls and long chains without overflowing", () => {
    const n = 10_000;
    const cases = [
      `\${{ ${"(".repeat(n)}1${")".repeat(n)} }}`,
      `\${{ ${"!".repeat(n)}true }}`,
      `\${{ ${"toLower(".repeat(n)}'x'${")".repeat(n)} }}`,
      `\${{ ${Array.from({ length: n }, () => "env.a").join(" || ")} }}`,
      `\${{ matrix${".a".repeat(n)} }}`,
      `\${{ ${"[".repeat(n)} }}`,
    ];
    for (const t of cases) {
      const out = evaluateTemplate(t, ctx);
      expect(out).toEqual([one(t, false)]);
    }
  });

  it("still evaluates moderately nested expressions", () => {
    expect(evaluateTemplate(`\${{ ${"(".repeat(50)}'ok'${")".repeat(50)} }}`, ctx)).toEqual([one("ok")]);
  });
});
