import { describe, expect, it } from "vitest";
import { recognize } from "./commands";
import { tokenizeScript } from "./tokenize";

/** The consumer kind and the image refs one command reads, with each ref's characters in the script. */
function reads(script: string): { kind: string; images: string[]; at: string[] } | null {
  const r = tokenizeScript(script, { lookup: (n) => ({ SRC: "ghcr.io/o/a:cache" })[n] }).next();
  const c = r.done ? null : recognize(r.value.words);
  if (c?.kind !== "consume") return null;
  return { kind: c.consumer, images: c.images.map((w) => w.text), at: c.images.map((w) => script.slice(w.start, w.end)) };
}

describe("registry tools that read images", () => {
  it("reads the source of crane copy/cp, every source of crane pull and the image of crane export", () => {
    expect(reads("crane copy ghcr.io/o/a:cache ghcr.io/o/b:1")).toMatchObject({ kind: "crane", images: ["ghcr.io/o/a:cache"] });
    expect(reads("crane --platform linux/amd64 cp -j 4 a:1 b:1")?.images).toEqual(["a:1"]);
    expect(reads("crane pull a:1 b:2 images.tar")?.images).toEqual(["a:1", "b:2"]);
    expect(reads("crane export ghcr.io/o/a:test - | tar x")?.images).toEqual(["ghcr.io/o/a:test"]);
    expect(reads("crane copy only-one")).toBeNull();
    expect(reads("crane digest a:1")).toBeNull();
  });

  it("reads skopeo's docker:// sources only, at the characters after the prefix", () => {
    const s = reads('skopeo copy --src-creds u:p "docker://ghcr.io/o/a:cache" docker://ghcr.io/o/b:1');
    expect(s).toEqual({ kind: "skopeo", images: ["ghcr.io/o/a:cache"], at: ["ghcr.io/o/a:cache"] });
    expect(reads("skopeo inspect --raw docker://ghcr.io/o/a:cache")?.at).toEqual(["ghcr.io/o/a:cache"]);
    expect(reads("skopeo --override-arch arm64 inspect docker://$SRC")).toMatchObject({ images: ["ghcr.io/o/a:cache"], at: ["$SRC"] });
    expect(reads("skopeo copy oci:layout docker://ghcr.io/o/b:1")).toBeNull();
    expect(reads("skopeo inspect docker-archive:img.tar")).toBeNull();
  });

  it("reads regctl image copy and az acr import --source", () => {
    expect(reads("regctl image copy --platform linux/amd64 ghcr.io/o/a:cache r.example/a:1")).toMatchObject({ kind: "regctl", images: ["ghcr.io/o/a:cache"] });
    expect(reads("regctl image inspect a:1")).toBeNull();
    expect(reads("az acr import --name reg --source ghcr.io/o/a:cache --image a:1")).toMatchObject({ kind: "acr-import", images: ["ghcr.io/o/a:cache"] });
    expect(reads("az acr import -n reg --source=ghcr.io/o/a:2 -t a:2")?.at).toEqual(["ghcr.io/o/a:2"]);
    expect(reads("az acr login -n reg")).toBeNull();
  });

  it("still maps docker run/pull/create to their consumer kinds, one image each", () => {
    expect(reads("docker run --rm ghcr.io/o/a:test echo hi")).toMatchObject({ kind: "docker-run", images: ["ghcr.io/o/a:test"] });
    expect(reads("docker pull a:1")?.kind).toBe("docker-pull");
    expect(reads("docker container create a:1")?.kind).toBe("docker-create");
  });
});
