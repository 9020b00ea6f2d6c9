/** Evaluates a parsed expression against what is known before the run, branching on unknown conditions. */
import { type Br, finish, fromString, fromValue, known, product, resOf, settle, truthOf, unknown } from "./branch";
import { compare, getProperty, isObject, looseEquals } from "./coerce";
import { applyFunction } from "./functions";
import type { Node } from "./parser";
import { isIdent, opPrec, paren, PREC, quoteString } from "./print";
import { TOKEN_OPEN, type Contexts, type ExprValue } from "./types";

/** Contexts whose keys may be partly known; any other name (secrets, needs, job, runner…) is unknown. */
const PARTIAL = new Set(["env", "inputs", "github", "vars", "steps"]);

function memberRes(objRes: string, objPrec: number, key: string): string {
  const k = key.toLowerCase();
  const base = paren(objRes, objPrec, PREC.atom);
  if (isIdent(k)) return `${base}.${k}`;
  if (/^\d+$/.test(k)) return `${base}[${k}]`;
  return `${base}[${quoteString(k)}]`;
}

function recordLookup(rec: Record<string, ExprValue> | undefined, key: string): ExprValue | undefined {
  return rec === undefined ? undefined : getProperty<ExprValue>(rec, key);
}

/** Resolves `path` (lower-cased names) in a partly known context. */
function resolveContext(ctx: Contexts, path: string[], res: string): Br[] {
  const [name, key] = path;
  if (name === "matrix") {
    if (ctx.matrix === undefined) return [unknown(res, PREC.atom)];
    if (path.length === 1) return [known(ctx.matrix)];
    const v = getProperty(ctx.matrix, key);
    return [v === undefined ? known(null) : fromValue(v, res)];
  }
  if (!PARTIAL.has(name)) return [unknown(res, PREC.atom)];
  if (path.length === 1) return [{ v: { t: "c", path }, res, prec: PREC.atom, spec: false }];
  if (name === "steps") {
    const step = ctx.steps ? getProperty(ctx.steps, key) : undefined;
    if (step === undefined) return [unknown(res, PREC.atom)];
    if (path.length === 2 || (path.length === 3 && path[2] === "outputs")) return [{ v: { t: "c", path }, res, prec: PREC.atom, spec: false }];
    const alts = path[2] === "outputs" && step.outputs ? getProperty(step.outputs, path[3]) : undefined;
    if (alts === undefined || alts.length === 0) return [unknown(res, PREC.atom)];
    return finish(alts.map((a) => fromString(a.text, res, a.speculative)));
  }
  const rec = name === "env" ? ctx.env : name === "inputs" ? ctx.inputs : name === "github" ? ctx.github : ctx.vars;
  const v = recordLookup(rec, key);
  return [v === undefined ? unknown(res, PREC.atom) : fromValue(v, res)];
}

/** `.name` / `['name']` / `[0]` on one branch. */
function access(ctx: Contexts, b: Br, key: string | number): Br[] {
  const v = b.v;
  if (v.t === "c") {
    const res = memberRes(resOf(b), b.prec, String(key));
    if (typeof key === "number") return [unknown(res, PREC.atom, b.spec)];
    return resolveContext(ctx, [...v.path, key.toLowerCase()], res).map((r) => (b.spec ? { ...r, spec: true } : r));
  }
  if (v.t === "u") return [unknown(memberRes(resOf(b), b.prec, String(key)), PREC.atom, b.spec)];
  if (v.t === "x") return [known(null, b.spec)];
  const val = v.value;
  if (v.filtered && Array.isArray(val)) {
    const picked: ExprValue[] = [];
    for (const item of val) {
      const got = lookup(item, key);
      if (got !== undefined) picked.push(got);
    }
    return [known(picked, b.spec, true)];
  }
  const got = lookup(val, key);
  if (got === undefined) return [known(null, b.spec)];
  // Only a text holding tokens keeps a residual: the member's text is made for it alone (for `matrix.x`
  // the object's literal would be the whole matrix as JSON).
  if (typeof got === "string" && got.includes(TOKEN_OPEN)) return [fromString(got, memberRes(resOf(b), b.prec, String(key)), b.spec)];
  return [known(got, b.spec)];
}

function lookup(val: ExprValue, key: string | number): ExprValue | undefined {
  if (Array.isArray(val)) {
    const n = typeof key === "number" ? key : /^\d+$/.test(key) ? Number(key) : NaN;
    return Number.isInteger(n) && n >= 0 && n < val.length ? val[n] : undefined;
  }
  if (isObject(val)) return getProperty(val, String(key));
  return undefined;
}

