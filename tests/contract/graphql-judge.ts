/** Is a GraphQL document one GitHub would run? Validation against a schema, and its variables coerced. */
import { createHash } from "node:crypto";
import { getVariableValues, Kind, parse, validate, type GraphQLSchema, type OperationDefinitionNode } from "graphql";

export const docId = (query: string) => createHash("sha256").update(query).digest("hex").slice(0, 16);

/** Validation errors of a document with its variables (empty when GitHub would run it). */
export function documentProblems(schema: GraphQLSchema, query: string, variables: Record<string, unknown>): string[] {
  const doc = parse(query);
  const errors = validate(schema, doc).map((e) => e.message);
  if (errors.length) return errors;
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const coerced = getVariableValues(schema, op.variableDefinitions ?? [], variables);
  const declared = new Set((op.variableDefinitions ?? []).map((d) => d.variable.name.value));
  const unused = Object.keys(variables).filter((k) => !declared.has(k)).map((k) => `variable $${k} is sent but not declared`);
  return [...(coerced.errors ?? []).map((e) => e.message), ...unused];
}

