import { describe, expect, it } from "vitest";
import { extractRepo } from "../extract";
import type { Span } from "../types";

const P = ".github/workflows/ci.yml";
const at = (text: string, span: Span) => text.slice(span.offset, span.endOffset);

describe("run-step consumers beyond docker run", () => {
  it("records imagetools sources and registry tools' sources, one consumer per image, at their characters", async () => {
    const wf = `on: push
env:
  IMAGE: ghcr.io/acme/app
jobs:
  merge:
    runs-on: ubuntu-latest
    steps:
      - run: |
          docker buildx imagetools create -t $IMAGE:latest -f extra.json $IMAGE:amd64 "$IMAGE:arm64"
          crane pull ghcr.io/acme/app:cache ghcr.io/acme/base:1 out.tar
          skopeo copy "docker://$IMAGE:test" oci:out
`;
    const m = await extractRepo([{ path: P, text: wf }]);
    expect(m.consumers.map((c) => [c.kind, c.ref.text])).toEqual([
      ["imagetools-source", "ghcr.io/acme/app:amd64"],
      ["imagetools-source", "ghcr.io/acme/app:arm64"],
      ["crane", "ghcr.io/acme/app:cache"],
      ["crane", "ghcr.io/acme/base:1"],
      ["skopeo", "ghcr.io/acme/app:test"],
    ]);
    expect(m.consumers.map((c) => at(wf, c.ref.span))).toEqual(["$IMAGE:amd64", '"$IMAGE:arm64"', "ghcr.io/acme/app:cache", "ghcr.io/acme/base:1", "$IMAGE:test"]);
    // the merge still pushes its tag
    expect(m.builds.map((b) => b.tags.map((t) => t.text))).toEqual([["ghcr.io/acme/app:latest"]]);
  });
});
