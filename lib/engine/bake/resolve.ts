/**
 * Merging bake definitions the way buildx does: files in order, same-named targets merged (tags,
 * cache-to, output replaced by the last definer; cache-from accumulated), `inherits` applied parent
 * first, groups expanded, matrix targets forked into one target per combination.
 */
import type { ParseError } from "../types";
import { type Alt, evalJson, type HV, toText } from "./hcl-eval";
import { evalItems } from "./items";
import { headerSpan } from "./locate";
import { ATTR_KEYS, type AttrKey, type BakeDoc, type Item, type TargetDef } from "./model";
import { type Globals, makeScope } from "./scope";
import { applySets, globToRegExp, isGlob, type SetOverride } from "./set";

/** buildx has no limit, but a matrix this large is not worth enumerating for an audit. */
export const MAX_MATRIX = 64;

export interface Instance {
  /** the target's name after matrix expansion */
  name: string;
  /** the definitions it comes from, in merge order */
  base: string;
  matrix?: Record<string, HV>;
}

export interface ResolvedTarget {
  name: string;
  file: string;
  defs: TargetDef[];
  attrs: Partial<Record<AttrKey, Item[]>>;
}

const REPLACED: AttrKey[] = ["tags", "cache-to", "output", "push"];

export class Definitions {
  readonly targets = new Map<string, TargetDef[]>();
  readonly groups = new Map<string, string[]>();
  readonly warnings: ParseError[] = [];

  constructor(
    docs: BakeDoc[],
    readonly globals: Globals,
  ) {
    const scope = makeScope(globals);
    for (const d of docs) {
      for (const t of d.targets) this.targets.set(t.name, [...(this.targets.get(t.name) ?? []), t]);
      for (const g of d.groups) {
        const names: string[] = [];
        for (const a of evalJson(g.targets ?? [], scope)) {
          const items = a.v.t === "l" ? a.v.items : [a.v];
          for (const x of items) if (!names.includes(toText(x))) names.push(toText(x));
        }
        const prev = this.groups.get(g.name) ?? [];
        this.groups.set(g.name, [...prev, ...names.filter((n) => !prev.includes(n))]);
      }
    }
  }

  /** Matrix combinations of a target, or undefined when it has no matrix. */
  private combinations(name: string): Array<Record<string, HV>> | undefined {
    const defs = this.targets.get(name) ?? [];
    const withMatrix = defs.filter((d) => "matrix" in d.attrs).at(-1);
    if (!withMatrix) return undefined;
    const alts = evalJson(withMatrix.attrs.matrix, makeScope(this.globals));
    const m = alts.find((a) => !a.spec)?.v ?? alts[0]?.v;
    if (!m || m.t !== "o") return [{}];
    const keys = Object.keys(m.fields);
    const axes: Alt[][] = keys.map((k) => {
      const v = m.fields[k];
      return (v.t === "l" ? v.items : [v]).map((x) => ({ v: x, spec: false }));
    });
    const total = axes.reduce((n, a) => n * a.length, 1);
    if (total > MAX_MATRIX) {
      this.warnings.push({
        path: withMatrix.file.path,
        message: `matrix of target "${name}" has ${total} combinations; only the first ${MAX_MATRIX} are audited`,
      });
    }
    const combos: Array<Record<string, HV>> = [];
    // combinations are built here (not with product(), which has a smaller cap) up to the matrix bound
    let acc: HV[][] = [[]];
    for (const axis of axes) {
      const next: HV[][] = [];
      for (const a of acc) for (const x of axis) if (next.length < MAX_MATRIX) next.push([...a, x.v]);
      acc = next;
    }
    for (const vs of acc) combos.push(Object.fromEntries(keys.map((k, i) => [k, vs[i]])));
    return combos;
  }

  /** Instances a target name stands for (matrix targets fork into several). */
  instances(name: string): Instance[] {
    const combos = this.combinations(name);
    if (!combos) return [{ name, base: name }];
    const defs = this.targets.get(name) ?? [];
    const nameDef = defs.filter((d) => "name" in d.attrs).at(-1);
    return combos.map((matrix, i) => {
      let instName = `${name}-${i}`;
      if (nameDef) {
        const alts = evalJson(nameDef.attrs.name, makeScope(this.globals, matrix));
        if (alts.length === 1) instName = toText(alts[0].v);
      }
      return { name: instName, base: name, matrix };
    });
  }

  private forked?: Instance[];

  /** Every instance of every matrix target (computed once). */
  private matrixInstances(): Instance[] {
    if (!this.forked) {
      this.forked = [];
      for (const [name, defs] of this.targets) if (defs.some((d) => "matrix" in d.attrs)) this.forked.push(...this.instances(name));
    }
    return this.forked;
  }

