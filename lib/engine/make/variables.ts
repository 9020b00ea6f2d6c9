/**
 * The values make would give a Makefile's variables for one invocation: command-line `VAR=x` beats the
 * Makefile (except its `override` lines), the Makefile beats the environment, `?=` only fills a gap.
 *
 * Conditionals are decided when their test can be: a name nobody defined counts as unset (as `?=` does:
 * the Makefile's default is what runs unless the workflow sets the variable). A test we cannot decide runs
 * every branch from the same start and keeps what they agree on; a variable they set differently becomes
 * unknown, so no guess of ours shows up as a resolved ref.
 */
import type { MakeLookup } from "../shell/make-line";
import { ExpansionLimit, expandMakeText, type Resolve, type VarDef } from "./expand";
import type { Assignment, Condition, Makefile, Statement } from "./model";

type Origin = "default" | "environment" | "file" | "command line" | "override";
type Def = (VarDef & { origin: Origin; exported: boolean }) | "unknown";
type State = Map<string, Def>;

export interface MakeVars extends MakeLookup {
  /** the fully expanded value; undefined when unknown, never defined, or looping */
  lookup(name: string): string | undefined;
  /** expand any make text (`$(subst a,b,$(X))`), unknown parts as opaque tokens */
  expand(text: string): string;
  /** what the recipe's shell sees as `$NAME`: exported make variables, the environment; else undefined */
  shellLookup(name: string): string | undefined;
}

/** The target whose recipe runs, and the goals that led to it (target-specific values apply along it). */
export interface MakeScope {
  target: string;
  chain?: string[];
}

const DEFAULTS: Record<string, string> = { MAKE: "make", SHELL: "/bin/sh" };

function sameDef(a: Def | undefined, b: Def | undefined): boolean {
  if (a === undefined || b === undefined || a === "unknown" || b === "unknown") return a === b;
  return a.flavor === b.flavor && a.value === b.value;
}

class Walker {
  exportAll = false;
  constructor(
    public state: State,
    private targetPass: string | null,
  ) {}

  resolve: Resolve = (name) => this.state.get(name);

  private text(s: string, absent: "opaque" | "empty" = "opaque"): string | null {
    try {
      const r = expandMakeText(s, this.resolve, { absent });
      return r.broken ? null : r.text;
    } catch (e) {
      if (e instanceof ExpansionLimit) return null;
      throw e;
    }
  }

  private decide(c: Condition | null): boolean | undefined {
    if (c === null) return true;
    if (c.kind === "unknown") return undefined;
    if (c.kind === "ifdef" || c.kind === "ifndef") {
      const name = this.text(c.name, "empty")?.trim();
      if (name === undefined || name.includes("${{")) return undefined;
      const def = this.state.get(name);
      if (def === "unknown") return undefined;
      // ifdef asks whether the value as written is non-empty, without expanding it.
      const set = def !== undefined && def.value !== "";
      return c.kind === "ifdef" ? set : !set;
    }
    if (c.kind !== "ifeq" && c.kind !== "ifneq") return undefined;
    const [a, b] = [this.text(c.left, "empty")?.trim(), this.text(c.right, "empty")?.trim()];
    if (a === undefined || b === undefined || a.includes("${{") || b.includes("${{")) return undefined;
    return c.kind === "ifeq" ? a === b : a !== b;
  }

  private assign(a: Assignment): void {
    const name = a.name.includes("$") ? this.text(a.name)?.trim() : a.name;
    if (!name || name.includes("${{")) return;
    const cur = this.state.get(name);
    const protectedFrom = cur !== undefined && cur !== "unknown" && (cur.origin === "command line" || cur.origin === "override");
    if (protectedFrom && !a.override) return;
    const origin: Origin = a.override ? "override" : "file";
    const exported = a.export || (cur !== undefined && cur !== "unknown" && cur.exported);
    const set = (flavor: VarDef["flavor"], value: string | null): void => {
      this.state.set(name, value === null ? "unknown" : { flavor, value, origin, exported });
    };
    switch (a.op) {
      case "=":
        return set("recursive", a.value);
      case ":=":
      case "::=":
      case ":::=":
        return set("simple", this.text(a.value));
      case "?=":
        if (cur === undefined) set("recursive", a.value);
        return;
      case "+=":
        if (cur === undefined) return set("recursive", a.value);
        if (cur === "unknown") return;
        if (cur.flavor === "simple") {
          const more = this.text(a.value);
          return set("simple", more === null ? null : cur.value === "" ? more : `${cur.value} ${more}`);
        }
        return set("recursive", cur.value === "" ? a.value : `${cur.value} ${a.value}`);
      case "!=":
        // The output of a shell command.
        this.state.set(name, "unknown");
    }
  }

