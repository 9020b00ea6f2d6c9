/** Workflows that cannot define a build still report what extraction reports regardless of content. */
import { describe, expect, it } from "vitest";
import { extractRepo } from "../extract";
import { mayDefineBuilds } from "./inert";

const P = ".github/workflows/test.yml";

const matrixWf = (extra: string) => `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]
        b: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]
    steps:
      - run: npm test
${extra}`;

describe("workflows without docker builds", () => {
  it("tells apart files that may define builds or consumers", () => {
    expect(mayDefineBuilds("steps:\n  - run: npm test\n")).toBe(false);
    expect(mayDefineBuilds("steps:\n  - uses: Docker/build-push-action@v6\n")).toBe(true);
    expect(mayDefineBuilds("jobs:\n  t:\n    container: node:20\n")).toBe(true);
    expect(mayDefineBuilds("jobs:\n  t:\n    services:\n      db: postgres\n")).toBe(true);
  });

  it("still warns about a capped matrix, exactly as a full extraction does", async () => {
    const inert = await extractRepo([{ path: P, text: matrixWf("") }]);
    // A comment naming docker makes the file go through full extraction; nothing else differs.
    const full = await extractRepo([{ path: P, text: matrixWf("# docker\n") }]);
    expect(inert.builds).toEqual([]);
    expect(inert.warnings).toEqual(full.warnings);
    expect(inert.warnings.map((w) => w.message)).toEqual(["job test: matrix has 289 combinations; only the first 256 were analysed"]);
  });

  it("still warns when the steps budget runs out", async () => {
    const steps = Array.from({ length: 99 }, (_, i) => `      - run: echo ${i}`).join("\n");
    const text = (extra: string) => `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        n: [${Array.from({ length: 250 }, (_, i) => i).join(", ")}]
    steps:
${steps}
${extra}`;
    const inert = await extractRepo([{ path: P, text: text("") }]);
    const full = await extractRepo([{ path: P, text: text("# docker\n") }]);
    expect(inert.warnings).toEqual(full.warnings);
    expect(inert.warnings.map((w) => w.message)).toContain("too many steps in this file; the rest were not analysed");
  });
});
