/**
 * A REST answer held against api.github.com's OpenAPI description: the operation its method and
 * path name, a status that operation documents (or one GitHub sends on any route), a body that its
 * response schema for that status accepts, rate-limit headers, and `Link` as GitHub formats it.
 */
import { createHash } from "node:crypto";
import type { ValidateFunction } from "ajv";
import { REST_ID, restDescription } from "./descriptions";
import { compileIn, deref, findOperation, formatErrors, type Json, type Operation } from "./openapi-schema";
import type { Exchange } from "./recording-proxy";

/**
 * Statuses GitHub answers on any route, documented or not: 401 for bad credentials, 403 and 429 for
 * rate limits, 404 for what the token may not see (GitHub hides it rather than refusing), 5xx.
 * Their bodies are GitHub's basic error. A 2xx or 3xx must be one the operation documents.
 */
const ANY_ROUTE = new Set([401, 403, 404, 429, 500, 502, 503]);
const RATE_HEADERS = ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-ratelimit-used", "x-ratelimit-resource"];

const compiled = new Map<string, ValidateFunction>();
function validatorFor(key: string, schema: Json): ValidateFunction {
  let v = compiled.get(key);
  if (!v) {
    v = compileIn(restDescription().ajv, REST_ID, schema);
    compiled.set(key, v);
  }
  return v;
}

const RULE_VIOLATION = "#/components/schemas/repository-rule-violation-error";
/**
 * Some 422s are `oneOf: [validation-error, repository-rule-violation-error]`, but the second requires
 * no property, so every validation error matches both and `oneOf` ("exactly one") refuses them all:
 * GitHub means either. Only that pair is loosened; every other `oneOf` is judged as written.
 */
export function errorAlternatives(schema: Json): Json {
  const alts = schema && typeof schema === "object" && !Array.isArray(schema) ? schema.oneOf : undefined;
  if (!Array.isArray(alts) || !alts.some((a) => JSON.stringify(a) === JSON.stringify({ $ref: RULE_VIOLATION }))) return schema;
  const { oneOf: _, ...rest } = schema as { [k: string]: Json };
  return { ...rest, anyOf: alts };
}

/**
 * GitHub checks every JSON request body against its operation's request schema before the route runs
 * and refuses a body that does not fit with 422 `Invalid request.` and what did not fit ("\"ref\"
 * wasn't supplied.", "At least 40 characters are required; only 3 were supplied."), on operations
 * whose description documents no 422 too (code-scanning/upload-sarif: GitHub answers it there).
 * Only that answer, with GitHub's basic error body, is taken as documented for such an operation.
 */
export function requestSchemaRefusal(e: Exchange, op: Operation): boolean {
  if (e.status !== 422 || !op.hasRequestBody || op.responses["422"]) return false;
  try {
    const message = (JSON.parse(e.body) as { message?: unknown }).message;
    return typeof message === "string" && message.startsWith("Invalid request.\n\n");
  } catch {
    return false;
  }
}

type ResponseObj = { content?: Record<string, { schema?: Json }>; headers?: Record<string, Json> };

export interface Judged { operation: Operation | null; problems: string[]; id: string }

export const answerId = (e: Exchange) => createHash("sha256").update(`${e.method} ${e.url}\n${e.status}\n${e.body}`).digest("hex").slice(0, 16);

/** The path of a request as GitHub's description spells it (the GHES /api/v3 prefix dropped). */
export function apiPath(url: string): string {
  const p = new URL(url, "http://x").pathname;
  return p.startsWith("/api/v3/") ? p.slice(7) : p;
}

