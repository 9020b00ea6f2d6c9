import { graphql, type GraphQLError } from "graphql";
import { z } from "zod";
import { GitHubGraphQLError, rootValue } from "./graphql-resolvers";
import { schema } from "./graphql-schema";
import { readBody, send, sendError, type Ctx } from "./http";
import { peek, rateLimitedBody, setHeaders, spend } from "./rate-limit";

const bodySchema = z.object({
  query: z.string(),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});

function formatError(e: GraphQLError): Record<string, unknown> {
  const type = e.originalError instanceof GitHubGraphQLError ? e.originalError.type : undefined;
  return {
    ...(type ? { type } : {}),
    ...(e.path ? { path: e.path } : {}),
    ...(e.locations ? { locations: e.locations } : {}),
    message: e.message,
  };
}

/** POST /graphql: real execution against the schema subset, so aliases, fragments and variables behave. */
export async function handleGraphQL(ctx: Ctx): Promise<void> {
  if (!ctx.identity) {
    setHeaders(ctx, peek(ctx, "graphql"));
    return sendError(ctx, 401, "This endpoint requires you to be authenticated.", "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql");
  }
  if (!spend(ctx, "graphql")) {
    // GitHub answers an exhausted GraphQL budget with 200 and a RATE_LIMITED error.
    return send(ctx, 200, { errors: [{ type: "RATE_LIMITED", message: rateLimitedBody(ctx).message }] });
  }
  let parsed: z.infer<typeof bodySchema>;
  try {
    const body = bodySchema.safeParse(JSON.parse(ctx.body ?? (await readBody(ctx.req))));
    if (!body.success) return send(ctx, 400, { message: "Body should be a JSON object with a `query` string", documentation_url: "https://docs.github.com/graphql" });
    parsed = body.data;
  } catch {
    return send(ctx, 400, { message: "Problems parsing JSON", documentation_url: "https://docs.github.com/graphql" });
  }
  const result = await graphql({
    schema,
    source: parsed.query,
    rootValue: rootValue(ctx),
    contextValue: ctx,
    variableValues: parsed.variables ?? undefined,
    operationName: parsed.operationName ?? undefined,
  });
  send(ctx, 200, {
    ...(result.data !== undefined ? { data: result.data } : {}),
    ...(result.errors?.length ? { errors: result.errors.map(formatError) } : {}),
  });
}
