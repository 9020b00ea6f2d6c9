import { parseRef } from "../compare";
import { applyEdits, unifiedDiff } from "../fix";
import { cacheDefaults, registryCacheSupport } from "../registry-cache-support";
import type { Build, CacheSpec, Confidence, Finding, Fix, Rule, RuleContext } from "../types";
import { versionBelow } from "../workflow/tools";
import { baseFinding, fileKey, findingBuild, normalizedRef, registryRef } from "./shared";

function attrFlag(spec: CacheSpec, key: string): boolean | undefined {
  const v = spec.attrs[key];
  if (v === undefined) return undefined;
  if (/^true$/i.test(v)) return true;
  if (/^false$/i.test(v)) return false;
  return undefined;
}

/** The spec with `image-manifest=true` and `oci-mediatypes=true` in place of what it says. */
function flagsFix(build: Build, spec: CacheSpec, files: Map<string, string>, needOci: boolean, description: string): Fix | undefined {
  const text = files.get(fileKey(build.repo, spec.span.path));
  if (text === undefined) return undefined;
  const written = text.slice(spec.span.offset, spec.span.endOffset);
  if (written !== spec.raw) return undefined; // quoted, folded or built from an expression: no safe edit
  let next = written;
  const set = (key: string) => {
    const re = new RegExp(`(^|,)\\s*${key}=[^,]*`);
    next = re.test(next) ? next.replace(re, `$1${key}=true`) : `${next},${key}=true`;
  };
  set("image-manifest");
  if (needOci || spec.attrs["oci-mediatypes"] !== undefined) set("oci-mediatypes");
  if (next === written) return undefined;
  return { description, diff: unifiedDiff(spec.span.path, text, applyEdits(text, [{ offset: spec.span.offset, endOffset: spec.span.endOffset, text: next }])) };
}

export const registryRejectsCacheFormat: Rule = {
  id: "registry-rejects-cache-format",
  title: "Registry cache export in a form the registry rejects",
  severity: "error",
  description:
    "BuildKit writes a registry cache either as an OCI image manifest (`image-manifest=true`, the default since " +
    "BuildKit v0.21) or as an OCI image index that lists layer blobs without platforms (`image-manifest=false`, the " +
    "default before). Amazon ECR accepts only the image-manifest form with OCI media types (`image-manifest=true," +
    "oci-mediatypes=true`); Quay, Artifactory and Google Container Registry refuse the index form (Quay answers " +
    "MANIFEST_INVALID). The export then fails, or the cache is never stored and every build starts cold. Reported " +
    "when the spec turns the needed form off, or when the job pins a BuildKit older than the release that made it " +
    "the default and the spec does not ask for it; an unpinned builder runs a current BuildKit and is not reported.",
  example: {
    bad: [
      "      - uses: docker/setup-buildx-action@v3",
      "        with: { driver-opts: image=moby/buildkit:v0.15.2 }",
      "      - uses: docker/build-push-action@v6",
      "        with:",
      "          cache-to: type=registry,ref=123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:cache,mode=max",
    ].join("\n"),
    good: [
      "      - uses: docker/setup-buildx-action@v3",
      "        with: { driver-opts: image=moby/buildkit:v0.15.2 }",
      "      - uses: docker/build-push-action@v6",
      "        with:",
      "          cache-to: type=registry,ref=123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:cache,mode=max,image-manifest=true,oci-mediatypes=true",
    ].join("\n"),
  },
  fix: "Add `image-manifest=true,oci-mediatypes=true` to the `cache-to` spec (and use BuildKit v0.12 or later, which knows the option).",
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    for (const build of ctx.builds) {
      for (const spec of build.cacheTo) {
        const ref = registryRef(spec);
        if (!ref) continue;
        const parsed = parseRef(ref);
        if (!parsed || parsed.registry === "" || parsed.registry.includes("${{") || /[\uE000-\uF8FF]/.test(parsed.registry)) continue;
        const entry = registryCacheSupport(parsed.registry);
        if (!entry) continue;
        const pinned = build.tools?.buildkit;
        const defaults = cacheDefaults(pinned?.version, versionBelow);
        const im = attrFlag(spec, "image-manifest");
        const oci = attrFlag(spec, "oci-mediatypes");
        const imInEffect = (im ?? defaults.imageManifest) && defaults.imageManifestSupported;
        const ociInEffect = oci ?? defaults.ociMediaTypes;
        const missing: string[] = [];
        if (entry.needs.imageManifest && !imInEffect) missing.push("image-manifest=true");
        if (entry.needs.ociMediaTypes && !ociInEffect) missing.push("oci-mediatypes=true");
        if (missing.length === 0) continue;
        // why the form is the wrong one: the spec says so, or the pinned BuildKit's default
        const why: string[] = [];
        if (im === false) why.push("the spec sets image-manifest=false");
        if (oci === false) why.push("the spec sets oci-mediatypes=false");
        if (pinned && im === undefined && !defaults.imageManifest) why.push(`BuildKit v${pinned.version} (pinned at ${pinned.span.path}:${pinned.span.line}) writes the index form by default`);
        if (pinned && im === true && !defaults.imageManifestSupported) why.push(`BuildKit v${pinned.version} (pinned at ${pinned.span.path}:${pinned.span.line}) predates the image-manifest option (v0.12)`);
        const confidence: Confidence = ref.resolved && !ref.speculative ? "high" : "medium";
        const f = baseFinding(
          registryRejectsCacheFormat,
          build.repo,
          spec,
          normalizedRef(ref),
          confidence,
          `Cache export to ${entry.name} (${parsed.registry}) without ${missing.join(" and ")} in effect: ${why.join("; ")}. ` +
            `${entry.symptom}, so the cache is never stored. Evidence: ${entry.evidence.join(", ")}.`,
        );
        const needsNewerBuildkit = pinned && !defaults.imageManifestSupported;
        const fix = flagsFix(
          build, spec, ctx.files, entry.needs.ociMediaTypes,
          `Write the cache as an OCI image manifest (${missing.join(", ")})${needsNewerBuildkit ? "; also move the BuildKit pin to v0.12 or later" : ""}`,
        );
        if (fix) f.fix = fix;
        if (pinned) f.related = [{ path: pinned.span.path, line: pinned.span.line, column: pinned.span.column, message: `BuildKit pinned to v${pinned.version} here`, ...(build.repo ? { repo: build.repo } : {}) }];
        findingBuild.set(f, build);
        out.push(f);
      }
    }
    return out;
  },
};
