import { separateCacheFix } from "../fix";
import type { Build, Finding, Rule, RuleContext } from "../types";
import { ownTagHit } from "./cache-overwrites-image-tag";
import { imageCollisions } from "./cache-overwrites-other-image";
import { writesImplicitLatest } from "./cache-ref-implicit-latest";
import { baseFinding, describeBuild, findingBuild, normalizedRef, registryRef, related, sameJob } from "./shared";

/** How the later push follows the export, for the message. */
function orderText(build: Build, later: Build): string {
  return sameJob(build, later)
    ? "a later step of the same job"
    : `job "${later.job}" waits for this one through \`needs:\``;
}

export const cacheOverwrittenByImage: Rule = {
  id: "cache-overwritten-by-image",
  title: "Registry cache exported to a tag a later step pushes as an image",
  severity: "warning",
  description:
    "A build exports a registry cache to a tag that a later build of the same run pushes as an image: a later step " +
    "of the same job, or a job that `needs:` this one. The image push replaces the cache, so the image is fine at the " +
    "end of the run, but the cache is thrown away every time: the next run's `cache-from` finds an image, not a " +
    "cache, and starts cold. Between the export and the push the tag holds a BuildKit cache manifest, and a pull in " +
    "that window fails. A push that is not ordered after the export (a parallel job, another workflow, a `push:` " +
    "decided at run time) or that comes before it is `cache-overwrites-other-image`, an error. A cache ref without a " +
    "tag is `cache-ref-implicit-latest`'s business.",
  example: {
    bad: [
      "jobs:",
      "  test:",
      "    steps:",
      "      - uses: docker/build-push-action@v6",
      "        with: { push: false, cache-to: type=registry,ref=ghcr.io/org/app:main }",
      "  release:",
      "    needs: test",
      "    steps:",
      "      - uses: docker/build-push-action@v6",
      "        with: { push: true, tags: ghcr.io/org/app:main, cache-from: type=registry,ref=ghcr.io/org/app:main }",
    ].join("\n"),
    good: [
      "jobs:",
      "  test:",
      "    steps:",
      "      - uses: docker/build-push-action@v6",
      "        with: { push: false, cache-to: type=registry,ref=ghcr.io/org/app:main-cache }",
      "  release:",
      "    needs: test",
      "    steps:",
      "      - uses: docker/build-push-action@v6",
      "        with: { push: true, tags: ghcr.io/org/app:main, cache-from: type=registry,ref=ghcr.io/org/app:main-cache }",
    ].join("\n"),
  },
  fix:
    "Export the cache to a ref of its own (`<tag>-cache` or `:buildcache`) and import it from there, so the image " +
    "push no longer replaces it.",
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    for (const build of ctx.builds) {
      for (const spec of build.cacheTo) {
        const ref = registryRef(spec);
        // Own tags and pushes that may land after the cache are errors the collision rules report.
        if (!ref || writesImplicitLatest(ref) || ownTagHit(build, ref)) continue;
        const { race, later } = imageCollisions(ctx.builds, build, ref);
        if (race || !later) continue;
        const name = normalizedRef(ref);
        const is = later.confidence === "low" ? "may be" : "is";
        const f = baseFinding(
          cacheOverwrittenByImage,
          build.repo,
          ref,
          name,
          later.confidence,
          `cache export to ${name} ${is} overwritten by the image that ${describeBuild(later.other)} pushes to the same ` +
            `tag later in the run (${orderText(build, later.other)}): the cache is thrown away every run, and until ` +
            "the push the tag holds a cache manifest, not an image.",
        );
        f.related = [related(later.other.repo, later.tag, `image tag ${normalizedRef(later.tag)} pushed here, after the export`)];
        const fix = separateCacheFix(ref, build.repo, ctx.builds, ctx.files);
        if (fix) f.fix = fix;
        findingBuild.set(f, build);
        out.push(f);
      }
    }
    return out;
  },
};