export function judgeRest(e: Exchange, opts: { rateHeaders?: boolean } = {}): Judged {
  const { doc } = restDescription();
  const problems: string[] = [];
  const path = apiPath(e.url);
  const op = findOperation(doc, e.method === "HEAD" ? "GET" : e.method, decodeURIComponent(path));
  const id = answerId(e);
  if (!op) return { operation: null, problems: [`${e.method} ${path}: no operation in GitHub's description`], id };
  const where = `${op.operationId} ${e.status}`;
  const documented = op.responses[String(e.status)] ?? op.responses.default;
  if (!documented && !ANY_ROUTE.has(e.status) && !requestSchemaRefusal(e, op)) problems.push(`${where}: status not documented (documented: ${Object.keys(op.responses).join(", ")})`);
  const res = documented ? deref<ResponseObj>(doc, documented) : null;
  const contentType = (e.headers["content-type"] ?? "").split(";")[0].trim();
  // an error GitHub documents without a body (or does not document) still comes with its basic error
  const schema = res?.content
    ? (res.content["application/json"] ?? Object.values(res.content)[0])?.schema
    : e.status >= 400 && e.body.length > 0 ? ({ $ref: "#/components/schemas/basic-error" } as Json) : undefined;
  if (schema !== undefined) {
    if (contentType !== "application/json") problems.push(`${where}: content-type ${contentType || "(none)"}, not application/json`);
    let body: unknown;
    try {
      body = JSON.parse(e.body);
    } catch {
      problems.push(`${where}: body is not JSON`);
    }
    if (body !== undefined) {
      const validate = validatorFor(`${op.operationId} ${e.status} ${res?.content ? "" : "basic-error"}`, errorAlternatives(schema));
      if (!validate(body)) problems.push(`${where}: ${formatErrors(validate.errors)}`);
    }
  } else if (res && !res.content && e.body.length > 0 && e.method !== "HEAD") {
    problems.push(`${where}: a body where GitHub documents none`);
  }
  if (opts.rateHeaders !== false) {
    for (const h of RATE_HEADERS) {
      const v = e.headers[h];
      if (v === undefined) problems.push(`${where}: no ${h} header`);
      else if (h !== "x-ratelimit-resource" && !/^\d+$/.test(v)) problems.push(`${where}: ${h} ${JSON.stringify(v)} is not an integer`);
    }
  }
  problems.push(...linkProblems(e, op));
  return { operation: op, problems, id };
}

/** Whether an operation pages (`per_page`, GitHub's own parameter or its component). */
export function isPaginated(op: Operation): boolean {
  return op.parameters.some((p) => JSON.stringify(p).includes("per-page") || (p as { name?: string }).name === "per_page");
}

/**
 * GitHub's `Link`: `<URL>; rel="prev", <URL>; rel="next", <URL>; rel="last", <URL>; rel="first"`
 * (prev and first only after page 1, next and last only before the last page), absolute URLs of the
 * same path with `page` set and the request's other parameters kept.
 */
export function linkProblems(e: Exchange, op: Operation): string[] {
  const link = e.headers.link;
  if (link === undefined) return [];
  if (!isPaginated(op)) return [`${op.operationId}: a Link header on an operation that does not page`];
  const problems: string[] = [];
  const reqUrl = new URL(e.url, "http://x");
  const page = Number(reqUrl.searchParams.get("page") ?? 1);
  const rels: Record<string, URL> = {};
  for (const part of link.split(", ")) {
    const m = /^<([^>]+)>; rel="(prev|next|last|first)"$/.exec(part);
    if (!m) {
      problems.push(`${op.operationId}: Link part ${JSON.stringify(part)} is not <URL>; rel="…"`);
      continue;
    }
    const u = new URL(m[1]);
    rels[m[2]] = u;
    if (apiPath(u.pathname) !== apiPath(reqUrl.pathname)) problems.push(`${op.operationId}: Link rel=${m[2]} points at another path (${u.pathname})`);
    if (!/^\d+$/.test(u.searchParams.get("page") ?? "")) problems.push(`${op.operationId}: Link rel=${m[2]} has no page number`);
    // per_page may come back as the page size served (GitHub caps it at 100)
    for (const [k, v] of reqUrl.searchParams) {
      if (k === "page") continue;
      if (k === "per_page" ? !/^\d+$/.test(u.searchParams.get(k) ?? "") : u.searchParams.get(k) !== v) problems.push(`${op.operationId}: Link rel=${m[2]} drops ${k}=${v}`);
    }
  }
  const order = Object.keys(rels).join(",");
  const pg = (rel: string) => Number(rels[rel]?.searchParams.get("page"));
  if (rels.next && pg("next") !== page + 1) problems.push(`${op.operationId}: next is page ${pg("next")} after page ${page}`);
  if (rels.prev && pg("prev") !== page - 1) problems.push(`${op.operationId}: prev is page ${pg("prev")} before page ${page}`);
  if (rels.first && pg("first") !== 1) problems.push(`${op.operationId}: first is page ${pg("first")}`);
  if (!!rels.next !== !!rels.last) problems.push(`${op.operationId}: next and last come together (${order})`);
  if (!!rels.prev !== !!rels.first) problems.push(`${op.operationId}: prev and first come together (${order})`);
  if (page > 1 && !rels.prev) problems.push(`${op.operationId}: page ${page} without prev`);
  const expected = ["prev", "next", "last", "first"].filter((r) => r in rels).join(",");
  if (order !== expected) problems.push(`${op.operationId}: Link order ${order}, GitHub sends ${expected}`);
  return problems;
}
