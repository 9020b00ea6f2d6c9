/**
 * Matrix combinations that agree on the keys a job reads are extracted once and copied: the copies
 * must be exactly what a full extraction of every combination gives (labels, ids, spans, findings).
 */
import { describe, expect, it } from "vitest";
import { analyze } from "../analyze";
import { extractRepo } from "../extract";

const P = ".github/workflows/build.yml";

const wf = (extraLastStep: string) => `on: push
env:
  IMAGE: ghcr.io/acme/app
jobs:
  build:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        variant: [slim, full]
        arch: [amd64, arm64, riscv]
        include:
          - variant: slim
            arch: riscv
            flavor: edge
    container: ghcr.io/acme/builder:\${{ matrix.variant }}
    steps:
      - id: meta
        uses: docker/metadata-action@v5
        with:
          images: \${{ env.IMAGE }}
          tags: type=raw,value=\${{ matrix.variant }}\${{ matrix.flavor }}
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: \${{ steps.meta.outputs.tags }}
          cache-to: type=registry,ref=\${{ env.IMAGE }}:\${{ matrix.variant }}
${extraLastStep}`;

// `toJSON(matrix)` reads every key, so nothing is shared; it sits last so no offset before it moves.
const shared = wf("");
const full = wf(`      - run: echo '\${{ toJSON(matrix) }}'\n`);

describe("matrix combinations that read the same keys", () => {
  it("gives every combination its own build, labelled with its own matrix", async () => {
    const m = await extractRepo([{ path: P, text: shared }]);
    expect(m.builds).toHaveLength(6);
    expect(m.builds.map((b) => b.id)).toContain(`${P}#build#1#variant=full,arch=arm64`);
    expect(m.builds.map((b) => b.id)).toContain(`${P}#build#1#variant=slim,arch=riscv,flavor=edge`);
    const riscv = m.builds.find((b) => b.matrix?.arch === "riscv" && b.matrix.variant === "slim");
    expect(riscv?.tags.map((t) => t.text)).toEqual(["ghcr.io/acme/app:slimedge"]);
    const arm = m.builds.find((b) => b.matrix?.arch === "arm64" && b.matrix.variant === "slim");
    expect(arm?.tags.map((t) => t.text)).toEqual(["ghcr.io/acme/app:slim"]);
    expect(m.consumers.filter((c) => c.kind === "job-container").map((c) => `${c.matrix?.variant}/${c.matrix?.arch}`).sort()).toEqual([
      "full/amd64",
      "full/arm64",
      "full/riscv",
      "slim/amd64",
      "slim/arm64",
      "slim/riscv",
    ]);
  });

  it("extracts the same builds, consumers and findings as evaluating every combination", async () => {
    const a = await extractRepo([{ path: P, text: shared }]);
    const b = await extractRepo([{ path: P, text: full }]);
    expect(a.builds).toEqual(b.builds);
    expect(a.consumers).toEqual(b.consumers);
    const fa = await analyze([{ path: P, text: shared }]);
    const fb = await analyze([{ path: P, text: full }]);
    expect(fa.findings.map((f) => [f.ruleId, f.line, f.column, f.message])).toEqual(
      fb.findings.map((f) => [f.ruleId, f.line, f.column, f.message]),
    );
    expect(fa.findings.length).toBeGreaterThan(0);
  });
});
