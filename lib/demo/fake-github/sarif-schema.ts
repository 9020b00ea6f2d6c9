import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsPlugin from "ajv-formats";

/**
 * The OASIS SARIF 2.1.0 schema (errata01, `sarif-schema-2.1.0.json` beside this file), compiled once:
 * what the fake's code-scanning upload holds every SARIF against, and what the tests validate
 * cacheguard's SARIF with. The file is draft-04; ajv runs draft-07, which reads it once `id` is `$id`.
 */
const addFormats = (addFormatsPlugin as unknown as { default?: typeof addFormatsPlugin }).default ?? addFormatsPlugin;

export const SARIF_SCHEMA_FILE = path.join(import.meta.dirname, "sarif-schema-2.1.0.json");

let compiled: ValidateFunction | null = null;

export function sarifValidator(): ValidateFunction {
  if (compiled) return compiled;
  const schema = JSON.parse(readFileSync(SARIF_SCHEMA_FILE, "utf8")) as Record<string, unknown>;
  delete schema.$schema;
  schema.$id = schema.id;
  delete schema.id;
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  compiled = ajv.compile(schema);
  return compiled;
}

/** Schema errors as GitHub's upload lists them: `instance.runs[0].tool.driver requires property "name"`. */
export function sarifErrors(errors: ErrorObject[] | null | undefined, max = 10): string[] {
  return (errors ?? []).slice(0, max).map((e) => {
    const where = `instance${e.instancePath.split("/").slice(1).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join("")}`;
    if (e.keyword === "required") return `${where} requires property "${String((e.params as { missingProperty?: string }).missingProperty)}"`;
    if (e.keyword === "additionalProperties") return `${where} is not allowed to have the additional property "${String((e.params as { additionalProperty?: string }).additionalProperty)}"`;
    return `${where} ${e.message ?? "is invalid"}`;
  });
}
