import { maxConfidence, RefIndex } from "../compare";
import { separateCacheFix } from "../fix";
import type { Build, Confidence, Finding, Rule, RuleContext, Value } from "../types";
import { consumersOf } from "./cache-overwrites-image-tag";
import {
  baseFinding, compareValues, describeBuild, describeConsumer, findingBuild, normalizedRef, pushesImage, registryRef,
  related, runsBefore, sameJob, stepKey, surelyPushes,
} from "./shared";

/** Another build's image push that lands on the ref a cache export writes. */
export interface ImageHit {
  other: Build;
  tag: Value;
  confidence: Confidence;
  /**
   * How the push and the export are ordered: `push-first` (the push runs before the export in the same run:
   * the cache certainly lands last), `maybe-later` (after it, when a push decided at run time happens),
   * `later` (after it, in every run), `parallel` (not ordered: separate jobs, combinations or workflows).
   */
  order: "push-first" | "maybe-later" | "later" | "parallel";
}

const ORDER_RANK: Record<ImageHit["order"], number> = { parallel: 0, "maybe-later": 1, "push-first": 2, later: 3 };

/** The pushed tags of one rule run, indexed once (every collision rule asks for each cache export). */
const pushedIndex = new WeakMap<Build[], RefIndex<{ other: Build; tag: Value }>>();

function pushedTags(builds: Build[]): RefIndex<{ other: Build; tag: Value }> {
  let index = pushedIndex.get(builds);
  if (!index) {
    index = new RefIndex();
    for (const other of builds.filter(pushesImage)) for (const tag of other.tags) index.add(tag, { other, tag });
    pushedIndex.set(builds, index);
  }
  return index;
}

/**
 * Other builds' image pushes onto the tag that `build`'s cache export `ref` writes, by run order (each the
 * most confident match):
 * - `later`: a build that runs after this one in the same run and pushes in every run. The image lands
 *   last; the cache is thrown away (cache-overwritten-by-image).
 * - `race`: every other push: one in a job that does not wait (whichever finishes last wins), one that runs
 *   first (the cache lands last), or a later push decided at run time (it may not happen).
 * The same step's matrix copies are cache-overwrites-image-tag's business, as are the build's own tags.
 */
export function imageCollisions(builds: Build[], build: Build, ref: Value): Collisions {
  // Three rules ask this for every cache export of a run: answer each (build, ref) once.
  let perBuild = collisionMemo.get(builds);
  if (!perBuild) collisionMemo.set(builds, (perBuild = new Map()));
  // (a matrix copy of a build shares its cache specs, so the ref alone is no key)
  let perRef = perBuild.get(build);
  if (!perRef) perBuild.set(build, (perRef = new Map()));
  let hit = perRef.get(ref);
  if (!hit) perRef.set(ref, (hit = collisionsOf(builds, build, ref)));
  return hit;
}

type Collisions = { race?: ImageHit; later?: ImageHit };

const collisionMemo = new WeakMap<Build[], Map<Build, Map<Value, Collisions>>>();

function collisionsOf(builds: Build[], build: Build, ref: Value): Collisions {
  const out: Collisions = {};
  const own = stepKey(build);
  for (const { other, tag } of pushedTags(builds).candidates(ref)) {
    if (other === build || stepKey(other) === own) continue;
    const c = compareValues(ref, build.repo, tag, other.repo);
    if (c === null) continue;
    const after = runsBefore(build, other);
    const order: ImageHit["order"] = after
      ? (surelyPushes(other) ? "later" : "maybe-later")
      : runsBefore(other, build) ? "push-first" : "parallel";
    const kind = order === "later" ? "later" : "race";
    const prev = out[kind];
    // Most confident first; at equal confidence a known order beats a guessed one (it says more).
    if (!prev || maxConfidence(prev.confidence, c) !== prev.confidence || (prev.confidence === c && ORDER_RANK[order] > ORDER_RANK[prev.order])) {
      out[kind] = { other, tag, confidence: c, order };
    }
  }
  return out;
}

/** The message's account of the order, after "… pushes ". */
const WHY: Record<ImageHit["order"], (build: Build, other: Build) => string> = {
  "push-first": () =>
    "there earlier in the same run: the cache export lands after the image, so the tag holds a cache manifest.",
  "maybe-later": () =>
    "there later in the run, but only when its `push:` (decided at run time) is true: in the other runs the tag " +
    "keeps the cache manifest, not an image.",
  parallel: (build, other) =>
    "to the same tag: after the export the tag holds a cache manifest, not an image." +
    (sameJob(build, other) && build.matrix && JSON.stringify(build.matrix) !== JSON.stringify(other.matrix)
      ? " Matrix combinations run in parallel, so another combination's export can land last."
      : ""),
  // never a race: cache-overwritten-by-image reports it
  later: () => "there later in the run.",
};

export const cacheOverwritesOtherImage: Rule = {
  id: "cache-overwrites-other-image",
  title: "Registry cache exported to an image tag another build pushes",
  severity: "error",
  description:
    "A build exports a registry cache to a ref that another build (another job, workflow or repository) pushes as an " +
    "image. When the two are not ordered (parallel jobs, separate workflows) whichever runs last wins; when the image " +
    "is pushed first in the same run, the cache always lands last. After the cache export the tag holds a BuildKit " +
    "cache manifest, and everyone who pulls the image gets \"manifest unknown\" or \"unsupported media type\" " +
    "instead of the image. An image push that surely comes after the export (a later step of the same job, or a job " +
    "that `needs:` it) is `cache-overwritten-by-image` instead.",
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
    for (const build of ctx.builds) {
      for (const spec of build.cacheTo) {
        const ref = registryRef(spec);
        if (!ref) continue;
        const hit = imageCollisions(ctx.builds, build, ref).race;
        if (!hit) continue;
        const best = hit.confidence;
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
          `cache export to ${name} ${maybe} the image that ${describeBuild(hit.other)} pushes ${WHY[hit.order](build, hit.other)}${pulled}`,
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
