import { applyEdits, unifiedDiff } from "../fix";
import type { Build, Finding, Fix, Rule, RuleContext } from "../types";
import { baseFinding, fileKey, findingBuild } from "./shared";

const MENTIONS_RUNTIME = /ACTIONS_RUNTIME_TOKEN|ACTIONS_RESULTS_URL|ghaction-github-runtime/;

/** Insert `- uses: crazy-max/ghaction-github-runtime@v3` before the step that runs the build. */
function runtimeStepFix(build: Build, files: Map<string, string>): Fix | undefined {
  if (build.via?.length || build.path !== build.workflow) return undefined; // a script or action: the step is elsewhere
  const text = files.get(fileKey(build.repo, build.path));
  if (text === undefined) return undefined;
  // the step's `- ` item: the nearest line at or above the build's line that opens a sequence item
  const lines = text.split("\n");
  let offset = 0;
  const starts: number[] = [];
  for (const l of lines) {
    starts.push(offset);
    offset += l.length + 1;
  }
  for (let i = build.span.line - 1; i >= 0; i--) {
    const m = /^(\s*)-\s+\S/.exec(lines[i]);
    if (!m) continue;
    if (!/^\s*-\s+(?:run|name|id|if|env|shell|working-directory|continue-on-error|timeout-minutes)\s*:/.test(lines[i])) return undefined;
    const insert = `${m[1]}- uses: crazy-max/ghaction-github-runtime@v3\n`;
    return {
      description: "Expose the Actions runtime token to the build with crazy-max/ghaction-github-runtime",
      diff: unifiedDiff(build.path, text, applyEdits(text, [{ offset: starts[i], endOffset: starts[i], text: insert }])),
    };
  }
  return undefined;
}

export const ghaCacheTokenMissing: Rule = {
  id: "gha-cache-token-missing",
  title: "type=gha cache in a run step that never gets the cache service token",
  severity: "warning",
  description:
    "The GitHub Actions cache backend needs `ACTIONS_RUNTIME_TOKEN` and `ACTIONS_RESULTS_URL`. The runner gives them " +
    "to actions (build-push-action and bake-action pass them on), but not to `run:` steps: `docker buildx build " +
    "--cache-to type=gha` in a shell step, a script or a Makefile it runs, never reaches the cache, so every build " +
    "starts cold (buildx may only warn). Reported when no earlier step of the job exposes them " +
    "(crazy-max/ghaction-github-runtime, or an export of ACTIONS_RUNTIME_TOKEN), the workflow does not pass them " +
    "itself, and the spec carries no `token=`.",
  example: {
    bad: [
      "      - uses: docker/setup-buildx-action@v3",
      "      - run: docker buildx build --cache-from type=gha --cache-to type=gha,mode=max .",
    ].join("\n"),
    good: [
      "      - uses: docker/setup-buildx-action@v3",
      "      - uses: crazy-max/ghaction-github-runtime@v3",
      "      - run: docker buildx build --cache-from type=gha --cache-to type=gha,mode=max .",
    ].join("\n"),
  },
  fix: "Add `- uses: crazy-max/ghaction-github-runtime@v3` before the step, or use docker/build-push-action or docker/bake-action.",
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    for (const build of ctx.builds) {
      if (build.source !== "run" || build.tools?.ghaRuntime) continue;
      const spec = [...build.cacheTo, ...build.cacheFrom].find((s) => s.type === "gha" && s.attrs.token === undefined);
      if (!spec) continue;
      // the workflow (or the script) passes the token some way cacheguard does not follow: say nothing
      const texts = [build.workflow, build.path].map((p) => ctx.files.get(fileKey(build.repo, p)) ?? "");
      if (texts.some((t) => MENTIONS_RUNTIME.test(t))) continue;
      const f = baseFinding(
        ghaCacheTokenMissing,
        build.repo,
        spec,
        "gha:" + (spec.attrs.scope ?? "buildkit"),
        "high",
        "This `type=gha` cache is used by a command in a `run:` step, which the runner does not give ACTIONS_RUNTIME_TOKEN " +
          "and ACTIONS_RESULTS_URL: the cache is never read or written, and every build starts cold.",
      );
      const fix = runtimeStepFix(build, ctx.files);
      if (fix) f.fix = fix;
      findingBuild.set(f, build);
      out.push(f);
    }
    return out;
  },
};
