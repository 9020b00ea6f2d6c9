/**
 * Cuts the fake server's GraphQL schema from GitHub's published one (`@octokit/graphql-schema`,
 * its schema.json): the object and interface types and fields listed in KEEP, verbatim (names,
 * arguments, defaults, nullability, descriptions), plus every enum, input and scalar type they
 * reach. `npx tsx scripts/cut-graphql-schema.ts` writes lib/demo/fake-github/github-schema.graphql;
 * a contract test fails when that file is not what this script makes of the installed package, so
 * the fake's schema cannot be edited by hand.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  buildClientSchema,
  buildSchema,
  Kind,
  parse,
  print,
  printSchema,
  type DefinitionNode,
  type DocumentNode,
  type IntrospectionQuery,
  type TypeDefinitionNode,
  type TypeNode,
} from "graphql";

/** What the fake serves: the fields cacheguard's scan asks for, and the few tests and tools read. */
export const KEEP: Record<string, string[]> = {
  Query: ["organization", "repository", "rateLimit", "viewer"],
  RateLimit: ["limit", "cost", "remaining", "resetAt", "used", "nodeCount"],
  RepositoryOwner: ["id", "login", "url"],
  User: ["id", "login", "name", "url"],
  Organization: ["id", "databaseId", "login", "name", "url", "repository", "repositories"],
  PageInfo: ["hasNextPage", "hasPreviousPage", "startCursor", "endCursor"],
  RepositoryEdge: ["cursor", "node"],
  RepositoryConnection: ["totalCount", "pageInfo", "nodes", "edges"],
  Repository: [
    "id", "databaseId", "name", "nameWithOwner", "description", "url", "owner", "isArchived", "isFork", "isEmpty",
    "isPrivate", "isDisabled", "isLocked", "visibility", "createdAt", "updatedAt", "pushedAt", "diskUsage",
    "defaultBranchRef", "ref", "object", "repositoryTopics",
  ],
  RepositoryTopicConnection: ["totalCount", "pageInfo", "nodes"],
  RepositoryTopic: ["id", "topic"],
  Topic: ["id", "name"],
  Ref: ["id", "name", "prefix", "repository", "target"],
  GitObject: ["id", "oid", "abbreviatedOid", "repository"],
  Commit: ["id", "oid", "abbreviatedOid", "repository", "committedDate", "pushedDate", "message", "messageHeadline", "tree"],
  Tree: ["id", "oid", "abbreviatedOid", "repository", "entries"],
  TreeEntry: ["name", "path", "oid", "mode", "type", "size", "extension", "isGenerated", "lineCount", "object", "repository"],
  Blob: ["id", "oid", "abbreviatedOid", "repository", "byteSize", "isBinary", "isTruncated", "text"],
};

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// the package's exports map hides its files from require.resolve
const PACKAGE = path.join(ROOT, "node_modules", "@octokit", "graphql-schema");
export const CUT_SCHEMA_FILE = path.join(ROOT, "lib", "demo", "fake-github", "github-schema.graphql");

/** GitHub's published GraphQL schema as introspection JSON (the package's schema.graphql repeats a field, so the JSON is the reference). */
export function publishedSchemaJson(): IntrospectionQuery {
  return JSON.parse(readFileSync(path.join(PACKAGE, "schema.json"), "utf8")) as IntrospectionQuery;
}

export function publishedSchemaVersion(): string {
  return (JSON.parse(readFileSync(path.join(PACKAGE, "package.json"), "utf8")) as { version: string }).version;
}

const namedType = (t: TypeNode): string => (t.kind === Kind.NAMED_TYPE ? t.name.value : namedType(t.type));
const BUILT_IN = new Set(["String", "Int", "Float", "Boolean", "ID"]);

/** The SDL of the cut: deterministic (types sorted by name, fields in GitHub's order). */
export function cutSchema(json: IntrospectionQuery, keep: Record<string, string[]> = KEEP, version = publishedSchemaVersion()): string {
  const full = parse(printSchema(buildClientSchema(json)));
  const byName = new Map<string, TypeDefinitionNode>();
  for (const d of full.definitions) if ("name" in d && d.name && d.kind !== Kind.DIRECTIVE_DEFINITION) byName.set(d.name.value, d as TypeDefinitionNode);
  const out = new Map<string, DefinitionNode>();
  const queue = Object.keys(keep);
  const reach = (t: TypeNode) => {
    const n = namedType(t);
    if (!BUILT_IN.has(n) && !out.has(n)) queue.push(n);
  };
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (out.has(name)) continue;
    const def = byName.get(name);
    if (!def) throw new Error(`GitHub's schema has no type ${name}`);
    if (def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.INTERFACE_TYPE_DEFINITION) {
      const wanted = keep[name];
      if (!wanted) throw new Error(`${name} is reached from a kept field but not listed in KEEP: list the fields the fake serves of it`);
      const fields = (def.fields ?? []).filter((f) => wanted.includes(f.name.value));
      const missing = wanted.filter((w) => !fields.some((f) => f.name.value === w));
      if (missing.length) throw new Error(`GitHub's ${name} has no field(s) ${missing.join(", ")}`);
      for (const f of fields) {
        reach(f.type);
        for (const a of f.arguments ?? []) reach(a.type);
      }
      const interfaces = (def.interfaces ?? []).filter((i) => keep[i.name.value]);
      out.set(name, { ...def, fields, interfaces } as DefinitionNode);
    } else if (def.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) {
      for (const f of def.fields ?? []) reach(f.type);
      out.set(name, def);
    } else if (def.kind === Kind.UNION_TYPE_DEFINITION) {
      throw new Error(`${name} is a union: cutting unions is not supported yet`);
    } else {
      out.set(name, def);
    }
  }
  const doc: DocumentNode = { kind: Kind.DOCUMENT, definitions: [...out.keys()].sort().map((k) => out.get(k)!) };
  const sdl = print(doc);
  buildSchema(sdl); // the cut must be a valid schema on its own (implementations keep their interfaces' fields)
  return `# Generated by scripts/cut-graphql-schema.ts from @octokit/graphql-schema ${version}: do not edit.\n# GitHub's published schema, cut to the types and fields the fake server serves.\n\n${sdl}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(CUT_SCHEMA_FILE, cutSchema(publishedSchemaJson()));
  process.stdout.write(`wrote ${path.relative(ROOT, CUT_SCHEMA_FILE)}\n`);
}
