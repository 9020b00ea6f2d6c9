/**
 * Spans of values whose text repeats: each occurrence must point at its own characters, so a fix edits
 * every line it means to (a fix that edits one copy leaves the import reading the image tag).
 */
import { describe, expect, it } from "vitest";
import { analyze } from "../analyze";
import { extractRepo } from "../extract";
import type { Span } from "../types";

const P = ".github/workflows/ci.yml";
const at = (text: string, span: Span) => text.slice(span.offset, span.endOffset);

describe("repeated spec text in run scripts", () => {
  const wf = `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: |
          buildctl build --frontend dockerfile.v0 --local context=. --local dockerfile=. \\
            --output type=image,name=ghcr.io/acme/app:main,push=true \\
            --export-cache type=registry,ref=ghcr.io/acme/app:main \\
            --import-cache type=registry,ref=ghcr.io/acme/app:main
      - run: >-
          docker buildx build --push -t ghcr.io/acme/web:dev
          --cache-to=type=registry,ref=ghcr.io/acme/web:dev --cache-from=type=registry,ref=ghcr.io/acme/web:dev .
`;

  it("gives the export and the import their own lines and columns", async () => {
    const m = await extractRepo([{ path: P, text: wf }]);
    const [ctl, bx] = m.builds;
    expect(ctl.cacheTo[0].ref!.span.line).toBe(9);
    expect(ctl.cacheFrom[0].ref!.span.line).toBe(10);
    expect(at(wf, ctl.cacheFrom[0].ref!.span)).toBe("ghcr.io/acme/app:main");
    // `--flag=value` sub-words on one line: the import starts after the export.
    const to = bx.cacheTo[0].ref!.span;
    const from = bx.cacheFrom[0].ref!.span;
    expect(at(wf, to)).toBe("ghcr.io/acme/web:dev");
    expect(at(wf, from)).toBe("ghcr.io/acme/web:dev");
    expect(from.offset).toBeGreaterThan(to.endOffset);
  });

  it("fixes both the export and the import", async () => {
    const r = await analyze([{ path: P, text: wf }]);
    const diffs = r.findings.filter((f) => f.ruleId === "cache-overwrites-image-tag").map((f) => f.fix!.diff);
    expect(diffs).toHaveLength(2);
    expect(diffs[0]).toContain("+            --export-cache type=registry,ref=ghcr.io/acme/app:main-cache \\");
    expect(diffs[0]).toContain("+            --import-cache type=registry,ref=ghcr.io/acme/app:main-cache");
    expect(diffs[1]).toContain(
      "+          --cache-to=type=registry,ref=ghcr.io/acme/web:dev-cache --cache-from=type=registry,ref=ghcr.io/acme/web:dev-cache .",
    );
  });
});

describe("folded plain scalars", () => {
  const wf = `on: push
env:
  IMAGE_NAME: api
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: acme/\${{ env.IMAGE_NAME }}:latest
          cache-to:
            type=registry,ref=acme/\${{ env.IMAGE_NAME
            }}:latest,mode=max
`;
  it("locates a ref that a formatter broke across lines, and edits only the ref", async () => {
    const r = await analyze([{ path: P, text: wf }]);
    expect(r.findings).toHaveLength(1);
    const f = r.findings[0];
    expect([f.line, f.column]).toEqual([13, 31]);
    expect(f.fix!.diff).toContain("+            }}:buildcache,mode=max");
  });
});
