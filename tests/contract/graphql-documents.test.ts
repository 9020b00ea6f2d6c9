/**
 * Every GraphQL document the scan client can send is valid against GitHub's published schema (and
 * against the fake's cut of it, so the fake can answer it), with variables GitHub would accept; the
 * cut the fake executes is what scripts/cut-graphql-schema.ts makes of the published schema now.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { schema as fakeSchema } from "@/lib/demo/fake-github/graphql-schema";
import { CUT_SCHEMA_FILE, cutSchema, publishedSchemaJson } from "@/scripts/cut-graphql-schema";
import { clientDocuments, type SentDocument } from "./client-documents";
import { publishedGraphQLSchema } from "./descriptions";
import { docId, documentProblems } from "./graphql-judge";
import { tally } from "./tally";

let sent: SentDocument[] = [];
beforeAll(async () => {
  sent = await clientDocuments();
});

describe("GraphQL documents the client sends", () => {
  it("covers every shape: the repository listing's pages, one repository (a webhook's scan), each workflow batch size, files by path at refs", () => {
    const shapes = new Set(sent.map((s) => s.shape.replace(/#\d+|\d+/g, "N")));
    expect([...shapes].sort()).toEqual(["files by path N", "one repository", "repository listing", "workflow trees, N repositories", "workflow trees, batch size N"]);
    // the listing went on to its later pages with a cursor
    expect(sent.filter((s) => s.shape === "repository listing").map((s) => s.variables.cursor === null || s.variables.cursor === undefined)).toEqual([true, false, false]);
    // one request per batch: sizes 1..25 are 25 distinct documents
    expect(new Set(sent.filter((s) => s.shape.startsWith("workflow trees,")).map((s) => s.query)).size).toBe(25);
  });

  it("each is valid against GitHub's published schema, with variables it accepts", () => {
    const published = publishedGraphQLSchema();
    for (const s of sent) {
      expect(documentProblems(published, s.query, s.variables), `${s.shape}:\n${s.query}`).toEqual([]);
      tally("GraphQL documents validated", docId(s.query));
    }
  });

  it("each is valid against the fake's schema too: the fake answers every field the client asks", () => {
    for (const s of sent) expect(documentProblems(fakeSchema, s.query, s.variables), s.shape).toEqual([]);
  });

  it("a field misnamed in a document is caught (the check can fail)", () => {
    const s = sent.find((x) => x.shape === "repository listing")!;
    expect(documentProblems(publishedGraphQLSchema(), s.query.replace("isArchived", "archived"), s.variables).join()).toMatch(/Cannot query field "archived"/);
  });
});

describe("the fake's schema", () => {
  it("is the cut scripts/cut-graphql-schema.ts makes of @octokit/graphql-schema (regenerate with `npx tsx scripts/cut-graphql-schema.ts`)", () => {
    expect(readFileSync(CUT_SCHEMA_FILE, "utf8")).toBe(cutSchema(publishedSchemaJson()));
  });

  it("the cut refuses a field GitHub does not have", () => {
    expect(() => cutSchema(publishedSchemaJson(), { Query: ["viewer"], User: ["login", "avatar"] })).toThrow(/no field\(s\) avatar/);
  });
});
