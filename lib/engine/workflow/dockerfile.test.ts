import { describe, expect, it } from "vitest";
import { extractRepo } from "../extract";
import { isDockerfilePath } from "./dockerfile";

describe("Dockerfile FROM consumers", () => {
  it("reports base images, expanding ARG defaults and skipping stages and scratch", async () => {
    const text = [
      "ARG BASE=ghcr.io/acme/base:cache",
      "FROM --platform=$BUILDPLATFORM ${BASE} AS build",
      "RUN make",
      "FROM build AS test",
      "FROM scratch",
      "from node:20-alpine",
      "FROM ghcr.io/acme/${FLAVOR}:1",
      "",
    ].join("\n");
    const m = await extractRepo([{ path: "app/Dockerfile", text }]);
    const refs = m.consumers.map((c) => [c.kind, c.ref.text, c.ref.resolved, c.ref.span.line]);
    expect(refs).toEqual([
      ["dockerfile-from", "ghcr.io/acme/base:cache", true, 2],
      ["dockerfile-from", "node:20-alpine", true, 6],
      ["dockerfile-from", "ghcr.io/acme/${{ env.FLAVOR }}:1", false, 7],
    ]);
    for (const c of m.consumers) expect(text.slice(c.ref.span.offset, c.ref.span.endOffset)).toBe(c.ref.raw);
  });

  it("recognises Dockerfile names", () => {
    expect(["Dockerfile", "a/Dockerfile.prod", "b/prod.Dockerfile", "c/x.dockerfile"].every(isDockerfilePath)).toBe(true);
    expect(isDockerfilePath("docs/dockerfile-guide.md")).toBe(false);
  });
});
