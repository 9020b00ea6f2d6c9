import { maxConfidence, minConfidence, parseRef, RefIndex } from "../compare";
import type { Build, Confidence, Finding, Rule, RuleContext, Value } from "../types";
import {
  baseFinding, compareValues, describeBuild, describeConsumer, findingConsumer, normalizedRef, pushesImage, registryRef,
  related,
} from "./shared";

const TOKEN_RE = /\$\{\{[\s\S]*?\}\}/g;

/** A pushed tag whose registry or repository is not known, so no bucket holds it. */
interface UnknownName {
  repo?: string;
  /** matches the canonical refs the tag could be (each token any text); null: any ref at all */
  pattern: RegExp | null;
}

/**
 * Pushed tags whose name compareRefs cannot place: one unresolved token for the whole name
 * (`${{ steps.meta.outputs.tags }}`, `${{ env.TAGS }}`, a shell variable, a fromJSON list), text that is
 * no single ref, or a registry/repository with a token in it (matched as a pattern).
 */
function unknownNames(builds: Build[]): UnknownName[] {
  const out: UnknownName[] = [];
  for (const b of builds.filter(pushesImage)) {
    for (const t of b.tags) {
      const r = parseRef(t);
      if (r && r.registry !== "" && !`${r.registry}/${r.repository}`.includes("${{")) continue;
      const pattern = r && r.registry !== ""
        ? new RegExp(`^${r.canonical.split(TOKEN_RE).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".+")}$`, "i")
        : null;
      out.push({ ...(b.repo ? { repo: b.repo } : {}), pattern });
    }
  }
  return out;
}

/**
 * True when a push whose name is unknown could land on `ref`. A wholly unknown name counts only in the
 * repositories involved (the consumer's and the cache writer's): a build pushes its own repository's
 * images, and one opaque tag list elsewhere in an organization must not silence the rule everywhere.
 */
function unknownPushMayHit(unknown: UnknownName[], ref: Value, repos: Array<string | undefined>): boolean {
  const r = parseRef(ref);
  if (!r) return false;
  return unknown.some((u) => (u.pattern ? u.pattern.test(r.canonical) : repos.includes(u.repo)));
}

export const cacheRefUsedAsImage: Rule = {
  id: "cache-ref-used-as-image",
  title: "Cache-only ref pulled or run as an image",
  severity: "error",
  description:
    "A ref only ever receives a registry cache export (some build writes `cache-to` there, and every build's image " +
    "tags are known not to include it), yet a workflow pulls or runs it as an image (`docker run`, `docker pull`, a " +
    "job or service container, `uses: docker://`). A BuildKit cache manifest is not an image: the pull fails with \"manifest unknown\", " +
    "\"no matching manifest\" or \"unsupported media type application/vnd.buildkit.cacheconfig.v0\". A build in the same repository whose " +
    "tags are not known (a whole tag list from an unresolved output, a shell variable, `fromJSON`) may push that " +
    "image, so the rule then says nothing.",
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
    // made when a consumer first needs it (most rule runs have a cache writer for no consumer)
    let unknown: UnknownName[] | undefined;
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
      // A push whose tags are not known may be that image: "only ever receives cache" cannot be claimed.
      if (unknownPushMayHit((unknown ??= unknownNames(ctx.builds)), consumer.ref, [consumer.repo, hit.build.repo])) continue;
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
      findingConsumer.set(f, consumer);
      out.push(f);
    }
    return out;
  },
};
