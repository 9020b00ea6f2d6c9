import type { Build, CacheSpec, Confidence, Finding, Rule, RuleContext, Severity } from "../types";
import { baseFinding, compareValues, describeBuild, findingBuild, normalizedRef, registryRef } from "./shared";

/** Events whose runs have the base branch's secrets and cache scope while they may run a pull request's code. */
const PRIVILEGED = ["pull_request_target", "workflow_run", "issue_comment"];
/** Events of the builds whose cache is worth poisoning: what ships. */
const TRUSTED = ["push", "release", "schedule", "workflow_dispatch", "merge_group", "create", "registry_package"];

const GHA_DEFAULT_SCOPE = "buildkit";

function ghaScope(spec: CacheSpec): string {
  return spec.attrs.scope ?? GHA_DEFAULT_SCOPE;
}

/** The cache-from specs of trusted builds that read what `spec` writes, with how sure the match is. */
function importers(build: Build, spec: CacheSpec, all: Build[]): Array<{ build: Build; spec: CacheSpec; confidence: Confidence }> {
  const out: Array<{ build: Build; spec: CacheSpec; confidence: Confidence }> = [];
  const ref = registryRef(spec);
  for (const other of all) {
    if (other === build || !other.events?.some((e) => TRUSTED.includes(e))) continue;
    if (other.events.some((e) => PRIVILEGED.includes(e) || e === "pull_request")) continue; // not only trusted runs
    for (const from of other.cacheFrom) {
      if (spec.type === "gha") {
        // the gha cache is scoped to the repository (and the base branch for pull_request_target)
        if (from.type === "gha" && other.repo === build.repo && ghaScope(from) === ghaScope(spec) && !ghaScope(spec).includes("${{")) {
          out.push({ build: other, spec: from, confidence: "high" });
        }
        continue;
      }
      const fromRef = registryRef(from);
      if (!ref || !fromRef) continue;
      const c = compareValues(ref, build.repo, fromRef, other.repo);
      if (c) out.push({ build: other, spec: from, confidence: c });
    }
  }
  return out;
}

export const untrustedCacheWrite: Rule = {
  id: "untrusted-cache-write",
  title: "Pull-request code writes a cache that release builds import",
  severity: "error",
  description:
    "A workflow started by `pull_request_target`, `workflow_run` or `issue_comment` runs with the base branch's " +
    "credentials and GitHub Actions cache scope. When its job checks out the pull request's code, builds it and " +
    "exports a cache (to a registry, or `type=gha`) that a push, release or scheduled build imports, anyone who can " +
    "open a pull request can plant layers in the images you ship (cache poisoning). It is a warning for a " +
    "`pull_request` build that writes a registry cache a release build imports: only people with write access (or " +
    "a compromised branch) can do it. A `pull_request` build with `type=gha` is not reported: GitHub isolates a " +
    "pull request's caches to its own ref. Only imports cacheguard can see are reported.",
  example: {
    bad: [
      "on: pull_request_target",
      "jobs:",
      "  preview:",
      "    steps:",
      "      - uses: actions/checkout@v4",
      "        with: { ref: \"${{ github.event.pull_request.head.sha }}\" }",
      "      - uses: docker/build-push-action@v6",
      "        with: { cache-from: type=gha, cache-to: type=gha,mode=max }",
    ].join("\n"),
    good: [
      "on: pull_request_target",
      "jobs:",
      "  preview:",
      "    steps:",
      "      - uses: actions/checkout@v4",
      "        with: { ref: \"${{ github.event.pull_request.head.sha }}\" }",
      "      - uses: docker/build-push-action@v6",
      "        with: { cache-from: type=gha }",
    ].join("\n"),
  },
  fix: "Let pull-request builds import the release cache only (`cache-from`), and write their own cache, if any, to a separate ref or scope that no release build reads.",
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    for (const build of ctx.builds) {
      const events = build.events;
      if (!events || build.cacheTo.length === 0) continue;
      const privileged = events.some((e) => PRIVILEGED.includes(e)) && build.tools?.prCheckout !== undefined;
      const pullRequest = !privileged && events.includes("pull_request");
      if (!privileged && !pullRequest) continue;
      for (const spec of build.cacheTo) {
        if (spec.type !== "gha" && !registryRef(spec)) continue;
        if (pullRequest && spec.type === "gha") continue; // GitHub scopes PR caches to the PR's ref
        const readers = importers(build, spec, ctx.builds);
        if (readers.length === 0) continue;
        const best: Confidence = readers.some((r) => r.confidence === "high") ? "high" : readers.some((r) => r.confidence === "medium") ? "medium" : "low";
        const severity: Severity = privileged ? "error" : "warning";
        const trigger = privileged ? events.filter((e) => PRIVILEGED.includes(e)).join(", ") : "pull_request";
        const what = spec.type === "gha" ? `GitHub Actions cache scope "${ghaScope(spec)}"` : `registry cache ${normalizedRef(registryRef(spec)!)}`;
        const checkout = build.tools?.prCheckout;
        const f = baseFinding(
          untrustedCacheWrite,
          build.repo,
          spec,
          spec.type === "gha" ? `gha:${ghaScope(spec)}` : normalizedRef(registryRef(spec)!),
          best,
          `This build runs on ${trigger}${checkout ? ` with the pull request's code (checked out at line ${checkout.line})` : ""} and writes the ${what}, ` +
            `which ${[...new Set(readers.map((r) => describeBuild(r.build)))].join("; ")} imports: ` +
            (privileged
              ? "anyone who opens a pull request can plant layers in the images those builds ship."
              : "anyone with write access, or a compromised branch, can plant layers in the images those builds ship."),
          severity,
        );
        f.related = readers.map((r) => ({
          path: r.spec.span.path, line: r.spec.span.line, column: r.spec.span.column,
          message: `imports it here (${(r.build.events ?? []).join(", ")})`,
          ...(r.build.repo ? { repo: r.build.repo } : {}),
        }));
        findingBuild.set(f, build);
        out.push(f);
      }
    }
    return out;
  },
};
