/**
 * Is a GraphQL answer one the schema can produce for this document? Walks the operation's
 * selection set along the schema's types: every selected response key (aliases included) is there
 * and nothing else, scalars have their type's wire form, non-null fields are never null, lists are
 * lists, enums are values of the enum, and an abstract type's answer fits one of its possible types.
 * (Executing the document would only say what the fake would answer, not whether the answer is right.)
 */
import {
  getNullableType,
  isAbstractType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  parse,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

type Vars = Record<string, unknown>;
interface Walk { schema: GraphQLSchema; fragments: Map<string, FragmentDefinitionNode>; vars: Vars; problems: string[] }

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The wire form of GitHub's scalars (built-ins as the spec says, GitHub's own as its schema describes them). */
function scalarProblem(name: string, v: unknown): string | null {
  switch (name) {
    case "Int": return Number.isInteger(v) && Math.abs(v as number) <= 2 ** 31 ? null : "not a 32-bit Int";
    case "Float": return typeof v === "number" && Number.isFinite(v) ? null : "not a Float";
    case "Boolean": return typeof v === "boolean" ? null : "not a Boolean";
    case "String": case "ID": case "HTML": case "X509Certificate": case "Base64String": case "BigInt":
      return typeof v === "string" ? null : `not a ${name} (string)`;
    case "DateTime": case "PreciseDateTime": return typeof v === "string" && ISO_DATE_TIME.test(v) ? null : "not an ISO-8601 DateTime";
    case "Date": return typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) ? null : "not an ISO-8601 Date";
    case "GitObjectID": return typeof v === "string" && /^[0-9a-f]{40}$/.test(v) ? null : "not a GitObjectID (40 hex digits)";
    case "GitSSHRemote": case "GitTimestamp": return typeof v === "string" ? null : `not a ${name}`;
    case "URI": {
      if (typeof v !== "string") return "not a URI (string)";
      try { new URL(v); return null; } catch { return "not an absolute URI"; }
    }
    default: return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? null : `not a ${name}`;
  }
}

function included(node: FieldNode | { directives?: readonly { name: { value: string }; arguments?: readonly { name: { value: string }; value: ValueNode }[] }[] }, vars: Vars): boolean {
  for (const d of node.directives ?? []) {
    const arg = d.arguments?.find((a) => a.name.value === "if")?.value;
    const value = arg?.kind === Kind.BOOLEAN ? arg.value : arg?.kind === Kind.VARIABLE ? Boolean(vars[arg.name.value]) : true;
    if (d.name.value === "skip" && value) return false;
    if (d.name.value === "include" && !value) return false;
  }
  return true;
}

/** The fields a selection set asks of an object of `type`, by response key (GraphQL's CollectFields). */
function collect(w: Walk, type: GraphQLObjectType, set: SelectionSetNode, out = new Map<string, FieldNode[]>()): Map<string, FieldNode[]> {
  for (const sel of set.selections) {
    if (!included(sel, w.vars)) continue;
    if (sel.kind === Kind.FIELD) {
      const key = sel.alias?.value ?? sel.name.value;
      out.set(key, [...(out.get(key) ?? []), sel]);
      continue;
    }
    const frag = sel.kind === Kind.FRAGMENT_SPREAD ? w.fragments.get(sel.name.value) : sel;
    if (!frag) continue;
    const cond = frag.typeCondition ? w.schema.getType(frag.typeCondition.name.value) : type;
    const applies = cond === type || (cond !== undefined && cond !== null && isAbstractType(cond) && w.schema.isSubType(cond, type));
    if (applies) collect(w, type, frag.selectionSet, out);
  }
  return out;
}

