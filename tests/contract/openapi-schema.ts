/**
 * OpenAPI 3.0 schemas (GitHub's REST and webhook descriptions) as JSON Schema that ajv validates:
 * `nullable: true` becomes a `null` alternative, `$ref`s into `#/components/…` point into one
 * registered document, and answers are looked up by method + path template + status.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const isObj = (v: Json | undefined): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** keywords whose value is one schema */
const ONE = ["items", "not", "additionalItems", "contains", "propertyNames", "if", "then", "else"];
/** keywords whose value is a list of schemas */
const MANY = ["allOf", "anyOf", "oneOf"];
/** keywords whose value maps names to schemas */
const MAP = ["properties", "patternProperties", "definitions", "$defs"];

/**
 * One OpenAPI 3.0 schema object as JSON Schema (draft 7 as ajv reads it). `refBase` is prefixed to
 * local refs (`#/components/schemas/x` -> `gh#/components/schemas/x`). Recurses only into schema
 * positions, so a property that happens to be called `nullable` stays a property.
 */
export function toJsonSchema(schema: Json, refBase = ""): Json {
  if (!isObj(schema)) return schema;
  const out: Obj = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === "nullable" || k === "example" || k === "examples" || k === "discriminator" || k === "xml" || k === "externalDocs") continue;
    if (k === "$ref" && typeof v === "string") out[k] = v.startsWith("#") ? `${refBase}${v}` : v;
    else if (ONE.includes(k)) out[k] = toJsonSchema(v, refBase);
    else if (MANY.includes(k) && Array.isArray(v)) out[k] = v.map((s) => toJsonSchema(s, refBase));
    else if (MAP.includes(k) && isObj(v)) out[k] = Object.fromEntries(Object.entries(v).map(([n, s]) => [n, toJsonSchema(s, refBase)]));
    else if (k === "additionalProperties" && isObj(v)) out[k] = toJsonSchema(v, refBase);
    else out[k] = v;
  }
  if (schema.nullable !== true) return out;
  // OpenAPI 3.0: nullable adds null to what the schema allows
  if (typeof out.type === "string" && !("$ref" in out) && !MANY.some((m) => m in out)) {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: "null" }] };
}

/** Every `format` a description uses, so the ones ajv-formats does not know (int64, timestamp, …) can be declared as annotations. */
function formatsIn(v: Json, acc = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) formatsIn(x, acc);
  else if (isObj(v)) for (const [k, x] of Object.entries(v)) (k === "format" && typeof x === "string" ? acc.add(x) : formatsIn(x, acc));
  return acc;
}

/** An ajv holding one OpenAPI description's components under `$id` `id`. */
export function ajvFor(id: string, components: Obj): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  for (const f of formatsIn(components)) if (!ajv.formats[f]) ajv.addFormat(f, true);
  const converted = Object.fromEntries(
    Object.entries(components).map(([section, entries]) => [
      section,
      section === "schemas" && isObj(entries) ? Object.fromEntries(Object.entries(entries).map(([n, s]) => [n, toJsonSchema(s, id)])) : entries,
    ]),
  );
  ajv.addSchema({ $id: id, components: converted } as object);
  return ajv;
}

export function compileIn(ajv: Ajv, id: string, schema: Json): ValidateFunction {
  const js = toJsonSchema(schema, id);
  return ajv.compile(isObj(js) ? js : {});
}

export function formatErrors(errors: ErrorObject[] | null | undefined, max = 8): string {
  return (errors ?? []).slice(0, max).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`).join("; ");
}

/** Follow one `$ref` to `#/components/<section>/<name>` in `doc`. */
export function deref<T extends Json>(doc: Obj, v: Json): T {
  let cur: Json = v;
  for (let i = 0; isObj(cur) && typeof cur.$ref === "string" && i < 10; i++) {
    const parts = cur.$ref.replace(/^#\//, "").split("/");
    cur = parts.reduce<Json>((o, p) => (isObj(o) ? (o[p] ?? null) : null), doc);
  }
  return cur as T;
}

export interface Operation {
  method: string;
  template: string;
  operationId: string;
  responses: Obj;
  parameters: Json[];
  /** whether the operation takes a JSON request body (GitHub checks it against the body's schema) */
  hasRequestBody: boolean;
}

/** The operation of `method path` in a description's `paths`: the matching template with the most literal segments. */
export function findOperation(doc: Obj, method: string, pathname: string): Operation | null {
  const paths = doc.paths as Obj;
  let best: { op: Operation; literal: number } | null = null;
  for (const [template, item] of Object.entries(paths)) {
    if (!isObj(item)) continue;
    const op = item[method.toLowerCase()];
    if (!isObj(op)) continue;
    const names: string[] = [];
    // a {path} (contents) or {ref} (git refs: `heads/main`) parameter spans slashes; any other is one segment
    const re = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{([^}]+)\}/g, (_m, n: string) => (names.push(n), n === "path" || n === "ref" ? "(.*)" : "([^/]+)"))}$`);
    if (!re.test(pathname)) continue;
    const literal = template.split("/").filter((s) => s && !s.startsWith("{")).length;
    if (!best || literal > best.literal) {
      best = { op: { method: method.toUpperCase(), template, operationId: String(op.operationId), responses: op.responses as Obj, parameters: (op.parameters as Json[]) ?? [], hasRequestBody: isObj(op.requestBody ?? null) }, literal };
    }
  }
  return best?.op ?? null;
}
