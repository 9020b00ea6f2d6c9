import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { createTwoFilesPatch } from "diff";
import { describe, expect, it } from "vitest";
import { cacheTagFor, separateCacheRaw, unifiedDiff } from "./fix";

describe("separateCacheRaw", () => {
  it("adds -cache to a tag, and uses :buildcache for latest or no tag", () => {
    expect(separateCacheRaw("ghcr.io/o/a:test", "ghcr.io/o/a:test")).toBe("ghcr.io/o/a:test-cache");
    expect(separateCacheRaw("'ghcr.io/o/a:test'", "ghcr.io/o/a:test")).toBe("'ghcr.io/o/a:test-cache'");
    expect(separateCacheRaw("ghcr.io/o/a:latest", "ghcr.io/o/a:latest")).toBe("ghcr.io/o/a:buildcache");
    expect(separateCacheRaw("localhost:5000/a", "localhost:5000/a")).toBe("localhost:5000/a:buildcache");
  });

  it("never suggests cache-cache when the image tag already says cache", () => {
    expect(separateCacheRaw("ghcr.io/o/a:cache", "ghcr.io/o/a:cache")).toBe("ghcr.io/o/a:buildcache");
    expect(separateCacheRaw("ghcr.io/o/a:buildcache", "ghcr.io/o/a:buildcache")).toBe("ghcr.io/o/a:buildkit-cache");
    expect(separateCacheRaw("ghcr.io/o/a:main-cache", "ghcr.io/o/a:main-cache")).toBe("ghcr.io/o/a:main-buildcache");
    expect(separateCacheRaw("ghcr.io/o/a:${{ matrix.v }}-cache", "ghcr.io/o/a:${{ matrix.v }}-cache")).toBe(
      "ghcr.io/o/a:${{ matrix.v }}-buildcache",
    );
    // A ref that is wholly an expression is extended after it, chosen from what it evaluates to.
    expect(separateCacheRaw("${{ env.REF }}", "ghcr.io/o/a:cache")).toBe("${{ env.REF }}-buildkit");
    expect(separateCacheRaw("${{ env.REF }}", "ghcr.io/o/a:dev")).toBe("${{ env.REF }}-cache");
  });

  it("extends a ref that is wholly a shell or make variable after it, from what it evaluates to", () => {
    for (const raw of ["$IMAGE", "${IMAGE}", "$(IMAGE)", '"$IMAGE"']) {
      const q = raw.startsWith('"') ? '"' : "";
      const bare = raw.replace(/"/g, "");
      expect(separateCacheRaw(raw, "ghcr.io/o/a:test")).toBe(`${q}${bare}-cache${q}`);
      expect(separateCacheRaw(raw, "ghcr.io/o/a")).toBe(`${q}${bare}:buildcache${q}`);
    }
    expect(separateCacheRaw("$IMAGE", "ghcr.io/o/a:cache")).toBe("$IMAGE-buildkit");
    expect(separateCacheRaw("${IMAGE}", "localhost:5000/a")).toBe("${IMAGE}:buildcache");
    // A variable inside a longer ref is not the whole ref: its own tag is edited.
    expect(separateCacheRaw("$REGISTRY/app:test", "ghcr.io/o/app:test")).toBe("$REGISTRY/app:test-cache");
  });

  it("uses -cache when the evaluated name is not known, unless a tag is known to follow it", () => {
    // `-cache` is a valid ref whether or not the unknown value carries a tag; `:buildcache` is not.
    expect(separateCacheRaw("${{ inputs.image }}", "${{ inputs.image }}")).toBe("${{ inputs.image }}-cache");
    expect(separateCacheRaw("$IMAGE", "${{ env.IMAGE }}")).toBe("$IMAGE-cache");
    expect(separateCacheRaw("${{ inputs.image }}", "${{ inputs.image }}", true)).toBe("${{ inputs.image }}:buildcache");
    expect(separateCacheRaw("${{ env.R }}", "ghcr.io/o/${{ inputs.name }}")).toBe("${{ env.R }}-cache");
  });

  it("gives up on a digest", () => {
    expect(separateCacheRaw("ghcr.io/o/a@sha256:abc", "ghcr.io/o/a@sha256:abc")).toBeNull();
  });
});

describe("cacheTagFor", () => {
  it("names a cache tag beside any image tag, never cache-cache", () => {
    expect(["test", "latest", "cache", "buildcache", "v1-cache"].map(cacheTagFor)).toEqual([
      "test-cache",
      "buildcache",
      "buildcache",
      "buildkit-cache",
      "v1-buildcache",
    ]);
  });
});

/** The whole-file diff unifiedDiff() must equal (it diffs from the first line a hunk can hold). */
function wholeFileDiff(file: string, before: string, after: string): string {
  const patch = createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, undefined, undefined, { context: 3 });
  return patch.slice(patch.indexOf("--- "));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Edits a fix could make to a text: a line changed, added or removed, two lines changed, the last line. */
function editsOf(text: string): string[] {
  const lines = text.split("\n");
  const out: string[] = [];
  const step = Math.max(1, Math.floor(lines.length / 7));
  for (let i = 0; i < lines.length; i += step) {
    const at = (f: (l: string[]) => void) => {
      const l = [...lines];
      f(l);
      out.push(l.join("\n"));
    };
    at((l) => (l[i] = `${l[i]}-cache`));
    at((l) => l.splice(i, 0, "  # added"));
    at((l) => l.splice(i, 1));
    at((l) => {
      l[i] = `${l[i]}:buildcache`;
      l[Math.min(l.length - 1, i + 5)] += "-x";
    });
  }
  out.push(`${text}extra\n`, text.replace(/\n$/, ""));
  return out;
}

describe("unifiedDiff", () => {
  const root = path.join(import.meta.dirname, "..", "..", "tests", "fixtures");
  const texts = filesUnder(root)
    .filter((p) => /\.(ya?ml|hcl|sh|json)$|Makefile|Dockerfile/.test(p) && statSync(p).size < 200_000)
    .map((p) => readFileSync(p, "utf8"));

  it("equals the whole-file diff for edits anywhere in every fixture file, LF and CRLF", () => {
    let compared = 0;
    for (const text of texts) {
      for (const t of [text, text.replace(/\n/g, "\r\n")]) {
        for (const after of editsOf(t)) {
          if (after === t) continue;
          expect(unifiedDiff("f.yml", t, after)).toBe(wholeFileDiff("f.yml", t, after));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it("keeps three lines of context and the line numbers of the whole file", () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";
    const after = before.replace("line 12\n", "line 12 changed\n");
    expect(unifiedDiff("f.yml", before, after)).toBe(
      ["--- a/f.yml", "+++ b/f.yml", "@@ -9,7 +9,7 @@", " line 9", " line 10", " line 11", "-line 12", "+line 12 changed", " line 13", " line 14", " line 15", ""].join("\n"),
    );
  });
});