function checkObject(w: Walk, type: GraphQLObjectType, nodes: FieldNode[], v: unknown, at: string): void {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return void w.problems.push(`${at}: not an object (${type.name})`);
  const obj = v as Record<string, unknown>;
  const fields = new Map<string, FieldNode[]>();
  for (const n of nodes) if (n.selectionSet) collect(w, type, n.selectionSet, fields);
  for (const key of Object.keys(obj)) if (!fields.has(key)) w.problems.push(`${at}.${key}: not asked for (${type.name})`);
  for (const [key, fieldNodes] of fields) {
    const name = fieldNodes[0].name.value;
    const path = `${at}.${key}`;
    if (!(key in obj)) {
      w.problems.push(`${path}: missing`);
      continue;
    }
    if (name === "__typename") {
      if (obj[key] !== type.name) w.problems.push(`${path}: ${JSON.stringify(obj[key])} is not ${type.name}`);
      continue;
    }
    const def = type.getFields()[name];
    if (!def) {
      w.problems.push(`${path}: ${type.name} has no field ${name}`);
      continue;
    }
    checkValue(w, def.type, fieldNodes, obj[key], path);
  }
}

function checkValue(w: Walk, type: GraphQLOutputType, nodes: FieldNode[], v: unknown, at: string): void {
  if (v === null) {
    // a field that errored is null, and GitHub says so in `errors`; a non-null field never is
    if (isNonNullType(type)) w.problems.push(`${at}: null for non-null ${String(type)}`);
    return;
  }
  const t = getNullableType(type);
  if (isListType(t)) {
    if (!Array.isArray(v)) return void w.problems.push(`${at}: not a list (${String(type)})`);
    v.forEach((item, i) => checkValue(w, t.ofType, nodes, item, `${at}[${i}]`));
    return;
  }
  if (isScalarType(t)) {
    const p = scalarProblem(t.name, v);
    if (p) w.problems.push(`${at}: ${JSON.stringify(v)} ${p}`);
    return;
  }
  if (isEnumType(t)) {
    if (!t.getValues().some((e) => e.name === v)) w.problems.push(`${at}: ${JSON.stringify(v)} is not a value of ${t.name}`);
    return;
  }
  if (isObjectType(t)) return checkObject(w, t, nodes, v, at);
  if (isAbstractType(t)) {
    const typename = (v as { __typename?: unknown }).__typename;
    const candidates = w.schema.getPossibleTypes(t).filter((p) => typename === undefined || p.name === typename);
    if (candidates.length === 0) return void w.problems.push(`${at}: __typename ${JSON.stringify(typename)} is not a possible type of ${t.name}`);
    // without __typename the answer must fit one possible type exactly
    let best: string[] | null = null;
    for (const c of candidates) {
      const trial: Walk = { ...w, problems: [] };
      checkObject(trial, c, nodes, v, at);
      if (trial.problems.length === 0) return;
      if (!best || trial.problems.length < best.length) best = trial.problems;
    }
    w.problems.push(...(best ?? []));
  }
}

export interface GraphQLAnswer { data?: unknown; errors?: Array<{ message?: unknown; path?: unknown; type?: unknown; locations?: unknown }> }

/** What is wrong with `answer` as the result of `query` with `variables` (empty: nothing). */
export function answerProblems(schema: GraphQLSchema, query: string, variables: Vars, answer: GraphQLAnswer, operationName?: string): string[] {
  const doc = parse(query);
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops[0];
  if (!op) return ["no operation in the document"];
  const fragments = new Map(doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const problems: string[] = [];
  for (const [i, e] of (answer.errors ?? []).entries()) {
    if (typeof e.message !== "string") problems.push(`errors[${i}]: no message`);
    if (e.path !== undefined && !(Array.isArray(e.path) && e.path.every((p) => typeof p === "string" || Number.isInteger(p)))) problems.push(`errors[${i}].path: not a list of keys and indexes`);
    if (e.locations !== undefined && !(Array.isArray(e.locations) && e.locations.every((l) => Number.isInteger((l as { line?: unknown }).line) && Number.isInteger((l as { column?: unknown }).column)))) problems.push(`errors[${i}].locations: not {line, column} pairs`);
  }
  if (answer.data === undefined || answer.data === null) {
    if (!answer.errors?.length) problems.push("neither data nor errors");
    return problems;
  }
  const root = op.operation === "query" ? schema.getQueryType() : op.operation === "mutation" ? schema.getMutationType() : schema.getSubscriptionType();
  if (!root) return [...problems, `the schema has no ${op.operation} type`];
  const w: Walk = { schema, fragments, vars: variables, problems };
  checkObject(w, root, [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: "data" }, selectionSet: op.selectionSet } as FieldNode], answer.data, "data");
  return problems;
}
