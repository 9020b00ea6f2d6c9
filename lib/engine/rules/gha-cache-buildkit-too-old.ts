import { applyEdits, unifiedDiff } from "../fix";
import type { Finding, Fix, Rule, RuleContext } from "../types";
import { versionBelow } from "../workflow/tools";
import { baseFinding, fileKey, findingBuild } from "./shared";

/** The first BuildKit and buildx releases that speak GitHub's cache service v2 (v1 shut down on 2025-04-15). */
export const MIN_BUILDKIT = "0.20.0";
export const MIN_BUILDX = "0.21.0";

/** Move a `moby/buildkit:vX` pin to the first release that speaks cache service v2. */
function pinFix(files: Map<string, string>, repo: string | undefined, at: { path: string; offset: number; endOffset: number }, version: string): Fix | undefined {
  const text = files.get(fileKey(repo, at.path));
  if (text === undefined) return undefined;
  const written = text.slice(at.offset, at.endOffset);
  const re = new RegExp(`(moby/buildkit:)v?${version.replace(/\./g, "\\.")}`);
  if (!re.test(written)) return undefined;
  const next = written.replace(re, `$1v${MIN_BUILDKIT}`);
  return {
    description: `Pin BuildKit v${MIN_BUILDKIT} or later (or drop the pin)`,
    diff: unifiedDiff(at.path, text, applyEdits(text, [{ offset: at.offset, endOffset: at.endOffset, text: next }])),
  };
}

export const ghaCacheBuildkitTooOld: Rule = {
  id: "gha-cache-buildkit-too-old",
  title: "GitHub Actions cache with a BuildKit that only speaks the retired cache service",
  severity: "error",
  description:
    "GitHub shut down version 1 of its Actions cache service on April 15, 2025. `type=gha` cache import and export " +
    "need BuildKit v0.20.0 and buildx v0.21.0 or later, which speak version 2; with an older builder the build fails " +
    "(\"This legacy service is shutting down\") or runs without its cache. Reported when the job pins BuildKit " +
    "(`driver-opts: image=moby/buildkit:v0.x`, `docker buildx create --driver-opt image=…`) or buildx " +
    "(setup-buildx-action `version:`) below those releases and a build uses `type=gha`. An unpinned builder is current.",
  example: {
    bad: [
      "      - uses: docker/setup-buildx-action@v3",
      "        with: { driver-opts: image=moby/buildkit:v0.16.0 }",
      "      - uses: docker/build-push-action@v6",
      "        with: { cache-from: type=gha, cache-to: type=gha,mode=max }",
    ].join("\n"),
    good: [
      "      - uses: docker/setup-buildx-action@v3",
      "        with: { driver-opts: image=moby/buildkit:v0.20.0 }",
      "      - uses: docker/build-push-action@v6",
      "        with: { cache-from: type=gha, cache-to: type=gha,mode=max }",
    ].join("\n"),
  },
  fix: "Drop the BuildKit and buildx pins, or pin BuildKit v0.20.0 and buildx v0.21.0 or later.",
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    for (const build of ctx.builds) {
      const tools = build.tools;
      if (!tools?.buildkit && !tools?.buildx) continue;
      const oldKit = tools.buildkit && versionBelow(tools.buildkit.version, MIN_BUILDKIT) ? tools.buildkit : undefined;
      const oldX = tools.buildx && versionBelow(tools.buildx.version, MIN_BUILDX) ? tools.buildx : undefined;
      if (!oldKit && !oldX) continue;
      const spec = [...build.cacheTo, ...build.cacheFrom].find((s) => s.type === "gha");
      if (!spec) continue;
      const pins = [
        ...(oldKit ? [`BuildKit v${oldKit.version} (pinned at ${oldKit.span.path}:${oldKit.span.line})`] : []),
        ...(oldX ? [`buildx v${oldX.version} (pinned at ${oldX.span.path}:${oldX.span.line})`] : []),
      ];
      const f = baseFinding(
        ghaCacheBuildkitTooOld,
        build.repo,
        spec,
        "gha:" + (spec.attrs.scope ?? "buildkit"),
        "high",
        `This build uses the GitHub Actions cache with ${pins.join(" and ")}, which only speak${pins.length > 1 ? "" : "s"} the cache service v1 GitHub shut down on April 15, 2025: ` +
          `the build fails or runs without its cache. BuildKit v${MIN_BUILDKIT} and buildx v${MIN_BUILDX} speak v2.`,
      );
      f.related = [oldKit, oldX].filter((p): p is NonNullable<typeof p> => !!p).map((p) => ({
        path: p.span.path, line: p.span.line, column: p.span.column, message: `pinned to v${p.version} here`, ...(build.repo ? { repo: build.repo } : {}),
      }));
      const fix = oldKit && !oldX && oldKit.span.path === spec.span.path ? pinFix(ctx.files, build.repo, oldKit.span, oldKit.version) : undefined;
      if (fix) f.fix = fix;
      findingBuild.set(f, build);
      out.push(f);
    }
    return out;
  },
};