  /** Expand requested names (targets, groups, patterns) into instances; unknown names are reported. */
  expand(requested: string[], errors: ParseError[], fileForErrors: string): Instance[] {
    const out = new Map<string, Instance>();
    const visit = (name: string, groupsSeen: Set<string>, from: string) => {
      if (isGlob(name) && !this.groups.has(name) && !this.targets.has(name)) {
        const re = globToRegExp(name);
        const all = [...this.groups.keys(), ...this.targets.keys()].filter((n) => re.test(n));
        const forked = this.matrixInstances().filter((i) => re.test(i.name) && !all.includes(i.base));
        if (all.length === 0 && forked.length === 0) errors.push({ path: fileForErrors, message: `no bake target matches "${name}"` });
        for (const n of all) visit(n, groupsSeen, from);
        for (const i of forked) if (!out.has(i.name)) out.set(i.name, i);
        return;
      }
      const members = this.groups.get(name);
      // as in buildx (Config.group), a group wins over a target of the same name; a group met again
      // inside itself stands for the target
      if (members && !groupsSeen.has(name)) {
        const seen = new Set(groupsSeen).add(name);
        for (const m of members) visit(m, seen, name);
        return;
      }
      if (!this.targets.has(name)) {
        // a matrix target's forked name (`app-alpine`) can be asked for directly
        const forked = this.matrixInstances().find((i) => i.name === name);
        if (forked) {
          if (!out.has(forked.name)) out.set(forked.name, forked);
          return;
        }
        errors.push({
          path: fileForErrors,
          message: from ? `bake group "${from}" names unknown target "${name}"` : `unknown bake target "${name}"`,
        });
        return;
      }
      for (const inst of this.instances(name)) if (!out.has(inst.name)) out.set(inst.name, inst);
    };
    for (const r of requested) visit(r, new Set(), "");
    return [...out.values()];
  }

  /** Merge one instance: inherited targets first (in order), then its own definitions in file order. */
  resolve(inst: Instance, sets: SetOverride[] = [], stack: string[] = []): ResolvedTarget {
    const defs = this.targets.get(inst.base) ?? [];
    const scope = makeScope(this.globals, inst.matrix);
    const attrs: Partial<Record<AttrKey, Item[]>> = {};
    const merge = (src: Partial<Record<AttrKey, Item[]>>) => {
      for (const key of ATTR_KEYS) {
        const items = src[key];
        if (items === undefined) continue;
        if (REPLACED.includes(key)) attrs[key] = items;
        else {
          const prev = attrs[key] ?? [];
          attrs[key] = [...prev, ...items.filter((i) => !prev.some((p) => p.text === i.text))];
        }
      }
    };
    const parents: string[] = [];
    for (const d of defs) {
      if (!("inherits" in d.attrs)) continue;
      for (const a of evalJson(d.attrs.inherits, scope))
        for (const p of a.v.t === "l" ? a.v.items : [a.v]) if (!parents.includes(toText(p))) parents.push(toText(p));
    }
    for (const p of parents) {
      if (stack.includes(p) || p === inst.base) continue;
      if (!this.targets.has(p)) {
        this.warnings.push({ path: defs[0]?.file.path ?? "", message: `target "${inst.base}" inherits unknown target "${p}"` });
        continue;
      }
      merge(this.resolve({ name: p, base: p }, sets, [...stack, inst.base]).attrs);
    }
    for (const d of defs) {
      const own: Partial<Record<AttrKey, Item[]>> = {};
      for (const key of ATTR_KEYS) {
        // compose services define an attribute only when they list something for it
        const items = d.items ? (d.items[key]?.length ? d.items[key] : undefined) : evalItems(d, key, scope);
        if (items !== undefined) own[key] = items;
      }
      merge(own);
    }
    // buildx applies `--set` while resolving each target, parents included, so `--set base.tags=…`
    // reaches every target inheriting `base`
    applySets(inst.name, attrs, sets);
    // buildx normalizes every list to unique values (Target.normalize)
    for (const key of ATTR_KEYS) {
      const items = attrs[key];
      if (items) attrs[key] = items.filter((it, i) => items.findIndex((o) => o.text === it.text) === i);
    }
    return { name: inst.name, file: defs.at(-1)?.file.path ?? "", defs, attrs };
  }

  headerOf(name: string) {
    const d = this.targets.get(name)?.at(-1);
    return d ? headerSpan(d.file.path, d.file.text, d.region) : undefined;
  }
}
