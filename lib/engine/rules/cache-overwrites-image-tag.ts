import { maxConfidence, RefIndex } from "../compare";
import { separateCacheFix } from "../fix";
import type { Build, Confidence, Consumer, Finding, Rule, RuleContext, Value } from "../types";
import {
  baseFinding, compareValues, describeConsumer, findingBuild, normalizedRef, pushesImage, registryRef, related,
} from "./shared";

/** The consumers of one rule run by ref bucket, indexed once (three rules ask for each cache export). */
const consumerIndex = new WeakMap<Consumer[], RefIndex<Consumer>>();

/**
 * Consumers that pull a ref, as "docker run at path:line:col" phrases, for the message. compareRefs never
 * matches across buckets, so the ref's bucket holds every one (in the order of ctx.consumers).
 */
export function consumersOf(ctx: RuleContext, ref: Value, repo: string | undefined): Consumer[] {
  let index = consumerIndex.get(ctx.consumers);
  if (!index) {
    index = new RefIndex();
    for (const c of ctx.consumers) index.add(c.ref, c);
    consumerIndex.set(ctx.consumers, index);
  }
  return index.candidates(ref).filter((c) => compareValues(c.ref, c.repo, ref, repo) !== null);
}

/**
 * The build's own image tag that its cache export `ref` lands on (the most confident match), or null.
 * Other rules ask this too, so that a spec this rule reports is not reported again by them.
 */
export function ownTagHit(build: Build, ref: Value): { tag: Value; confidence: Confidence } | null {
  if (!pushesImage(build)) return null;
  let best: Confidence | null = null;
  let tag: Value | undefined;
  for (const t of build.tags) {
    const c = compareValues(ref, build.repo, t, build.repo);
    if (c !== null && maxConfidence(best, c) !== best) {
      best = c;
      tag = t;
    }
  }
  return best !== null && tag ? { tag, confidence: best } : null;
}

export const cacheOverwritesImageTag: Rule = {
  id: "cache-overwrites-image-tag",
  title: "Registry cache exported to the build's own image tag",
  severity: "error",
  description:
    "A build pushes an image to a tag and also exports a registry cache (`cache-to: type=registry`) to that same tag. " +
    "BuildKit writes the cache after the image, so the tag ends up holding a cache manifest " +
    "(`application/vnd.buildkit.cacheconfig.v0`) instead of a runnable image: `docker run` or `docker pull` of the tag " +
    "fails with \"manifest unknown\", \"no matching manifest for linux/amd64\" or \"unsupported media type\", " +
    "while `docker buildx imagetools inspect` still shows a manifest. Docker's docs say the cache ref may be anything " +
    "as long as it is not the location the image is pushed to.",
  example: {
    bad: [
      "- uses: docker/build-push-action@v6",
      "  with:",
      "    push: true",
      "    tags: ghcr.io/org/app:test",
      "    cache-from: type=registry,ref=ghcr.io/org/app:test",
      "    cache-to: type=registry,ref=ghcr.io/org/app:test,mode=max",
    ].join("\n"),
    good: [
      "- uses: docker/build-push-action@v6",
      "  with:",
      "    push: true",
      "    tags: ghcr.io/org/app:test",
      "    cache-from: type=registry,ref=ghcr.io/org/app:test-cache",
      "    cache-to: type=registry,ref=ghcr.io/org/app:test-cache,mode=max",
    ].join("\n"),
  },
  fix:
    "Export the cache to a ref of its own, such as `<tag>-cache` or `:buildcache`, in `cache-to` and in the " +
    "`cache-from` that reads it. The image tag then keeps the image.",
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    for (const build of ctx.builds) {
      if (!pushesImage(build)) continue;
      for (const spec of build.cacheTo) {
        const ref = registryRef(spec);
        if (!ref) continue;
        const hit = ownTagHit(build, ref);
        if (!hit) continue;
        const { confidence: best, tag } = hit;
        const name = normalizedRef(ref);
        const users = consumersOf(ctx, ref, build.repo);
        const pulled = users.length
          ? ` It is then pulled as an image (${users.map(describeConsumer).join("; ")}), which fails.`
          : "";
        const maybe = best === "low" ? " may" : "";
        const f = baseFinding(
          cacheOverwritesImageTag,
          build.repo,
          ref,
          name,
          best,
          `cache export to ${name}${maybe} overwrite${maybe ? "" : "s"} the image this build pushes to the same tag: ` +
            `BuildKit writes the cache after the image, so the tag is replaced by a cache manifest.${pulled}`,
        );
        f.related = [
          related(build.repo, tag, `image tag ${normalizedRef(tag)} pushed here`),
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
