import { confidenceRank, parseRef } from "../compare";
import { separateCacheFix } from "../fix";
import type { Confidence, Finding, Rule, RuleContext, Value } from "../types";
import { consumersOf, ownTagHit } from "./cache-overwrites-image-tag";
import { imageCollisions } from "./cache-overwrites-other-image";
import { baseFinding, compareValues, describeBuild, describeConsumer, findingBuild, normalizedRef, registryRef, related } from "./shared";

const TOKEN_RE = /\$\{\{[\s\S]*?\}\}/g;

/**
 * True when the ref as evaluated names no tag and no digest, so a registry writes it to `:latest`. Read
 * from the evaluated text, never from the normalized form (which always carries a tag). A name whose last
 * path component holds an unresolved expression may carry its tag inside it: not known to lack one.
 */
export function writesImplicitLatest(ref: Value): boolean {
  const text = ref.text.trim();
  if (!parseRef(ref)) return false;
  const masked = text.includes("${{") ? text.replace(TOKEN_RE, (m) => "\u0000".repeat(m.length)) : text;
  if (masked.includes("@")) return false;
  const last = masked.slice(masked.lastIndexOf("/") + 1);
  return !last.includes("\u0000") && !last.includes(":") && last.length > 0;
}

function strong(c: Confidence | null | undefined): boolean {
  return c !== null && c !== undefined && confidenceRank(c) >= confidenceRank("medium");
}

export const cacheRefImplicitLatest: Rule = {
  id: "cache-ref-implicit-latest",
  title: "Registry cache ref without a tag writes :latest",
  severity: "warning",
  description:
    "A registry cache export (`cache-to: type=registry,ref=…`) names a repository but no tag, so the registry " +
    "stores the cache manifest as `:latest`, the tag `docker pull` and `docker run` take when none is given. Anyone " +
    "who pulls the image without a tag gets a BuildKit cache (\"unsupported media type " +
    "application/vnd.buildkit.cacheconfig.v0\"). It is an error when a workflow pulls or runs that `:latest`, or a " +
    "later build of the same run pushes the image there (until it does, `:latest` holds the cache, and the cache is " +
    "thrown away every run). A spec whose cache lands on an image push the collision rules see " +
    "(`cache-overwrites-image-tag`, `cache-overwrites-other-image`) is reported by them only. A ref that is wholly an " +
    "unresolved expression is not known to lack a tag and is not reported.",
  example: {
    bad: [
      "      - uses: docker/build-push-action@v6",
      "        with:",
      "          push: false",
      "          cache-from: type=registry,ref=ghcr.io/org/app",
      "          cache-to: type=registry,ref=ghcr.io/org/app,mode=max",
    ].join("\n"),
    good: [
      "      - uses: docker/build-push-action@v6",
      "        with:",
      "          push: false",
      "          cache-from: type=registry,ref=ghcr.io/org/app:buildcache",
      "          cache-to: type=registry,ref=ghcr.io/org/app:buildcache,mode=max",
    ].join("\n"),
  },
  fix: "Give the cache ref its own tag (`:buildcache`) in `cache-to` and in the `cache-from` that reads it.",
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    for (const build of ctx.builds) {
      for (const spec of build.cacheTo) {
        const ref = registryRef(spec);
        if (!ref || !writesImplicitLatest(ref)) continue;
        // The collision rules already report this spec as an error, with the same fix.
        if (ownTagHit(build, ref)) continue;
        const { race, later } = imageCollisions(ctx.builds, build, ref);
        if (race) continue;
        const name = normalizedRef(ref);
        const users = consumersOf(ctx, ref, build.repo);
        const pulled = users.filter((c) => strong(compareValues(c.ref, c.repo, ref, build.repo)));
        const error = strong(later?.confidence) || pulled.length > 0;
        const parts = [
          `cache export to ${ref.text.trim()} names no tag, so the cache is written to ${name}, the tag a pull takes when none is given.`,
        ];
        if (later) {
          parts.push(
            `The image ${strong(later.confidence) ? "is" : "may be"} pushed there later in the run by ${describeBuild(later.other)}: ` +
              "until then the tag holds a cache manifest, not an image, and the cache is thrown away every run.",
          );
        }
        if (users.length) parts.push(`It ${pulled.length ? "is" : "may be"} pulled as an image (${users.map(describeConsumer).join("; ")}).`);
        const confidence: Confidence = ref.speculative ? "low" : ref.resolved ? "high" : "medium";
        const f = baseFinding(cacheRefImplicitLatest, build.repo, ref, name, confidence, parts.join(" "), error ? "error" : "warning");
        f.related = [
          ...(later ? [related(later.other.repo, later.tag, `image tag ${normalizedRef(later.tag)} pushed here`)] : []),
          ...users.map((c) => related(c.repo, c.ref, `pulled as an image (${c.kind})`)),
        ];
        if (f.related.length === 0) delete f.related;
        const fix = separateCacheFix(ref, build.repo, ctx.builds, ctx.files);
        if (fix) f.fix = fix;
        findingBuild.set(f, build);
        out.push(f);
      }
    }
    return out;
  },
};