function star(b: Br): Br {
  const res = `${paren(resOf(b), b.prec, PREC.atom)}.*`;
  if (b.v.t !== "k") return unknown(res, PREC.atom, b.spec);
  const val = b.v.value;
  if (Array.isArray(val)) {
    // a filter over a filter flattens one level, as `a.*.b.*` does on GitHub
    const items = b.v.filtered ? val.flatMap((x) => (Array.isArray(x) ? x : isObject(x) ? Object.values(x) : [])) : val;
    return known(items, b.spec, true);
  }
  if (isObject(val)) return known(Object.values(val), b.spec, true);
  return known([], b.spec, true);
}

function evalBinary(ctx: Contexts, n: Extract<Node, { k: "bin" }>): Br[] {
  const left = evalNode(ctx, n.left).map(settle);
  if (n.op === "&&" || n.op === "||") {
    let right: Br[] | undefined;
    const rightBranches = (): Br[] => (right ??= evalNode(ctx, n.right).map(settle));
    const out: Br[] = [];
    const keepLeftWhen = n.op === "&&" ? false : true;
    for (const l of left) {
      const t = truthOf(l.v);
      if (t === keepLeftWhen) out.push(l);
      else if (t !== undefined) out.push(...rightBranches().map((r) => (l.spec ? { ...r, spec: true } : r)));
      else {
        // unknown condition: either operand may be the result
        const kept: Br = l.v.t === "u" ? { ...l, v: { t: "u", truthy: keepLeftWhen }, spec: true } : { ...l, spec: true };
        const rest = rightBranches().map((r) => ({ ...r, spec: true }));
        // the "condition holds" outcome first, so `cond && a || b` lists a before b
        if (n.op === "&&") out.push(...rest, kept);
        else out.push(kept, ...rest);
      }
    }
    return finish(out);
  }
  const right = evalNode(ctx, n.right).map(settle);
  const p = opPrec(n.op);
  const out: Br[] = [];
  const { combos, capped } = product([left, right]);
  for (const [l, r] of combos) {
    const spec = l.spec || r.spec || capped;
    if (l.v.t === "k" && r.v.t === "k") {
      const a = l.v.value;
      const b = r.v.value;
      const v = n.op === "==" ? looseEquals(a, b) : n.op === "!=" ? !looseEquals(a, b) : compare(n.op, a, b);
      out.push(known(v, spec));
    } else {
      out.push(unknown(`${paren(resOf(l), l.prec, p)} ${n.op} ${paren(resOf(r), r.prec, p + 1)}`, p, spec));
    }
  }
  return finish(out);
}

export function evalNode(ctx: Contexts, n: Node): Br[] {
  switch (n.k) {
    case "lit":
      return [known(n.value)];
    case "ctx":
      return resolveContext(ctx, [n.name], n.name);
    case "prop": {
      const objs = evalNode(ctx, n.obj);
      // (one branch, nearly always: its accesses are the flatMap below)
      return finish(objs.length === 1 ? access(ctx, objs[0], n.name) : objs.flatMap((b) => access(ctx, b, n.name)));
    }
    case "index": {
      const objs = evalNode(ctx, n.obj);
      const idxs = evalNode(ctx, n.index).map(settle);
      const out: Br[] = [];
      for (const [o, i] of product([objs, idxs]).combos) {
        if (i.v.t === "k" && (typeof i.v.value === "string" || typeof i.v.value === "number")) {
          out.push(...access(ctx, i.spec ? { ...o, spec: true } : o, i.v.value));
        } else {
          out.push(unknown(`${paren(resOf(o), o.prec, PREC.atom)}[${resOf(i)}]`, PREC.atom, o.spec || i.spec));
        }
      }
      return finish(out);
    }
    case "star":
      return finish(evalNode(ctx, n.obj).map((b) => star(settle(b))));
    case "not":
      return finish(
        evalNode(ctx, n.arg).map((b0) => {
          const b = settle(b0);
          const t = truthOf(b.v);
          if (t !== undefined) return known(!t, b.spec);
          return unknown(`!${paren(resOf(b), b.prec, PREC.not)}`, PREC.not, b.spec);
        }),
      );
    case "bin":
      return evalBinary(ctx, n);
    case "call": {
      const args = n.args.map((a) => evalNode(ctx, a).map(settle));
      const { combos, capped } = product(args);
      const out = combos.map((c) => applyFunction(n.name, c));
      return finish(capped ? out.map((b) => ({ ...b, spec: true })) : out);
    }
  }
}
