import { describe, expect, it } from "vitest";
import { normalizeImageRef } from "./refs";

describe("normalizeImageRef", () => {
  const table: Array<[string, string | null]> = [
    ["ubuntu", "docker.io/library/ubuntu:latest"],
    ["ubuntu:22.04", "docker.io/library/ubuntu:22.04"],
    ["acme/app", "docker.io/acme/app:latest"],
    ["docker.io/ubuntu", "docker.io/library/ubuntu:latest"],
    ["index.docker.io/library/ubuntu:1", "docker.io/library/ubuntu:1"],
    ["GHCR.IO/org/app:Test", "ghcr.io/org/app:Test"],
    ["ghcr.io/org/app", "ghcr.io/org/app:latest"],
    ["localhost/app", "localhost/app:latest"],
    ["localhost:5000/app:dev", "localhost:5000/app:dev"],
    ["registry.example.com:8443/team/app:1.2", "registry.example.com:8443/team/app:1.2"],
    [
      "ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    ],
    [
      "app:v1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "docker.io/library/app:v1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    ],
    ["ghcr.io/Org/app", null],
    ["UPPER", null],
    ["app:bad tag", null],
    ["app:", null],
    ["", null],
    ["ghcr.io/org/app:-x", null],
    ["ghcr.io/org//app", null],
    ["ghcr.io/${{ github.repository }}:latest", "ghcr.io/${{ github.repository }}:latest"],
    ["ghcr.io/${{ github.repository }}", "ghcr.io/${{ github.repository }}:latest"],
    ["ghcr.io/org/app:${{ github.sha }}", "ghcr.io/org/app:${{ github.sha }}"],
    ["${{ env.REGISTRY }}/org/app:x", "${{ env.REGISTRY }}/org/app:x"],
    ["${{ env.IMAGE }}", "${{ env.IMAGE }}"],
    ["${{ env.IMAGE }}:cache", "${{ env.IMAGE }}:cache"],
  ];
  it.each(table)("%s -> %s", (input, canonical) => {
    const ref = normalizeImageRef(input);
    expect(ref?.canonical ?? null).toBe(canonical);
  });

  it("splits registry, repository, tag and digest", () => {
    expect(normalizeImageRef("Ghcr.io/acme/api:1.0")).toEqual({
      registry: "ghcr.io",
      repository: "acme/api",
      tag: "1.0",
      canonical: "ghcr.io/acme/api:1.0",
    });
    expect(normalizeImageRef("nginx")).toMatchObject({ registry: "docker.io", repository: "library/nginx", tag: "latest" });
  });

  it("leaves every part of a single-token ref unknown", () => {
    expect(normalizeImageRef("${{ steps.x.outputs.image }}")).toEqual({
      registry: "",
      repository: "${{ steps.x.outputs.image }}",
      canonical: "${{ steps.x.outputs.image }}",
    });
  });

  it("does not lower-case tokens inside the host", () => {
    expect(normalizeImageRef("${{ env.REG }}.Example.com/app")?.canonical).toBe("${{ env.REG }}.example.com/app:latest");
  });
});
