/**
 * A workflow that only runs on pushes to one literal branch knows `github.ref_name` (and
 * metadata-action's `type=ref,event=branch` tag); any other trigger or filter keeps it unknown.
 */
import { describe, expect, it } from "vitest";
import { extractRepo } from "../extract";

const P = ".github/workflows/ci.yml";

async function tagsWith(on: string): Promise<string[]> {
  const wf = `${on}
jobs:
  b:
    runs-on: ubuntu-latest
    steps:
      - id: meta
        uses: docker/metadata-action@v5
        with:
          images: ghcr.io/acme/app
          tags: type=ref,event=branch
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: |
            \${{ steps.meta.outputs.tags }}
            ghcr.io/acme/app:run-\${{ github.ref_name }}
`;
  const m = await extractRepo([{ path: P, text: wf }]);
  expect(m.errors).toEqual([]);
  return m.builds[0].tags.map((t) => `${t.text}${t.resolved ? "" : " (unresolved)"}`);
}

describe("github.ref_name from the triggers", () => {
  it("is the branch when the only trigger is a push to one literal branch", async () => {
    expect(await tagsWith("on:\n  push:\n    branches: [release/v2]\n    paths: ['src/**']")).toEqual([
      "ghcr.io/acme/app:release-v2",
      "ghcr.io/acme/app:run-release/v2",
    ]);
  });

  it("stays unknown with another trigger, a glob, two branches or a tag filter", async () => {
    for (const on of [
      "on:\n  push:\n    branches: [main]\n  pull_request:",
      "on:\n  push:\n    branches: [main]\n  workflow_dispatch:",
      "on:\n  push:\n    branches: ['release/*']",
      "on:\n  push:\n    branches: [main, develop]",
      "on:\n  push:\n    branches: [main]\n    tags: ['v*']",
      "on: push",
    ]) {
      const tags = await tagsWith(on);
      expect(tags.every((t) => t.endsWith("(unresolved)")), on).toBe(true);
    }
  });
});
