import { maxConfidence, minConfidence, RefIndex } from "../compare";
import type { Build, Confidence, Finding, Rule, RuleContext, Value } from "../types";
import {
  baseFinding, compareValues, describeBuild, describeConsumer, normalizedRef, pushesImage, registryRef,
  related,
} from "./shared";

export const cacheRefUsedAsImage: Rule = {
  id: "cache-ref-used-as-image",
  title: "Cache-only ref pulled or run as an image",
  severity: "error",
  description:
    "A ref only ever receives a registry cache export (some build writes `cache-to` there, no build pushes an image " +
    "there), yet a workflow pulls or runs it as an image (`docker run`, `docker pull`, a job or service container, " +
    "`uses: docker://`). A BuildKit cache manifest is not an image: the pull fails with \"manifest unknown\", " +
    "\"no matching manifest\" or \"unsupported media type application/vnd.buildkit.cacheconfig.v0\".",
  example: {
    bad: [
      "      - uses: docker/build-push-action@v6",
      "        with:",
      "          cache-to: type=registry,ref=ghcr.io/org/app:cache",
      "      - run: docker run ghcr.io/org/app:cache",
    ].join("\n"),
    good: [
      "      - uses: docker/build-push-action@v6",
      "        with:",
      "          push: true",
      "          tags: ghcr.io/org/app:test",
      "          cache-to: type=registry,ref=ghcr.io/org/app:cache",
      "      - run: docker run ghcr.io/org/app:test",
    ].join("\n"),
  },
  fix: "Run the image tag the build pushes (`tags:`), not the cache ref; or push an image to that tag.",
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    const writers = new RefIndex<{ build: Build; ref: Value }>();
    for (const build of ctx.builds) {
      for (const spec of build.cacheTo) {
        const ref = registryRef(spec);
        if (ref) writers.add(ref, { build, ref });
      }
    }
    const images = new RefIndex<{ build: Build; tag: Value }>();
    for (const b of ctx.builds.filter(pushesImage)) for (const t of b.tags) images.add(t, { build: b, tag: t });
    for (const consumer of ctx.consumers) {
      let best: Confidence | null = null;
      let hit: { build: Build; ref: Value } | undefined;
      for (const w of writers.candidates(consumer.ref)) {
        const c = compareValues(consumer.ref, consumer.repo, w.ref, w.build.repo);
        if (c !== null && maxConfidence(best, c) !== best) {
          best = c;
          hit = w;
        }
      }
      if (best === null || !hit) continue;
      // Any image push that may land on the ref means it is not cache-only (the collision rules speak then).
      if (images.candidates(consumer.ref).some((i) => compareValues(consumer.ref, consumer.repo, i.tag, i.build.repo) !== null)) continue;
      const name = normalizedRef(consumer.ref);
      const f = baseFinding(
        cacheRefUsedAsImage,
        consumer.repo,
        consumer.ref,
        name,
        minConfidence(best, consumer.ref.resolved ? "high" : "medium"),
        `${name} is used as an image (${describeConsumer(consumer)}) but only ever receives a BuildKit cache ` +
          `export (cache-to in ${describeBuild(hit.build)}); no build pushes an image there, so the pull fails.`,
      );
      f.related = [related(hit.build.repo, hit.ref, `cache exported to ${normalizedRef(hit.ref)} here`)];
      out.push(f);
    }
    return out;
  },
};
