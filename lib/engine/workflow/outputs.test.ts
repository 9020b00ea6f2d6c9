import { describe, expect, it } from "vitest";
import { extractRepo } from "../extract";

const P = ".github/workflows/ci.yml";

describe("image outputs", () => {
  it("counts output names as pushed tags, except push-by-digest names (untagged until a merge)", async () => {
    const wf = `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          outputs: type=image,name=ghcr.io/acme/app,push-by-digest=true,name-canonical=true,push=true
      - uses: docker/build-push-action@v6
        with:
          outputs: type=image,"name=ghcr.io/acme/app:1,ghcr.io/acme/app:2",push=true
      - run: docker buildx imagetools create -t ghcr.io/acme/app:latest ghcr.io/acme/app@sha256:abc
`;
    const m = await extractRepo([{ path: P, text: wf }]);
    expect(m.builds.map((b) => [b.push, b.tags.map((t) => t.text)])).toEqual([
      [true, []],
      [true, ["ghcr.io/acme/app:1", "ghcr.io/acme/app:2"]],
      [true, ["ghcr.io/acme/app:latest"]],
    ]);
  });
});
