import { describe, expect, it } from "vitest";
import { cacheTagFor, separateCacheRaw } from "./fix";

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
