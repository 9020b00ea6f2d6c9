import { describe, expect, it } from "vitest";
import { parseCacheSpecs, splitCsv } from "./cache-spec";

const where = (text: string, offset = 0) => ({ path: "w.yml", text, offset });

describe("parseCacheSpecs", () => {
  it("reads keys in any order", () => {
    const a = parseCacheSpecs("type=registry,ref=ghcr.io/o/a:cache,mode=max", where("type=registry,ref=ghcr.io/o/a:cache,mode=max"));
    const b = parseCacheSpecs("mode=max,ref=ghcr.io/o/a:cache,type=registry", where("mode=max,ref=ghcr.io/o/a:cache,type=registry"));
    for (const specs of [a, b]) {
      expect(specs).toHaveLength(1);
      expect(specs[0].type).toBe("registry");
      expect(specs[0].attrs).toEqual({ ref: "ghcr.io/o/a:cache", mode: "max" });
      expect(specs[0].ref?.text).toBe("ghcr.io/o/a:cache");
    }
  });

  it("treats a value without type= as a registry ref", () => {
    const [spec] = parseCacheSpecs("ghcr.io/o/a:buildcache", where("ghcr.io/o/a:buildcache"));
    expect(spec.type).toBe("registry");
    expect(spec.ref?.text).toBe("ghcr.io/o/a:buildcache");
  });

  it("unquotes CSV fields and keeps commas inside quotes", () => {
    expect(splitCsv('a,"b,c",d').map((f) => f.value)).toEqual(["a", "b,c", "d"]);
    expect(splitCsv('"say ""hi""",x').map((f) => f.value)).toEqual(['say "hi"', "x"]);
    const line = 'type=s3,"name=a,b",region=eu';
    const [spec] = parseCacheSpecs(line, where(line));
    expect(spec.type).toBe("s3");
    expect(spec.attrs).toEqual({ name: "a,b", region: "eu" });
    expect(spec.ref).toBeUndefined();
  });

  it("parses one spec per line and points each ref at its characters", () => {
    const text = [
      "      cache-to: |",
      "        type=gha,mode=max,scope=api",
      "        # not a spec",
      "        type=registry,ref=ghcr.io/o/a:cache,mode=max",
      '        "type=registry","ref=ghcr.io/o/b:cache"',
      "",
    ].join("\n");
    const value = "type=gha,mode=max,scope=api\n# not a spec\ntype=registry,ref=ghcr.io/o/a:cache,mode=max\n\"type=registry\",\"ref=ghcr.io/o/b:cache\"\n";
    const specs = parseCacheSpecs(value, where(text, text.indexOf("|") + 2));
    expect(specs.map((s) => s.type)).toEqual(["gha", "registry", "registry"]);
    expect(specs[0].attrs.scope).toBe("api");
    for (const s of specs.slice(1)) {
      expect(text.slice(s.ref!.span.offset, s.ref!.span.endOffset)).toBe(s.ref!.raw);
      expect(text.slice(s.span.offset, s.span.endOffset)).toBe(s.raw);
    }
    expect(specs[1].ref!.span).toMatchObject({ line: 4, column: 27 });
    expect(specs[2].ref!.text).toBe("ghcr.io/o/b:cache");
  });

  it("keeps the raw ref for spans while reading the evaluated text", () => {
    const text = "cache-to: type=registry,ref=${{ env.IMG }}:cache";
    const [spec] = parseCacheSpecs("type=registry,ref=${{ env.IMG }}:cache", where(text, 10), {
      evaluate: (raw) => [{ text: raw.replace("${{ env.IMG }}", "ghcr.io/o/a"), resolved: true, speculative: false }],
    });
    expect(spec.ref?.text).toBe("ghcr.io/o/a:cache");
    expect(spec.ref?.resolved).toBe(true);
    expect(text.slice(spec.ref!.span.offset, spec.ref!.span.endOffset)).toBe("${{ env.IMG }}:cache");
  });
});

describe("parseCacheSpecs with expressions", () => {
  it("gives a ref that only exists after evaluation the raw characters of its line", () => {
    const raw = "${{ github.event_name == 'push' && 'type=registry,ref=ghcr.io/o/a:cache' || '' }}";
    const text = `cache-from: ${raw}`;
    const specs = parseCacheSpecs(raw, { path: "w.yml", text, offset: 12 }, {
      evaluate: () => [
        { text: "type=registry,ref=ghcr.io/o/a:cache", resolved: true, speculative: true },
        { text: "", resolved: true, speculative: true },
      ],
    });
    expect(specs).toHaveLength(1);
    const ref = specs[0].ref!;
    expect(ref).toMatchObject({ text: "ghcr.io/o/a:cache", raw, speculative: true });
    expect(text.slice(ref.span.offset, ref.span.endOffset)).toBe(ref.raw);
  });
});
