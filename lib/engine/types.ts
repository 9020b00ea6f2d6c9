/**
 * The engine's data model. The engine is pure: files and API data in, plain data out.
 * Every position is 1-based (line, column) plus 0-based character offsets into the file text,
 * so a fix can edit the exact characters that were written.
 */

export type Severity = "error" | "warning" | "note";
export type Confidence = "high" | "medium" | "low";

/** A file handed to the engine: a workflow, or a bake/compose file a workflow names. */
export interface InputFile {
  /** POSIX path relative to the checkout root, e.g. `.github/workflows/ci.yml`. */
  path: string;
  text: string;
  /** `owner/name` of the repository the file belongs to (org scans); absent for a local check. */
  repo?: string;
}

export interface Span {
  path: string;
  line: number;
  column: number;
  /** character offsets into the file text: [offset, endOffset) */
  offset: number;
  endOffset: number;
}

/**
 * A string from a workflow after `${{ }}` evaluation.
 * Unresolved expressions stay in `text` as opaque tokens written `${{ <normalized expression> }}`,
 * so two values with the same unresolved expression compare equal as strings.
 */
export interface Value {
  /** exactly as written in the source (one scalar, one shell word, or one CSV field) */
  raw: string;
  /** evaluated text */
  text: string;
  /** true when no unresolved `${{ }}` token remains in `text` */
  resolved: boolean;
  /**
   * true when this is one of several possible values (both branches of `cond && a || b`,
   * a metadata-action tag that only exists on some events): findings built on it are `low`.
   */
  speculative?: boolean;
  /** where `raw` stands in its file */
  span: Span;
}

/** One `--cache-to` / `--cache-from` spec, parsed as buildx does (CSV, any key order). */
export interface CacheSpec {
  /** `registry`, `gha`, `local`, `inline`, `s3`, `azblob`, … (a bare ref means `registry`) */
  type: string;
  /** every key=value pair of the spec, values unquoted */
  attrs: Record<string, string>;
  /** for `type=registry`: the `ref` value (span points at the ref's characters) */
  ref?: Value;
  /** the whole spec as written */
  raw: string;
  span: Span;
}

/** `bake-file`: a target of a bake or compose file no workflow was seen running (audited with its defaults) */
export type BuildSource = "build-push-action" | "bake-action" | "run" | "bake-file";

/**
 * One hop on the way from a workflow to the file a build is written in: the step that uses a composite
 * action, the job that calls a reusable workflow, the command that runs a script or `make`.
 */
export interface CallSite {
  kind: "composite-action" | "reusable-workflow" | "script" | "make";
  /** the calling file (engine path) and where the call stands in it */
  path: string;
  line: number;
  column: number;
  job: string;
  stepIndex?: number;
  stepName?: string;
  /** the calling step's `id:`, when it has one */
  stepId?: string;
  /** what was called, as written (`./.github/actions/build`, `scripts/build.sh`, `make image`) */
  target: string;
}

/**
 * What the job had set up before a build ran (steps earlier in the job, composite actions included).
 * Only what the workflow states: an unpinned builder has no version here.
 */
export interface JobTools {
  /** the BuildKit version the builder runs, when pinned (`driver-opts: image=moby/buildkit:v0.19.0`) */
  buildkit?: { version: string; span: Span };
  /** the buildx version setup-buildx-action installs, when pinned (`version: v0.20.1`) */
  buildx?: { version: string; span: Span };
  /** a step exposed the Actions runtime token to later `run:` steps (crazy-max/ghaction-github-runtime, or an export) */
  ghaRuntime?: boolean;
  /** the job checked out code of a pull request (its head ref or sha, `refs/pull/…`, `gh pr checkout`) */
  prCheckout?: Span;
}

/** One build: a build-push-action step, one bake target, or one buildx/docker build command. */
export interface Build {
  /** stable id: `<path>#<job>#<step index>[#<bake target>][#<matrix combination>]` */
  id: string;
  source: BuildSource;
  repo?: string;
  /** the file the build is written in (a workflow, or an action, script or Makefile it runs) */
  path: string;
  /**
   * The workflow file whose run executes this build: `path` for a step written in a workflow, the
   * calling workflow for builds in composite actions, reusable workflows, scripts and Makefiles.
   */
  workflow: string;
  /** how the run reached `path`, outermost call first; absent for a step written in the workflow */
  via?: CallSite[];
  /**
   * Order of the build within its job's run (steps in order, commands in a script in order). Two builds
   * of one job and matrix combination run one after the other in `seq` order.
   */
  seq: number;
  /** every job of the same run this build's job waits for (`needs:`, transitively) */
  needs: string[];
  workflowName?: string;
  job: string;
  stepIndex?: number;
  stepName?: string;
  /** the step's `id:`, when it has one (part of a finding's location key: it survives steps moving) */
  stepId?: string;
  /** the events that start the workflow run this build is part of (its `on:`; a caller's for a reusable workflow) */
  events?: string[];
  /** what the job set up before this build */
  tools?: JobTools;
  /** the matrix combination this instance of the build runs with, if the job has a matrix */
  matrix?: Record<string, string>;
  /** bake target name and the bake file its values come from */
  bakeTarget?: string;
  /** image tags pushed (or loaded) */
  tags: Value[];
  cacheTo: CacheSpec[];
  cacheFrom: CacheSpec[];
  /** true / false, or null when it depends on run-time values */
  push: boolean | null;
  /** no workflow was seen running this build (a bake file nobody names): its findings are at most `medium` */
  unseen?: boolean;
  load: boolean;
  /** raw `outputs:` / `--output` specs */
  outputs: string[];
  /** build stage (`target:` / `--target`), when given */
  target?: string;
  /** build context (`context:` / the command's positional argument), when given */
  context?: string;
  /** Dockerfile path (`file:` / `-f`), when given */
  dockerfile?: string;
  /** where the step (`uses:` or `run:`) stands */
  span: Span;
  /**
   * What the build produces, as one comparable string (context, Dockerfile, target, platforms,
   * build args, build contexts, all evaluated), when every part is known to one value. Two builds with
   * the same recipe build the same image, so sharing a cache with each other is intended.
   */
  recipe?: string;
}

