import { readFileSync } from "node:fs";
import { buildSchema } from "graphql";

/**
 * The fake's GraphQL schema is GitHub's published one, cut to what it serves by
 * scripts/cut-graphql-schema.ts (never edited by hand: a contract test compares the file with the
 * script's output), so a field misnamed in both the client and the fake cannot pass.
 */
export const schema = buildSchema(readFileSync(new URL("./github-schema.graphql", import.meta.url), "utf8"));
