import { parseRef, RefIndex } from "../compare";
import type { Finding, Rule, RuleContext, Value } from "../types";
import { baseFinding, compareValues, describeBuild, findingBuild, normalizedRef, registryRef } from "./shared";

const TOKEN_RE = /\$\{\{[\s\S]*?\}\}/g;

/**
 * True when a cache export with run-time parts (`app:cache-${{ github.ref_name }}`) can be the literal
 * ref read here (`app:cache-main`): each unresolved token stands for any text. A note that only ever
 * hints must not claim "never written" for the per-branch cache pattern.
 */
function templateCovers(writer: Value, literal: Value): boolean {
  const w = normalizedRef(writer);
  if (!w.includes("${{")) return false;
  const pattern = w.split(TOKEN_RE).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".+");
  return new RegExp(`^${pattern}$`).test(normalizedRef(literal));
}

export const cacheFromNeverWritten: Rule = {
  id: "cache-from-never-written",
  title: "Registry cache imported from a ref nothing writes",
  severity: "note",
  description:
    "A build imports a registry cache (`cache-from: type=registry,ref=…`) from a ref that no build writes: no " +
    "`cache-to` exports there and no image (which could carry inline cache) is pushed there. Every build misses the " +
    "cache and starts cold, usually because of a typo or a `cache-to` that was renamed. Only resolved, valid refs are checked; " +
    "a ref written by a repository outside the analysis is reported too, so treat this as a hint.",
  example: {
    bad: [
      "          cache-from: type=registry,ref=ghcr.io/org/app:cache",
      "          cache-to: type=registry,ref=ghcr.io/org/app:buildcache,mode=max",
    ].join("\n"),
    good: [
      "          cache-from: type=registry,ref=ghcr.io/org/app:buildcache",
      "          cache-to: type=registry,ref=ghcr.io/org/app:buildcache,mode=max",
    ].join("\n"),
  },
  fix: "Import from the ref the `cache-to` writes, or add a `cache-to` that writes this ref.",
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    const written = new RefIndex<{ repo?: string; v: Value; cache: boolean }>();
    for (const b of ctx.builds) {
      for (const s of b.cacheTo) {
        const r = registryRef(s);
        if (r) written.add(r, { repo: b.repo, v: r, cache: true });
      }
      // Any image tag, pushed or loaded, may carry inline cache: count it as written to keep this note quiet.
      for (const t of b.tags) written.add(t, { repo: b.repo, v: t, cache: false });
    }
    for (const build of ctx.builds) {
      for (const spec of build.cacheFrom) {
        const ref = registryRef(spec);
        if (!ref || !ref.resolved || ref.speculative) continue;
        // Text that is no valid ref (`app:cache-linux/amd64` from a `matrix.platform`) names no registry tag
        // to look for: a cache-to of the same text is no "writer" the index can find, yet it is the same ref.
        if (!parseRef(ref)) continue;
        const candidates = written.candidates(ref);
        if (candidates.some((w) => compareValues(ref, build.repo, w.v, w.repo) !== null || (w.cache && templateCovers(w.v, ref)))) continue;
        const name = normalizedRef(ref);
        const f = baseFinding(
          cacheFromNeverWritten,
          build.repo,
          ref,
          name,
          "high",
          `cache import from ${name} in ${describeBuild(build)} reads a ref that no analyzed build writes ` +
            `(no cache-to, no image push there): the cache always misses.`,
        );
        findingBuild.set(f, build);
        out.push(f);
      }
    }
    return out;
  },
};
