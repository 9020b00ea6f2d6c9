/**
 * Compose files as bake reads them: each service with a `build:` section is a target; its tags are
 * `build.tags` plus `x-bake.tags`, or `image` when those list none, caches come from `build.cache_from` / `build.cache_to` and
 * `x-bake.cache-from` / `x-bake.cache-to`, outputs from `x-bake.output`. Values keep exact spans because
 * the YAML parser knows where every scalar is.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type Node as YNode, parseDocument } from "yaml";
import { spanAt } from "../span";
import type { ParseError } from "../types";
import type { AttrKey, BakeDoc, FileCtx, Item, TargetDef } from "./model";

/** Compose variable interpolation; variables the workflow does not set become opaque tokens. */
export function interpolateCompose(s: string, vars: Record<string, string>): string {
  return s.replace(/\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (m, _a, braced, op, arg, bare) => {
    if (m === "$$") return "$";
    const name: string = braced ?? bare;
    const has = Object.prototype.hasOwnProperty.call(vars, name);
    const val = has ? vars[name] : undefined;
    const empty = val === undefined || (op?.startsWith(":") && val === "");
    if (op === ":-" || op === "-") return empty ? interpolateCompose(arg ?? "", vars) : (val ?? "");
    if (op === ":+" || op === "+") return empty ? "" : interpolateCompose(arg ?? "", vars);
    return has ? (val ?? "") : `\${{ bake.${name} }}`;
  });
}

function deref(doc: Document, n: unknown): unknown {
  return isAlias(n) ? n.resolve(doc) : n;
}

/** A key's value node in a map, following `<<` merge keys as compose does. */
function get(doc: Document, map: unknown, key: string, depth = 0): YNode | undefined {
  const m = deref(doc, map);
  if (!isMap(m) || depth > 8) return undefined;
  for (const pair of m.items) {
    const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (k === key) return (deref(doc, pair.value) ?? undefined) as YNode | undefined;
  }
  for (const pair of m.items) {
    const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (k !== "<<") continue;
    const v = deref(doc, pair.value);
    const sources = isSeq(v) ? v.items : [v];
    for (const s of sources) {
      const found = get(doc, s, key, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

function scalarItems(doc: Document, file: FileCtx, node: YNode | undefined, vars: Record<string, string>): Item[] {
  const n = deref(doc, node);
  const scalars = isSeq(n) ? n.items.map((x) => deref(doc, x)) : [n];
  const out: Item[] = [];
  for (const s of scalars) {
    if (isMap(s)) {
      // cache specs may be written as maps ({type: registry, ref: ...}): rebuild the CSV form
      const js = s.toJSON() as Record<string, unknown>;
      const csv = Object.entries(js).map(([k, v]) => `${k}=${String(v)}`).join(",");
      const range = s.range ?? [0, 0, 0];
      out.push({ text: interpolateCompose(csv, vars), raw: csv, spec: false, span: spanAt(file.path, file.text, range[0], range[1]) });
      continue;
    }
    if (!isScalar(s) || s.value === null || s.value === undefined) continue;
    const value = String(s.value);
    const [start, end] = s.range ?? [0, 0];
    let src = file.text.slice(start, end);
    let offset = start;
    if ((src.startsWith('"') || src.startsWith("'")) && src.length >= 2) {
      src = src.slice(1, -1);
      offset++;
    }
    // escapes or folding make the written characters differ from the value: point at the whole node
    const verbatim = src === value;
    const raw = verbatim ? src : value;
    const span = verbatim ? spanAt(file.path, file.text, offset, offset + src.length) : spanAt(file.path, file.text, start, end);
    const item: Item = { text: interpolateCompose(value, vars), raw, spec: false, span };
    if (verbatim) item.where = { path: file.path, text: file.text, offset, end: offset + src.length };
    out.push(item);
  }
  return out;
}

export function loadCompose(file: FileCtx, vars: Record<string, string>): BakeDoc | ParseError {
  const doc = parseDocument(file.text, { merge: true, uniqueKeys: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = e.linePos?.[0];
    return { path: file.path, message: e.message.split("\n")[0], line: pos?.line, column: pos?.col };
  }
  const out: BakeDoc = { file, targets: [], groups: [], variables: [], functions: [], globals: {} };
  const services = get(doc, doc.contents, "services");
  if (!isMap(services)) return out;
  const names: string[] = [];
  for (const pair of services.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const svc = deref(doc, pair.value);
    const build = get(doc, svc, "build");
    if (!name || !build) continue; // bake builds only services with a build section
    const svcNode = svc as YNode;
    const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
    const start = keyRange?.[0] ?? svcNode.range?.[0] ?? 0;
    const end = svcNode.range?.[2] ?? start;
    const nl = file.text.indexOf("\n", start);
    const region = { start, end, headerEnd: nl < 0 || nl > end ? end : nl };
    const xb = get(doc, build, "x-bake");
    const tags = [...scalarItems(doc, file, get(doc, build, "tags"), vars), ...scalarItems(doc, file, get(doc, xb, "tags"), vars)];
    const items: Partial<Record<AttrKey, Item[]>> = {
      // buildx (bake/compose.go) tags the build with `image` only when no tags are listed
      tags: tags.length > 0 ? tags : scalarItems(doc, file, get(doc, svc, "image"), vars),
      "cache-from": [...scalarItems(doc, file, get(doc, build, "cache_from"), vars), ...scalarItems(doc, file, get(doc, xb, "cache-from"), vars)],
      "cache-to": [...scalarItems(doc, file, get(doc, build, "cache_to"), vars), ...scalarItems(doc, file, get(doc, xb, "cache-to"), vars)],
      output: scalarItems(doc, file, get(doc, xb, "output"), vars),
    };
    const pushNode = get(doc, xb, "push");
    if (pushNode) items.push = scalarItems(doc, file, pushNode, vars);
    // buildx sanitizes service names into target names the same way
    const target: TargetDef = { name: name.replace(/\./g, "_"), file, region, attrs: {}, items };
    out.targets.push(target);
    names.push(target.name);
  }
  if (names.length > 0) out.groups.push({ name: "default", targets: names, file });
  return out;
}
