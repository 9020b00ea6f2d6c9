import type { Build, CacheSpec, Confidence, Finding, Rule, RuleContext } from "../types";
import { ghaScopeFix } from "../fix";
import { baseFinding, describeBuild, fileKey, findingBuild, stepKey } from "./shared";

const DEFAULT_SCOPE = "buildkit";

export const ghaCacheScopeShared: Rule = {
  id: "gha-cache-scope-shared",
  title: "Several builds export GitHub Actions cache to the same scope",
  severity: "warning",
  description:
    "Two or more builds in a repository export `type=gha` cache to the same scope (the default scope is " +
    "`buildkit`). Each export replaces the scope's cache index, so the builds evict each other's cache and every " +
    "run starts cold. A matrix build whose scope does not vary with the matrix shares one scope across combinations. " +
    "Builds of one recipe (same context, Dockerfile, target, platforms and build args, such as a pull-request check " +
    "and the release of the same image) may share a scope: they leave each other the cache they need.",
  example: {
    bad: [
      "      - uses: docker/build-push-action@v6",
      "        with: { context: api, cache-to: type=gha }",
      "      - uses: docker/build-push-action@v6",
      "        with: { context: web, cache-to: type=gha }",
    ].join("\n"),
    good: [
      "      - uses: docker/build-push-action@v6",
      "        with: { context: api, cache-from: type=gha,scope=api, cache-to: type=gha,scope=api }",
      "      - uses: docker/build-push-action@v6",
      "        with: { context: web, cache-from: type=gha,scope=web, cache-to: type=gha,scope=web }",
    ].join("\n"),
  },
  fix: "Give each build (and each matrix combination) its own `scope=` in both `cache-to` and `cache-from`.",
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    const takenScopes = new Set<string>();
    const fixes = new Map<string, ReturnType<typeof ghaScopeFix>>();
    const groups = new Map<string, Array<{ build: Build; spec: CacheSpec }>>();
    for (const build of ctx.builds) {
      for (const spec of build.cacheTo) {
        if (spec.type !== "gha") continue;
        const scope = spec.attrs.scope ?? DEFAULT_SCOPE;
        const key = `${build.repo ?? ""}\u0000${scope}`;
        const list = groups.get(key) ?? [];
        list.push({ build, spec });
        groups.set(key, list);
      }
    }
    for (const [key, list] of groups) {
      const scope = key.split("\u0000")[1];
      const writers = new Set(list.map((w) => w.build.id));
      if (writers.size < 2) continue;
      const tokenScope = scope.includes("${{");
      const filesInvolved = new Set(list.map((w) => fileKey(w.build.repo, w.spec.span.path)));
      // An unresolved scope such as `${{ github.workflow }}` differs between files: only trust it in one file.
      if (tokenScope && filesInvolved.size > 1) continue;
      const confidence: Confidence = tokenScope ? "medium" : "high";
      for (const w of list) {
        // Builds of the same recipe (a PR check and the release building one Dockerfile) share a scope
        // on purpose: whichever exports last leaves the cache the other needs.
        const rivals = list.filter((o) => o.build.id !== w.build.id && !(w.build.recipe !== undefined && o.build.recipe === w.build.recipe));
        if (rivals.length === 0) continue;
        const others = rivals.filter((o) => stepKey(o.build) !== stepKey(w.build));
        const sameStep = others.length === 0;
        const whom = sameStep
          ? "every matrix combination of this build"
          : [...new Set(others.map((o) => describeBuild(o.build)))].join("; ");
        const f = baseFinding(
          ghaCacheScopeShared,
          w.build.repo,
          w.spec,
          `gha:${scope}`,
          confidence,
          `type=gha cache scope "${scope}"${w.spec.attrs.scope === undefined ? " (the default)" : ""} is also ` +
            `exported by ${whom}: each export replaces the scope's cache, so the builds evict each other.`,
        );
        f.related = others
          .filter((o) => o.spec.span.path !== w.spec.span.path || o.spec.span.offset !== w.spec.span.offset)
          .filter((o, i, a) => a.findIndex((x) => x.spec.span.offset === o.spec.span.offset && x.spec.span.path === o.spec.span.path) === i)
          .map((o) => {
            const r: NonNullable<Finding["related"]>[number] = {
              path: o.spec.span.path,
              line: o.spec.span.line,
              column: o.spec.span.column,
              message: `also exports gha cache scope "${scope}"`,
            };
            if (o.build.repo) r.repo = o.build.repo;
            return r;
          });
        // A spec written once for several builds (bake `set: *.cache-to=type=gha`) cannot take one
        // build's scope: editing it would move them all to that scope together. Say so, offer no diff.
        const sharedSpec = others.some(
          (o) => o.spec.span.path === w.spec.span.path && o.spec.span.offset === w.spec.span.offset,
        );
        if (sharedSpec) {
          f.message += " The spec is written once for all of them: give each build its own `scope=` instead.";
        }
        // One fix per step: matrix copies of the step share it (and the scope name it takes).
        const k = stepKey(w.build);
        if (!fixes.has(k)) fixes.set(k, tokenScope || sharedSpec ? undefined : ghaScopeFix(w.build, scope, ctx.files, takenScopes));
        const fix = fixes.get(k);
        if (fix) f.fix = fix;
        findingBuild.set(f, w.build);
        out.push(f);
      }
    }
    return out;
  },
};
