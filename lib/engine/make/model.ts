/** What parseMakefile reads from a Makefile: assignments in order (with their conditionals), rules, notes. */

export type AssignOp = "=" | ":=" | "::=" | ":::=" | "?=" | "+=" | "!=";

export interface Assignment {
  kind: "assign";
  /** as written; may hold references (`$(ARCH)_IMAGE`), expanded when evaluated */
  name: string;
  op: AssignOp;
  /** the right-hand side as written (continuations joined, comment removed, leading blanks dropped) */
  value: string;
  override: boolean;
  export: boolean;
  /** set for a target-specific assignment (`release: TAG = latest`): the targets, as written */
  targets?: string[];
  offset: number;
}

/** `export NAME…` / `unexport NAME…` without a value, or a bare `export` (every variable). */
export interface ExportStatement {
  kind: "export";
  names: string[] | "all";
  on: boolean;
  offset: number;
}

export type Condition =
  | { kind: "ifeq" | "ifneq"; left: string; right: string }
  | { kind: "ifdef" | "ifndef"; name: string }
  /** a test we could not parse: every branch may run */
  | { kind: "unknown" };

export interface Conditional {
  kind: "if";
  /** `test: null` is the final `else` */
  branches: Array<{ test: Condition | null; body: Statement[] }>;
  offset: number;
}

export type Statement = Assignment | ExportStatement | Conditional;

/** One recipe line: [start, end) in the Makefile text, past the tab and any `@`, `-`, `+` prefixes. */
export interface RecipeSpan {
  start: number;
  end: number;
}

export interface MakeRule {
  /** as written (may hold references) */
  targets: string[];
  prereqs: string[];
  /** after `|` */
  orderOnly: string[];
  recipe: RecipeSpan[];
  doubleColon: boolean;
  /** inside an `ifeq`/`ifdef` block: the rule may not exist in a given run */
  conditional: boolean;
  offset: number;
}

export interface Makefile {
  text: string;
  statements: Statement[];
  rules: MakeRule[];
  /** targets named by `.PHONY` */
  phony: string[];
  /** `include`/`-include` files (not read: their variables and rules are missing) */
  includes: Array<{ path: string; optional: boolean; offset: number }>;
  /** `.ONESHELL`: every line of a recipe runs in one shell, so shell variables carry over */
  oneShell: boolean;
  /** `.EXPORT_ALL_VARIABLES` or a bare `export` */
  exportAll: boolean;
  /** lines read but not understood (`$(eval …)`, `vpath`), with why */
  notes: Array<{ offset: number; message: string }>;
}
