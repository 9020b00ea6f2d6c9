/**
 * Reading one bake file (HCL, JSON or compose) into the shape the resolver merges. A file that does not
 * parse yields a ParseError and no definitions; the other files are still used.
 */
import { parse as parseHcl } from "@cdktf/hcl2json";
import type { ParseError } from "../types";
import { loadCompose } from "./compose";
import { type BlockLoc, type Region, scanHclBlocks, scanJsonBlock } from "./locate";
import type { BakeDoc, FileCtx, GroupDef, TargetDef, VariableDef } from "./model";

type Json = Record<string, unknown>;

export type BakeFormat = "hcl" | "json" | "compose";

export function formatOf(path: string, text: string): BakeFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith(".json")) return "json";
  if (lower.endsWith(".hcl")) return "hcl";
  if (lower.endsWith(".yml") || lower.endsWith(".yaml")) return "compose";
  // buildx sniffs unknown extensions the same way: JSON first, then compose, then HCL
  const t = text.trimStart();
  if (t.startsWith("{")) return "json";
  if (/^services\s*:/m.test(t)) return "compose";
  return "hcl";
}

function isObj(v: unknown): v is Json {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** hcl2json gives each block as an array of bodies; a JSON bake file gives one object. */
function bodies(v: unknown): Json[] {
  if (Array.isArray(v)) return v.filter(isObj);
  return isObj(v) ? [v] : [];
}

function wholeFile(text: string): Region {
  const nl = text.indexOf("\n");
  return { start: 0, end: text.length, headerEnd: nl < 0 ? text.length : nl };
}

function fromJson(file: FileCtx, root: Json, blocksOf: (kind: string, name: string, index: number) => Region): BakeDoc {
  const doc: BakeDoc = { file, targets: [], groups: [], variables: [], functions: [], globals: {} };
  for (const [key, val] of Object.entries(root)) {
    if (key === "target" && isObj(val)) {
      for (const [name, bs] of Object.entries(val))
        bodies(bs).forEach((attrs, i) => doc.targets.push({ name, file, region: blocksOf("target", name, i), attrs }));
    } else if (key === "group" && isObj(val)) {
      for (const [name, bs] of Object.entries(val))
        for (const g of bodies(bs)) doc.groups.push({ name, targets: g.targets, file } satisfies GroupDef);
    } else if (key === "variable" && isObj(val)) {
      for (const [name, bs] of Object.entries(val))
        bodies(bs).forEach((v, i) => {
          const def: VariableDef = { name, hasDefault: "default" in v, default: v.default, file, region: blocksOf("variable", name, i) };
          doc.variables.push(def);
        });
    } else if (key === "function" && isObj(val)) {
      for (const [name, bs] of Object.entries(val))
        for (const f of bodies(bs)) {
          // hcl2json writes the parameter names as `${name}` references
          const names = (v: unknown) => (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string").map((x) => x.replace(/^\$\{(.*)\}$/, "$1").trim());
          doc.functions.push({ name, params: names(f.params), variadic: names(f.variadic_params)[0], result: f.result });
        }
    } else {
      doc.globals[key] = val;
    }
  }
  return doc;
}

function hclError(path: string, err: unknown): ParseError {
  const msg = err instanceof Error ? err.message : String(err);
  // hcl2json: `parse config: [file.hcl:3,1-2: Invalid expression; ...]`
  const m = /:(\d+),(\d+)(?:-\d+)?: ([^\]]*)/.exec(msg);
  return m
    ? { path, message: m[3].trim(), line: Number(m[1]), column: Number(m[2]) }
    : { path, message: msg.replace(/^parse config: /, "") };
}

async function loadHcl(file: FileCtx): Promise<BakeDoc | ParseError> {
  let root: unknown;
  try {
    root = await parseHcl(file.path, file.text);
  } catch (err) {
    return hclError(file.path, err);
  }
  if (!isObj(root)) return { path: file.path, message: "not a bake file" };
  const blocks = scanHclBlocks(file.text);
  const byKey = new Map<string, BlockLoc[]>();
  for (const b of blocks) {
    const k = `${b.kind}\0${b.name}`;
    byKey.set(k, [...(byKey.get(k) ?? []), b]);
  }
  return fromJson(file, root, (kind, name, i) => byKey.get(`${kind}\0${name}`)?.[i] ?? wholeFile(file.text));
}

function loadJson(file: FileCtx): BakeDoc | ParseError {
  let root: unknown;
  try {
    root = JSON.parse(file.text);
  } catch (err) {
    return { path: file.path, message: err instanceof Error ? err.message : String(err) };
  }
  if (!isObj(root)) return { path: file.path, message: "a JSON bake file must be an object" };
  return fromJson(file, root, (kind, name) => scanJsonBlock(file.text, kind, name) ?? wholeFile(file.text));
}

export async function loadBakeFile(file: FileCtx, vars: Record<string, string>): Promise<BakeDoc | ParseError> {
  const format = formatOf(file.path, file.text);
  if (format === "json") return loadJson(file);
  if (format === "compose") return loadCompose(file, vars);
  return loadHcl(file);
}

export function isParseError(x: BakeDoc | ParseError): x is ParseError {
  return "message" in x;
}

export type { TargetDef };