export type ConsumerKind =
  | "docker-run"
  | "docker-pull"
  | "docker-create"
  | "job-container"
  | "service-container"
  | "uses-docker"
  | "dockerfile-from"
  /** a source of `docker buildx imagetools create` */
  | "imagetools-source"
  /** `crane copy|pull|export` source */
  | "crane"
  /** `skopeo copy|inspect docker://…` source */
  | "skopeo"
  /** `regctl image copy` source */
  | "regctl"
  /** `az acr import --source` */
  | "acr-import";

/** A reference pulled or run as an image. */
export interface Consumer {
  kind: ConsumerKind;
  repo?: string;
  path: string;
  /** the workflow whose run pulls the ref (see Build.workflow) */
  workflow?: string;
  job?: string;
  via?: CallSite[];
  /** order within the job's run, as Build.seq */
  seq?: number;
  matrix?: Record<string, string>;
  ref: Value;
}

export interface ParseError {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** What extraction learns from one repository's files. */
export interface RepoModel {
  repo?: string;
  builds: Build[];
  consumers: Consumer[];
  errors: ParseError[];
  /** notes about bounded work (matrix too large, alias expansion capped, …) */
  warnings: ParseError[];
  /**
   * Files extraction looked for and was not given (an action, a script, a Makefile, a bake file): the
   * discovery loop reads them and extracts again. Never reported to the user as such.
   */
  wanted: FileWant[];
}

/**
 * A file extraction asked for. `repo` is set for a file of another repository (`uses: org/repo/path@ref`);
 * `optional` for names that may well not exist (buildx's default bake files,
 * `action.yaml` beside `action.yml`): their absence is no warning.
 */
export interface FileWant {
  path: string;
  repo?: string;
  ref?: string;
  optional?: boolean;
}

export interface Fix {
  description: string;
  /** unified diff against the original file, `--- a/<path>` / `+++ b/<path>`, applies with `git apply` */
  diff: string;
}

/** How a finding was silenced; `accepted` is the dashboard's accept-risk (not written in the repository). */
export interface SuppressionInfo {
  kind: "inline" | "config" | "accepted";
  reason: string;
  /** where it is written (`path:line`, or the config entry) */
  at?: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  confidence: Confidence;
  repo?: string;
  path: string;
  line: number;
  column: number;
  /** the normalized reference the finding is about */
  ref: string;
  message: string;
  fix?: Fix;
  /** how the run reaches the file `path` points into (composite action, reusable workflow, script, Makefile) */
  via?: CallSite[];
  /**
   * Where the finding stands, without line numbers: the calling chain, job, step (`id:` or its place
   * among the job's builds) and bake target of the build, or the consumer's kind and job, plus `#n`
   * when several findings would otherwise share it. Part of the fingerprint (see fingerprint.ts).
   */
  key?: string;
  /** set on a finding an ignore silenced (analyze() returns those apart, under `suppressed`) */
  suppressed?: SuppressionInfo;
  /** other places involved (the image push, the consumer, the other build) */
  related?: Array<{ repo?: string; path: string; line: number; column: number; message: string }>;
}

export interface RuleContext {
  builds: Build[];
  consumers: Consumer[];
  /** file texts by `repo + ":" + path` (or just path when repo is absent), for fixes */
  files: Map<string, string>;
}

export interface Rule {
  id: string;
  /**
   * `live`: fed by API data the org scan reads (the registry, the Actions cache), run by the scan
   * itself; its `check` finds nothing in workflow files alone
   */
  kind?: "live";
  title: string;
  severity: Severity;
  /** one paragraph: what it finds and why it breaks things */
  description: string;
  /** a minimal workflow that triggers it, and the same workflow fixed */
  example: { bad: string; good: string };
  /** how to fix it, in words */
  fix: string;
  check(ctx: RuleContext): Finding[];
}
