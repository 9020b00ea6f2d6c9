/**
 * The judges themselves: the OpenAPI -> JSON Schema converter and the GraphQL answer checker must
 * reject what GitHub would never send, or every contract test built on them passes for nothing.
 */
import { describe, expect, it } from "vitest";
import { schema as fakeSchema } from "@/lib/demo/fake-github/graphql-schema";
import { publishedGraphQLSchema, REST_ID, restDescription } from "./descriptions";
import { answerProblems } from "./graphql-answer";
import { compileIn, deref, findOperation, toJsonSchema, type Json } from "./openapi-schema";
import type { Exchange } from "./recording-proxy";
import { errorAlternatives, judgeRest } from "./rest-judge";

describe("OpenAPI 3.0 -> JSON Schema", () => {
  it("turns nullable into a null alternative, on typed, enum and composed schemas, and leaves a property named nullable alone", () => {
    expect(toJsonSchema({ type: "string", nullable: true })).toEqual({ type: ["string", "null"] });
    expect(toJsonSchema({ type: "string", enum: ["a"], nullable: true })).toEqual({ type: ["string", "null"], enum: ["a", null] });
    expect(toJsonSchema({ allOf: [{ $ref: "#/components/schemas/x" }], nullable: true }, "gh")).toEqual({ anyOf: [{ allOf: [{ $ref: "gh#/components/schemas/x" }] }, { type: "null" }] });
    expect(toJsonSchema({ type: "object", properties: { nullable: { type: "boolean" } }, example: { nullable: true } })).toEqual({ type: "object", properties: { nullable: { type: "boolean" } } });
  });

  it("judges an answer by GitHub's schema: a package whose owner lacks avatar_url fails, the full simple-user passes", () => {
    const { doc, ajv } = restDescription();
    const op = findOperation(doc, "GET", "/orgs/acme/packages")!;
    expect(op.operationId).toBe("packages/list-packages-for-organization");
    const schema = deref<{ content: { "application/json": { schema: Json } } }>(doc, op.responses["200"]).content["application/json"].schema;
    const validate = compileIn(ajv, REST_ID, schema);
    const u = "https://api.github.com/users/acme";
    const owner = {
      login: "acme", id: 1, node_id: "O_1", avatar_url: "https://avatars.githubusercontent.com/u/1?v=4", gravatar_id: "", url: "https://api.github.com/users/acme",
      html_url: "https://github.com/acme", followers_url: `${u}/followers`, following_url: `${u}/following{/other_user}`, gists_url: `${u}/gists{/gist_id}`,
      starred_url: `${u}/starred{/owner}{/repo}`, subscriptions_url: `${u}/subscriptions`, organizations_url: `${u}/orgs`, repos_url: `${u}/repos`,
      events_url: `${u}/events{/privacy}`, received_events_url: `${u}/received_events`, type: "Organization", site_admin: false,
    };
    const pkg = { id: 1, name: "api", package_type: "container", url: "https://api.github.com/orgs/acme/packages/container/api", html_url: "https://github.com/orgs/acme/packages/container/package/api", version_count: 3, visibility: "public", created_at: "2024-01-15T10:00:00Z", updated_at: "2024-01-15T10:00:00Z", owner };
    expect(validate([pkg]), JSON.stringify(validate.errors)).toBe(true);
    const { avatar_url: _a, ...short } = owner;
    expect(validate([{ ...pkg, owner: short }])).toBe(false);
    expect(validate([{ ...pkg, created_at: "yesterday" }])).toBe(false);
    expect(validate([{ ...pkg, package_type: "oci" }])).toBe(false);
  });

  it("a 422 that is oneOf validation-error or repository-rule-violation-error accepts a validation error and still refuses a malformed one", () => {
    const exchange = (body: unknown): Exchange => ({ method: "POST", url: "/repos/acme/api/git/blobs", requestBody: "{}", status: 422, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(body) });
    const judged = (body: unknown) => judgeRest(exchange(body), { rateHeaders: false }).problems;
    expect(judged({ message: "Invalid request.", documentation_url: "https://docs.github.com/rest/git/blobs#create-a-blob", status: "422" })).toEqual([]);
    expect(judged({ message: 422, documentation_url: "https://docs.github.com/rest/git/blobs#create-a-blob" }).join()).toMatch(/message/);
    expect(errorAlternatives({ oneOf: [{ $ref: "#/components/schemas/a" }, { $ref: "#/components/schemas/b" }] })).toHaveProperty("oneOf");
  });

  it("a 422 'Invalid request.' (GitHub's request-schema check) counts on an operation with a body, and only there", () => {
    const refusal = (method: string, url: string, message: string): Exchange => ({ method, url, requestBody: "{}", status: 422, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify({ message, documentation_url: "https://docs.github.com/rest", status: "422" }) });
    const problems = (e: Exchange) => judgeRest(e, { rateHeaders: false }).problems;
    // upload-sarif documents 400, 403, 404, 413 and 503, yet GitHub answers a commit_sha that is too short with 422
    expect(problems(refusal("POST", "/repos/acme/api/code-scanning/sarifs", "Invalid request.\n\nAt least 40 characters are required; only 3 were supplied."))).toEqual([]);
    expect(problems(refusal("POST", "/repos/acme/api/code-scanning/sarifs", "Validation Failed")).join()).toMatch(/status not documented/);
    expect(problems(refusal("GET", "/repos/acme/api/code-scanning/sarifs/x", "Invalid request.\n\nno body to check")).join()).toMatch(/status not documented/);
  });

  it("picks the most literal path template (packages/{type}/{name}/versions is not contents/{path}; {ref} spans slashes)", () => {
    const { doc } = restDescription();
    expect(findOperation(doc, "GET", "/orgs/acme/packages/container/api/versions")?.template).toBe("/orgs/{org}/packages/{package_type}/{package_name}/versions");
    expect(findOperation(doc, "GET", "/repos/acme/api/contents/.github/workflows/ci.yml")?.template).toBe("/repos/{owner}/{repo}/contents/{path}");
    expect(findOperation(doc, "GET", "/repos/acme/api/git/ref/heads/main")?.template).toBe("/repos/{owner}/{repo}/git/ref/{ref}");
    expect(findOperation(doc, "GET", "/repos/acme/api/commits/main/status")?.template).toBe("/repos/{owner}/{repo}/commits/{ref}/status");
    expect(findOperation(doc, "GET", "/nowhere/at/all")).toBeNull();
  });
});

