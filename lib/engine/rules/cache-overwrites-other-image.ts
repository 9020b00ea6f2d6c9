import { maxConfidence, RefIndex } from "../compare";
import { separateCacheFix } from "../fix";
import type { Build, Confidence, Finding, Rule, RuleContext, Value } from "../types";
import { consumersOf } from "./cache-overwrites-image-tag";
import {
  baseFinding, compareValues, describeBuild, describeConsumer, findingBuild, normalizedRef, pushesImage, registryRef,
  related, stepKey,
} from "./shared";

export const cacheOverwritesOtherImage: Rule = {
  id: "cache-overwrites-other-image",
  title: "Registry cache exported to an image tag another build pushes",
  severity: "error",
  description:
    "A build exports a registry cache to a ref that another build (another job, workflow or repository) pushes as an " +
    "image. Whichever runs last wins: after the cache export the tag holds a BuildKit cache manifest, and everyone " +
    "who pulls the image gets \"manifest unknown\" or \"unsupported media type\" instead of the image.",
  example: {
    bad: [
      "jobs:",
      "  release:",
      "    steps:",
      "      - uses: docker/build-push-action@v6",
      "        with: { push: true, tags: ghcr.io/org/app:latest }",
      "  ci:",
      "    steps:",
      "      - uses: docker/build-push-action@v6",
      "        with:",
      "          cache-to: type=registry,ref=ghcr.io/org/app:latest",
    ].join("\n"),
    good: [
      "jobs:",
      "  release:",
      "    steps:",
      "      - uses: docker/build-push-action@v6",
      "        with: { push: true, tags: ghcr.io/org/app:latest }",
      "  ci:",
      "    steps:",
      "      - uses: docker/build-push-action@v6",
      "        with:",
      "          cache-to: type=registry,ref=ghcr.io/org/app:buildcache",
    ].join("\n"),
  },
  fix: "Give the cache its own ref (`:buildcache` or `<tag>-cache`) that no build pushes an image to.",
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    const pushed = new RefIndex<{ other: Build; tag: Value }>();
    for (const other of ctx.builds.filter(pushesImage)) for (const tag of other.tags) pushed.add(tag, { other, tag });
    for (const build of ctx.builds) {
      for (const spec of build.cacheTo) {
        const ref = registryRef(spec);
        if (!ref) continue;
        let best: Confidence | null = null;
        let hit: { other: Build; tag: Value } | undefined;
        for (const { other, tag } of pushed.candidates(ref)) {
          // The same step (any matrix combination) is cache-overwrites-image-tag's business.
          if (other === build || stepKey(other) === stepKey(build)) continue;
          const c = compareValues(ref, build.repo, tag, other.repo);
          if (c !== null && maxConfidence(best, c) !== best) {
            best = c;
            hit = { other, tag };
          }
        }
        if (best === null || !hit) continue;
        const name = normalizedRef(ref);
        const users = consumersOf(ctx, ref, build.repo);
        const pulled = users.length ? ` The image is pulled by ${users.map(describeConsumer).join("; ")}.` : "";
        const maybe = best === "low" ? "may overwrite" : "overwrites";
        const f = baseFinding(
          cacheOverwritesOtherImage,
          build.repo,
          ref,
          name,
          best,
          `cache export to ${name} ${maybe} the image that ${describeBuild(hit.other)} pushes to the same tag: ` +
            `after the export the tag holds a cache manifest, not an image.${pulled}`,
        );
        f.related = [
          related(hit.other.repo, hit.tag, `image tag ${normalizedRef(hit.tag)} pushed here`),
          ...users.map((c) => related(c.repo, c.ref, `pulled as an image (${c.kind})`)),
        ];
        const fix = separateCacheFix(ref, build.repo, ctx.builds, ctx.files);
        if (fix) f.fix = fix;
        findingBuild.set(f, build);
        out.push(f);
      }
    }
    return out;
  },
};