  walk(stmts: Statement[]): void {
    for (const s of stmts) {
      if (s.kind === "assign") {
        const applies = this.targetPass === null ? !s.targets : (s.targets?.some((t) => this.text(t) === this.targetPass) ?? false);
        if (applies) this.assign(s);
      } else if (s.kind === "export") {
        if (s.names === "all") this.exportAll = s.on;
        else
          for (const n of s.names) {
            const d = this.state.get(n);
            if (d && d !== "unknown") this.state.set(n, { ...d, exported: s.on });
          }
      } else {
        const possible: Statement[][] = [];
        let certain = false;
        for (const b of s.branches) {
          const d = this.decide(b.test);
          if (d === false) continue;
          possible.push(b.body);
          if (d === true) {
            certain = true;
            break;
          }
        }
        if (!certain) possible.push([]);
        if (possible.length === 1) this.walk(possible[0]);
        else this.merge(possible);
      }
    }
  }

  private merge(bodies: Statement[][]): void {
    const results = bodies.map((body) => {
      const w = new Walker(new Map(this.state), this.targetPass);
      w.exportAll = this.exportAll;
      w.walk(body);
      return w;
    });
    const names = new Set(results.flatMap((w) => [...w.state.keys()]));
    for (const n of names) {
      const defs = results.map((w) => w.state.get(n));
      if (defs.every((d) => sameDef(d, defs[0]))) {
        if (defs[0] === undefined) this.state.delete(n);
        else this.state.set(n, defs[0]);
      } else this.state.set(n, "unknown");
    }
    this.exportAll = results.some((w) => w.exportAll);
  }
}

export function makeVariables(mk: Makefile, overrides: Record<string, string> = {}, env: Record<string, string> = {}, scope?: MakeScope): MakeVars {
  const state: State = new Map();
  for (const [k, v] of Object.entries(DEFAULTS)) state.set(k, { flavor: "simple", value: v, origin: "default", exported: false });
  for (const [k, v] of Object.entries(env)) state.set(k, { flavor: "simple", value: v, origin: "environment", exported: true });
  for (const [k, v] of Object.entries(overrides)) state.set(k, { flavor: "recursive", value: v, origin: "command line", exported: true });
  const global = new Walker(state, null);
  global.walk(mk.statements);
  let exportAll = mk.exportAll || global.exportAll;
  if (scope) {
    for (const t of [...(scope.chain ?? []), scope.target].filter((t, i, all) => all.indexOf(t) === i)) {
      const w = new Walker(state, t);
      w.exportAll = exportAll;
      w.walk(mk.statements);
      exportAll = w.exportAll;
    }
    automatic(mk, state, scope.target);
  }
  const resolve: Resolve = (name) => state.get(name);
  const value = (name: string): string | undefined => {
    const d = state.get(name);
    if (d === undefined || d === "unknown") return undefined;
    if (d.flavor === "simple") return d.value;
    try {
      const r = expandMakeText(d.value, resolve, { absent: "opaque" }, [name]);
      return r.broken ? undefined : r.text;
    } catch (e) {
      if (e instanceof ExpansionLimit) return undefined;
      throw e;
    }
  };
  return {
    lookup: value,
    expand(text) {
      try {
        const r = expandMakeText(text, resolve);
        return r.broken ? opaqueOf(text) : r.text;
      } catch (e) {
        if (e instanceof ExpansionLimit) return opaqueOf(text);
        throw e;
      }
    },
    shellLookup(name) {
      const d = state.get(name);
      if (d === undefined || d === "unknown") return undefined;
      return d.exported || exportAll ? value(name) : undefined;
    },
  };
}

function opaqueOf(text: string): string {
  return `\${{ make(${text.replace(/[{}$()]/g, "").replace(/\s+/g, " ").trim().slice(0, 120)}) }}`;
}

/** `$@` (the target), `$<` (its first prerequisite), `$^` (all of them, once each). */
function automatic(mk: Makefile, state: State, target: string): void {
  const prereqs: string[] = [];
  for (const r of mk.rules) if (r.targets.includes(target)) prereqs.push(...r.prereqs);
  const set = (n: string, v: string) => state.set(n, { flavor: "simple", value: v, origin: "default", exported: false });
  set("@", target);
  if (prereqs.some((p) => p.includes("$"))) return;
  set("<", prereqs[0] ?? "");
  set("^", [...new Set(prereqs)].join(" "));
}
