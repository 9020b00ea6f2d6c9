import { describe, expect, it } from "vitest";
import { computeMetadataOutputs } from "./metadata-action";
import type { Alternative, Contexts } from "./types";

const ctx: Contexts = {
  env: { REGISTRY: "ghcr.io" },
  github: { repository: "acme/app", repository_owner: "acme" },
  inputs: { release: "v1.4.2", prerelease: "v2.0.0-rc.1" },
};
const img = (text: string, speculative = false): Alternative => ({ text, resolved: !text.includes("${{"), speculative });
const tagsOf = (out: { tags: Alternative[] }) => out.tags.map((t) => [t.text, t.speculative]);

describe("computeMetadataOutputs", () => {
  it("makes a raw tag resolved and certain", () => {
    const out = computeMetadataOutputs({ images: [img("ghcr.io/acme/app")], tags: "type=raw,value=test" }, ctx);
    expect(out.tags).toEqual([{ text: "ghcr.io/acme/app:test", resolved: true, speculative: false }]);
    expect(out.version).toEqual([{ text: "test", resolved: true, speculative: false }]);
  });

  it("accepts the short raw forms and sanitizes tags like the action", () => {
    const out = computeMetadataOutputs({ images: [img("GHCR.io/Acme/App")], tags: "# comment\nfoo\ntype=raw,bar\nfeature/x y" }, ctx);
    expect(tagsOf(out)).toEqual([
      ["ghcr.io/acme/app:foo", false],
      ["ghcr.io/acme/app:bar", false],
      ["ghcr.io/acme/app:feature-x-y", false],
    ]);
  });

  it("gives sha tags as a token behind sha-, present on every run", () => {
    const out = computeMetadataOutputs({ images: [img("ghcr.io/acme/app")], tags: "type=sha\ntype=sha,format=long,prefix=" }, ctx);
    expect(out.tags).toEqual([
      { text: "ghcr.io/acme/app:sha-${{ meta.sha.short }}", resolved: false, speculative: false },
      { text: "ghcr.io/acme/app:${{ meta.sha.long }}", resolved: false, speculative: false },
    ]);
  });

  it("gives semver tags as event-dependent tokens with latest", () => {
    const out = computeMetadataOutputs(
      { images: [img("ghcr.io/acme/app")], tags: "type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}" },
      ctx,
    );
    expect(tagsOf(out)).toEqual([
      ["ghcr.io/acme/app:${{ meta.semver('{{version}}') }}", true],
      ["ghcr.io/acme/app:${{ meta.semver('{{major}}.{{minor}}') }}", true],
      ["ghcr.io/acme/app:latest", true],
    ]);
  });

  it("computes semver from a known value attribute", () => {
    const out = computeMetadataOutputs(
      {
        images: [img("ghcr.io/acme/app")],
        tags: "type=semver,pattern={{major}}.{{minor}},value=${{ inputs.release }}\ntype=semver,pattern={{version}},value=${{ inputs.prerelease }}",
      },
      ctx,
    );
    expect(tagsOf(out)).toEqual([
      ["ghcr.io/acme/app:1.4", false],
      ["ghcr.io/acme/app:2.0.0-rc.1", false],
      ["ghcr.io/acme/app:latest", false],
    ]);
  });

  it("gives branch, tag and PR refs as tokens that exist only on their event", () => {
    const out = computeMetadataOutputs(
      { images: [img("ghcr.io/acme/app")], tags: "type=ref,event=branch\ntype=ref,event=pr\ntype=ref,event=tag,suffix=-rel" },
      ctx,
    );
    expect(tagsOf(out)).toEqual([
      ["ghcr.io/acme/app:${{ meta.ref.branch }}", true],
      ["ghcr.io/acme/app:pr-${{ meta.ref.pr }}", true],
      ["ghcr.io/acme/app:${{ meta.ref.tag }}-rel", true],
      ["ghcr.io/acme/app:latest", true],
    ]);
  });

  it("uses the action's default tags when tags is empty", () => {
    const out = computeMetadataOutputs({ images: [img("ghcr.io/acme/app")], tags: "\n  \n" }, ctx);
    expect(out.tags.map((t) => t.text)).toEqual([
      "ghcr.io/acme/app:nightly",
      "ghcr.io/acme/app:${{ meta.ref.branch }}",
      "ghcr.io/acme/app:${{ meta.ref.tag }}",
      "ghcr.io/acme/app:pr-${{ meta.ref.pr }}",
      "ghcr.io/acme/app:latest",
    ]);
    expect(out.tags.every((t) => t.speculative)).toBe(true);
    expect(out.version.every((v) => v.speculative)).toBe(true);
  });

  it("applies flavor latest, prefix and suffix", () => {
    const never = computeMetadataOutputs(
      { images: [img("ghcr.io/acme/app")], tags: "type=semver,pattern={{version}}", flavor: "latest=false" },
      ctx,
    );
    expect(never.tags.map((t) => t.text)).toEqual(["ghcr.io/acme/app:${{ meta.semver('{{version}}') }}"]);

    const always = computeMetadataOutputs(
      { images: [img("ghcr.io/acme/app")], tags: "type=raw,value=test\ntype=sha", flavor: "latest=true\nprefix=v-\nsuffix=-alpine,onlatest=true" },
      ctx,
    );
    expect(tagsOf(always)).toEqual([
      ["ghcr.io/acme/app:v-test-alpine", false],
      ["ghcr.io/acme/app:sha-${{ meta.sha.short }}-alpine", false],
      ["ghcr.io/acme/app:latest-alpine", false],
    ]);
  });

  it("orders tags by priority and reports the highest one as the version", () => {
    const out = computeMetadataOutputs({ images: [], tags: "type=sha\ntype=raw,value=main,priority=2000" }, ctx);
    expect(out.tags.map((t) => t.text)).toEqual(["main", "sha-${{ meta.sha.short }}"]);
    expect(out.version).toEqual([{ text: "main", resolved: true, speculative: false }]);
  });

  it("crosses every image with every tag", () => {
    const out = computeMetadataOutputs(
      { images: [img("ghcr.io/acme/app\ndocker.io/acme/app")], tags: "type=raw,value=test\ntype=raw,value=stable" },
      ctx,
    );
    expect(out.tags.map((t) => t.text)).toEqual([
      "ghcr.io/acme/app:test",
      "ghcr.io/acme/app:stable",
      "docker.io/acme/app:test",
      "docker.io/acme/app:stable",
    ]);
    const csv = computeMetadataOutputs({ images: [img("ghcr.io/acme/app,docker.io/acme/app")], tags: "test" }, ctx);
    expect(csv.tags.map((t) => t.text)).toEqual(["ghcr.io/acme/app:test", "docker.io/acme/app:test"]);
  });

  it("reads images with name= and enable=, and images built from expressions", () => {
    const out = computeMetadataOutputs(
      {
        images: [
          img(
            "name=ghcr.io/acme/app\nname=docker.io/acme/app,enable=false\nname=quay.io/acme/app,enable=${{ github.event_name != 'pull_request' }}\n${{ env.REGISTRY }}/${{ github.repository }}-web",
          ),
        ],
        tags: "type=raw,value=test",
      },
      ctx,
    );
    expect(tagsOf(out)).toEqual([
      ["ghcr.io/acme/app:test", false],
      ["quay.io/acme/app:test", true],
      ["ghcr.io/acme/app-web:test", false],
    ]);
  });

  it("makes tags with an unknown enable condition speculative and drops disabled ones", () => {
    const out = computeMetadataOutputs(
      {
        images: [img("ghcr.io/acme/app")],
        tags: [
          "type=raw,value=test,enable=${{ github.ref == format('refs/heads/{0}', 'main') }}",
          "type=raw,value=never,enable=false",
          "type=raw,value=always,enable=${{ github.repository == 'acme/app' }}",
          "type=raw,value=main,enable={{is_default_branch}}",
        ].join("\n"),
      },
      ctx,
    );
    expect(tagsOf(out)).toEqual([
      ["ghcr.io/acme/app:test", true],
      ["ghcr.io/acme/app:always", false],
      ["ghcr.io/acme/app:main", true],
    ]);
  });

  it("expands a tag value with an unknown condition into both values", () => {
    const out = computeMetadataOutputs(
      { images: [img("ghcr.io/acme/app")], tags: "type=raw,value=${{ github.event_name == 'release' && 'stable' || 'dev' }}" },
      ctx,
    );
    expect(tagsOf(out)).toEqual([
      ["ghcr.io/acme/app:stable", true],
      ["ghcr.io/acme/app:dev", true],
    ]);
    expect(out.version.map((v) => v.speculative)).toEqual([true, true]);
  });

  it("renders the action's global expressions as tokens", () => {
    const out = computeMetadataOutputs(
      { images: [img("ghcr.io/acme/app")], tags: "type=raw,value={{date 'YYYYMMDD'}}\ntype=sha,prefix={{branch}}-" },
      ctx,
    );
    expect(tagsOf(out)).toEqual([
      ["ghcr.io/acme/app:${{ meta.date('YYYYMMDD') }}", false],
      ["ghcr.io/acme/app:${{ meta.ref.branch }}-${{ meta.sha.short }}", true],
    ]);
  });

  it("skips lines the action would reject and outputs no tag when nothing is produced", () => {
    const out = computeMetadataOutputs({ images: [img("ghcr.io/acme/app")], tags: "type=bogus\ntype=semver" }, ctx);
    expect(out).toEqual({ tags: [], version: [] });
  });

  it("marks every tag of a speculative image alternative speculative and merges duplicate images", () => {
    const out = computeMetadataOutputs(
      { images: [img("ghcr.io/acme/app"), img("ghcr.io/acme/app", true), img("ghcr.io/acme/beta", true)], tags: "test" },
      ctx,
    );
    expect(tagsOf(out)).toEqual([
      ["ghcr.io/acme/app:test", false],
      ["ghcr.io/acme/beta:test", true],
    ]);
  });

  it("lists every tag that could come first as a speculative version", () => {
    const out = computeMetadataOutputs({ images: [img("ghcr.io/acme/app")], tags: "type=ref,event=branch\ntype=raw,value=test\ntype=sha" }, ctx);
    expect(out.version).toEqual([
      { text: "${{ meta.ref.branch }}", resolved: false, speculative: true },
      { text: "test", resolved: true, speculative: true },
    ]);
  });

  it("keeps latest speculative when a tag that never adds latest may come first", () => {
    const out = computeMetadataOutputs({ images: [img("ghcr.io/acme/app")], tags: "type=semver,pattern={{version}}\ntype=raw,value=test" }, ctx);
    expect(tagsOf(out)).toEqual([
      ["ghcr.io/acme/app:${{ meta.semver('{{version}}') }}", true],
      ["ghcr.io/acme/app:test", false],
      ["ghcr.io/acme/app:latest", true],
    ]);
  });
});