describe("GraphQL answer checker", () => {
  const schema = publishedGraphQLSchema();
  const query = `query($o: String!) { repository(owner: $o, name: "api") { name isPrivate pushedAt head: defaultBranchRef { target { oid } }
    object(expression: "HEAD:x") { __typename ... on Blob { byteSize text } } } }`;
  const good = { repository: { name: "api", isPrivate: false, pushedAt: "2024-05-01T12:00:00Z", head: { target: { oid: "a".repeat(40) } }, object: { __typename: "Blob", byteSize: 3, text: "abc" } } };

  it("accepts an answer the schema can produce (aliases, interfaces with and without __typename)", () => {
    expect(answerProblems(schema, query, { o: "acme" }, { data: good })).toEqual([]);
  });

  it.each([
    ["a misnamed field", { ...good.repository, isPrivat: false }, /isPrivat: not asked for/],
    ["a field left out", (({ name: _n, ...r }) => r)(good.repository), /name: missing/],
    ["a Boolean sent as a string", { ...good.repository, isPrivate: "false" }, /not a Boolean/],
    ["a non-null field null", { ...good.repository, name: null }, /null for non-null/],
    ["a DateTime that is not ISO-8601", { ...good.repository, pushedAt: "May 1" }, /DateTime/],
    ["a GitObjectID that is not 40 hex digits", { ...good.repository, head: { target: { oid: "abc" } } }, /GitObjectID/],
    ["an Int sent as a string", { ...good.repository, object: { __typename: "Blob", byteSize: "3", text: "abc" } }, /Int/],
    ["a __typename the interface cannot have", { ...good.repository, object: { __typename: "Issue", byteSize: 3, text: "abc" } }, /not a possible type/],
  ])("rejects %s", (_what, repository, problem) => {
    expect(answerProblems(schema, query, { o: "acme" }, { data: { repository } }).join("\n")).toMatch(problem);
  });

  it("the fake's schema is a subset of the published one: every type, field, argument and its type as GitHub has them", () => {
    const published = publishedGraphQLSchema();
    let fields = 0;
    for (const t of Object.values(fakeSchema.getTypeMap())) {
      if (t.name.startsWith("__")) continue;
      const p = published.getType(t.name);
      expect(p, t.name).toBeDefined();
      if (!("getFields" in t) || !p || !("getFields" in p)) continue;
      const pf = p.getFields() as Record<string, { type: unknown; args?: Array<{ name: string; type: unknown; defaultValue: unknown }> }>;
      for (const f of Object.values(t.getFields()) as Array<{ name: string; type: unknown; args?: Array<{ name: string; type: unknown; defaultValue: unknown }> }>) {
        fields++;
        expect(String(pf[f.name]?.type), `${t.name}.${f.name}`).toBe(String(f.type));
        for (const a of f.args ?? []) {
          const pa = pf[f.name].args?.find((x) => x.name === a.name);
          expect(`${String(pa?.type)} = ${JSON.stringify(pa?.defaultValue)}`, `${t.name}.${f.name}(${a.name})`).toBe(`${String(a.type)} = ${JSON.stringify(a.defaultValue)}`);
        }
      }
    }
    expect(fields).toBeGreaterThan(50);
  });
});
