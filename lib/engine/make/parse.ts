/**
 * Read a Makefile into assignments (in order, inside their conditionals), rules with the offsets of their
 * recipe lines, `.PHONY` and `include`s. Nothing is evaluated here: values depend on the command line and
 * the environment, which makeVariables gets.
 */
import { commentStart, findTop, firstOperator, joinLine, logicalLines, words } from "./lines";
import type { AssignOp, Assignment, Condition, Conditional, MakeRule, Makefile, Statement } from "./model";

const IF_WORDS = new Set(["ifeq", "ifneq", "ifdef", "ifndef"]);
const DEFINE = /^((?:(?:override|export|private)[ \t]+)*)define[ \t]+(\S+)[ \t]*(=|:=|::=|:::=|\?=|\+=|!=)?[ \t]*$/;

function parseCondition(kw: string, rest: string): Condition {
  const r = rest.trim();
  if (kw === "ifdef" || kw === "ifndef") return r ? { kind: kw, name: r } : { kind: "unknown" };
  if (kw !== "ifeq" && kw !== "ifneq") return { kind: "unknown" };
  if (r.startsWith("(")) {
    let depth = 0;
    let comma = -1;
    for (let i = 0; i < r.length; i++) {
      const c = r[i];
      if (c === "(") depth++;
      else if (c === "," && depth === 1 && comma < 0) comma = i;
      else if (c === ")" && --depth === 0) {
        return comma < 0 ? { kind: "unknown" } : { kind: kw, left: r.slice(1, comma).trim(), right: r.slice(comma + 1, i).trim() };
      }
    }
    return { kind: "unknown" };
  }
  const m = /^(["'])(.*?)\1[ \t]+(["'])(.*?)\3$/s.exec(r);
  return m ? { kind: kw, left: m[2], right: m[4] } : { kind: "unknown" };
}

/** `[override|export|private…] NAME op value`; null when the line is not an assignment. */
function parseAssignment(line: string, offset: number): Assignment | null {
  let rest = line.replace(/^[ \t]+/, "");
  let override = false;
  let exported = false;
  for (let m = /^(override|export|private)[ \t]+/.exec(rest); m; m = /^(override|export|private)[ \t]+/.exec(rest)) {
    if (m[1] === "override") override = true;
    if (m[1] === "export") exported = true;
    rest = rest.slice(m[0].length);
  }
  const i = firstOperator(rest);
  if (i < 0) return null;
  let op: AssignOp;
  let nameEnd = i;
  if (rest[i] === "=") {
    const before = rest[i - 1];
    op = before === "?" || before === "+" || before === "!" ? (`${before}=` as AssignOp) : "=";
    if (op !== "=") nameEnd = i - 1;
  } else {
    const m = /^:{1,3}=/.exec(rest.slice(i));
    if (!m) return null;
    op = m[0] as AssignOp;
  }
  const name = rest.slice(0, nameEnd).trim();
  if (name === "" || /[\s;]/.test(name)) return null;
  const value = rest.slice(i + (rest[i] === "=" ? 1 : op.length)).replace(/^[ \t]+/, "").replace(/\\#/g, "#");
  return { kind: "assign", name, op, value, override, export: exported, offset };
}

/** Past blanks and the `@` (silent), `-` (ignore errors), `+` (always run) prefixes of a recipe line. */
function recipeStart(text: string, at: number, end: number): number {
  let i = at;
  while (i < end && " \t@-+".includes(text[i])) i++;
  return i;
}

export function parseMakefile(text: string): Makefile {
  const mk: Makefile = { text, statements: [], rules: [], phony: [], includes: [], oneShell: false, exportAll: false, notes: [] };
  const lines = logicalLines(text);
  const stack: Conditional[] = [];
  const body = (): Statement[] => (stack.length > 0 ? stack[stack.length - 1].branches.at(-1)!.body : mk.statements);
  let rule: MakeRule | null = null;
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li];
    const offset = line.start;
    if (text[line.start] === "\t" && rule) {
      const start = recipeStart(text, line.start + 1, line.end);
      if (start < line.end) rule.recipe.push({ start, end: line.end });
      continue;
    }
    const { s: joined, pos } = joinLine(text, line);
    const s = joined.slice(0, commentStart(joined));
    const t = s.trim();
    if (t === "") continue;
    const kw = t.split(/[ \t(]/, 1)[0];
    if (IF_WORDS.has(kw)) {
      const c: Conditional = { kind: "if", branches: [{ test: parseCondition(kw, t.slice(kw.length)), body: [] }], offset };
      body().push(c);
      stack.push(c);
      continue;
    }
    if (kw === "else") {
      const top = stack.at(-1);
      const rest = t.slice(4).trim();
      const kw2 = rest.split(/[ \t(]/, 1)[0];
      if (top) top.branches.push({ test: rest ? parseCondition(kw2, rest.slice(kw2.length)) : null, body: [] });
      else mk.notes.push({ offset, message: "else without ifeq/ifdef" });
      continue;
    }
    if (kw === "endif") {
      if (!stack.pop()) mk.notes.push({ offset, message: "endif without ifeq/ifdef" });
      continue;
    }
    // Anything but a conditional ends the recipe of the rule above.
    rule = null;
    const def = DEFINE.exec(t);
    if (def) {
      let depth = 1;
      const bodyLines: string[] = [];
      while (++li < lines.length) {
        const raw = text.slice(lines[li].start, lines[li].end);
        if (/^[ \t]*endef\b/.test(raw) && --depth === 0) break;
        if (DEFINE.test(raw.trim())) depth++;
        bodyLines.push(raw);
      }
      const prefix = def[1];
      body().push({ kind: "assign", name: def[2], op: (def[3] as AssignOp | undefined) ?? "=", value: bodyLines.join("\n"), override: /override/.test(prefix), export: /export/.test(prefix), offset });
      continue;
    }
    if (kw === "include" || kw === "-include" || kw === "sinclude") {
      for (const path of words(t.slice(kw.length))) mk.includes.push({ path, optional: kw !== "include", offset });
      mk.notes.push({ offset, message: `${kw} not read: its variables and rules are missing` });
      continue;
    }
    if ((kw === "export" || kw === "unexport") && !(kw === "export" && parseAssignment(t, offset))) {
      const names = words(t.slice(kw.length));
      body().push({ kind: "export", names: names.length > 0 ? names : "all", on: kw === "export", offset });
      continue;
    }
    if (kw === "vpath" || kw === "undefine" || kw === "load") {
      mk.notes.push({ offset, message: `${kw} is not evaluated` });
      continue;
    }
    const assign = parseAssignment(s, offset);
    if (assign) {
      body().push(assign);
      continue;
    }
    const colon = firstOperator(s);
    if (colon < 0 || s[colon] !== ":") {
      mk.notes.push({ offset, message: "line not understood" });
      continue;
    }
    rule = addRule(mk, text, s, pos, colon, line.end, stack.length > 0, offset, body());
  }
  if (stack.length > 0) mk.notes.push({ offset: text.length, message: "ifeq/ifdef without endif" });
  return mk;
}

/** `targets: prereqs | order-only ; recipe`, or a target-specific assignment `targets: NAME = value`. */
function addRule(mk: Makefile, text: string, s: string, pos: number[], colon: number, lineEnd: number, conditional: boolean, offset: number, into: Statement[]): MakeRule | null {
  const doubleColon = s[colon + 1] === ":";
  const after = colon + (doubleColon ? 2 : 1);
  const targets = words(s.slice(0, colon).replace(/&$/, ""));
  const rest = s.slice(after);
  const specific = parseAssignment(rest, offset);
  if (specific) {
    into.push({ ...specific, targets });
    return null;
  }
  const semi = findTop(rest, ";");
  const deps = semi < 0 ? rest : rest.slice(0, semi);
  const bar = findTop(deps, "|");
  const rule: MakeRule = {
    targets,
    prereqs: words(bar < 0 ? deps : deps.slice(0, bar)),
    orderOnly: bar < 0 ? [] : words(deps.slice(bar + 1)),
    recipe: [],
    doubleColon,
    conditional,
    offset,
  };
  if (semi >= 0) {
    const start = recipeStart(text, pos[after + semi] + 1, lineEnd);
    if (start < lineEnd) rule.recipe.push({ start, end: lineEnd });
  }
  if (targets.includes(".PHONY")) mk.phony.push(...rule.prereqs);
  if (targets.includes(".ONESHELL")) mk.oneShell = true;
  if (targets.includes(".EXPORT_ALL_VARIABLES")) mk.exportAll = true;
  mk.rules.push(rule);
  return rule;
}
