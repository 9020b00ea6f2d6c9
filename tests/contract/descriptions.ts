/**
 * GitHub's published descriptions, the judges of the fake server's wire formats: the GraphQL
 * schema (@octokit/graphql-schema), the REST description of api.github.com (@octokit/openapi) and
 * its webhooks (@octokit/openapi-webhooks). Big JSON files: loaded by tests only, never by the app.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { buildClientSchema, type GraphQLSchema } from "graphql";
import { publishedSchemaJson } from "@/scripts/cut-graphql-schema";
import { ajvFor, type Json } from "./openapi-schema";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
// the packages' exports maps hide these files from require.resolve
const file = (pkg: string, rel: string) => path.join(ROOT, "node_modules", "@octokit", pkg, rel);
const json = (p: string) => JSON.parse(readFileSync(p, "utf8")) as { [k: string]: Json };

let graphqlSchema: GraphQLSchema | null = null;
/** GitHub's whole public GraphQL schema. */
export function publishedGraphQLSchema(): GraphQLSchema {
  return (graphqlSchema ??= buildClientSchema(publishedSchemaJson()));
}

export const REST_ID = "github-rest";
let rest: { doc: { [k: string]: Json }; ajv: ReturnType<typeof ajvFor> } | null = null;
/** api.github.com's OpenAPI description (not GHES), with an ajv holding its components. */
export function restDescription() {
  if (!rest) {
    const doc = json(file("openapi", "generated/api.github.com.json"));
    rest = { doc, ajv: ajvFor(REST_ID, doc.components as { [k: string]: Json }) };
  }
  return rest;
}

export const WEBHOOKS_ID = "github-webhooks";
let hooks: { doc: { [k: string]: Json }; ajv: ReturnType<typeof ajvFor> } | null = null;
/** api.github.com's webhook descriptions (the `webhooks` section: one entry per event and action). */
export function webhooksDescription() {
  if (!hooks) {
    const doc = json(file("openapi-webhooks", "generated/api.github.com.json"));
    hooks = { doc, ajv: ajvFor(WEBHOOKS_ID, doc.components as { [k: string]: Json }) };
  }
  return hooks;
}
