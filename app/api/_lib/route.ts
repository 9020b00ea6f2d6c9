import type { NextRequest } from "next/server";
import { type AccessDeps, type Viewer, checkAccess } from "@/lib/auth/access";
import { getDb, type Db } from "@/lib/server/db";
import { defaultOrg, readEnv } from "@/lib/server/env";
import { currentOrg, type OrgRef } from "@/lib/server/queries/org";
import { storageProblem } from "@/lib/server/storage-errors";

/**
 * The one wrapper every API route handler goes through. proxy.ts is the first line (origin check,
 * a quick look for a session cookie); this is the second, beside the data: it checks the session
 * itself, answers every method the route does not have with 405 JSON and `Allow`, refuses bodies
 * that are too large (413, before reading them) or not JSON (415), and turns every failure into
 * JSON with the right status, storage failures with what to do and without internals.
 */
export const MAX_BODY_BYTES = 64 * 1024;

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
type Method = (typeof METHODS)[number];
type Implementable = Exclude<Method, "HEAD" | "OPTIONS">;

export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers });
}

export function jsonError(status: number, error: string, headers: Record<string, string> = {}): Response {
  return json({ error }, status, headers);
}

export interface RouteContext<P> {
  req: NextRequest;
  params: P;
  /** the signed-in user; null in demo mode */
  viewer: Viewer;
  db: Db;
  /** the org the request is about (`?org=`, the default org when absent), configured, maybe not scanned yet */
  orgLogin: string;
  /** that org as stored; throws 404 JSON when it has not been scanned yet */
  org(): Promise<OrgRef>;
  /** the parsed JSON body (undefined when the body was empty and `body: "optional-json"`) */
  body: unknown;
}

type Handler<P> = (c: RouteContext<P>) => Promise<Response> | Response;
type Spec<P> = Handler<P> | { handle: Handler<P>; body: "json" | "optional-json" };

export interface ApiOptions {
  /** tests inject the database and the membership check */
  deps?: AccessDeps & { db?: Db };
}

type NextHandler = (req: NextRequest, ctx?: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

const isJson = (type: string) => type === "application/json" || type.endsWith("+json");

async function readBody(req: NextRequest, mode: "json" | "optional-json"): Promise<unknown> {
  const length = req.headers.get("content-length");
  if (length !== null && Number(length) > MAX_BODY_BYTES) {
    throw new HttpError(413, `The request body is over ${MAX_BODY_BYTES / 1024} KB.`);
  }
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  const unsupported = () => new HttpError(415, `Send the body as application/json${type ? ` (got ${type})` : ""}.`, { accept: "application/json" });
  const empty = req.body === null || length === "0";
  if (!empty && type && !isJson(type)) throw unsupported();
  const text = empty ? "" : await readLimited(req);
  if (text.trim() === "") {
    if (mode === "optional-json") return undefined;
    throw new HttpError(400, "The request body must be JSON.");
  }
  if (!isJson(type)) throw unsupported();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, "The request body is not valid JSON.");
  }
}

/** Reads at most MAX_BODY_BYTES, stopping the upload as soon as it goes over. */
async function readLimited(req: NextRequest): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new HttpError(413, `The request body is over ${MAX_BODY_BYTES / 1024} KB.`);
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
}

function failure(e: unknown, where: string): Response {
  if (e instanceof HttpError) return jsonError(e.status, e.message, e.headers);
  const storage = storageProblem(e);
  console.error(`[api] ${where}:`, e instanceof Error ? `${e.name}: ${e.message}` : e);
  if (storage) return jsonError(storage.status, `Storage error: ${storage.message}`);
  return jsonError(500, "Server error: the request failed; the server log has the details.");
}

/**
 * `export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = api({ GET: ({ db, org }) => … })`
 */
export function api<P = Record<string, never>>(specs: Partial<Record<Implementable, Spec<P>>>, options: ApiOptions = {}): Record<Method, NextHandler> {
  const allowed = (Object.keys(specs) as Implementable[]).sort();
  const allowList = [...allowed, ...(allowed.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");

  const run = (method: Implementable, spec: Spec<P>): NextHandler => async (req, ctx) => {
    const where = `${method} ${req.nextUrl.pathname}`;
    try {
      const access = await checkAccess(req, options.deps);
      if (!access.ok) return jsonError(access.status, access.error);
      if (access.unknownOrg !== undefined) throw new HttpError(404, `This server does not audit the organization ${access.unknownOrg.slice(0, 100)}.`);
      const orgLogin = access.org ?? defaultOrg(readEnv());
      const handle = typeof spec === "function" ? spec : spec.handle;
      const body = typeof spec === "function" ? undefined : await readBody(req, spec.body);
      const db = options.deps?.db ?? getDb();
      const params = ((await ctx?.params) ?? {}) as P;
      const org = async () => {
        const o = await currentOrg(db, orgLogin);
        if (!o) throw new HttpError(404, `${orgLogin} has not been scanned yet. Start a scan with POST /api/scans${orgLogin === defaultOrg(readEnv()) ? "" : `?org=${orgLogin}`}.`);
        return o;
      };
      return await handle({ req, params, viewer: access.viewer, db, orgLogin, org, body });
    } catch (e) {
      return failure(e, where);
    }
  };

  const notAllowed: NextHandler = async (req) =>
    jsonError(405, `${req.method} is not allowed on ${req.nextUrl.pathname}; use ${allowList}.`, { allow: allowList });

  const out = {} as Record<Method, NextHandler>;
  for (const m of METHODS) out[m] = notAllowed;
  for (const m of allowed) out[m] = run(m, specs[m]!);
  if (specs.GET) {
    const get = out.GET;
    out.HEAD = async (req, ctx) => {
      const res = await get(req, ctx);
      return new Response(null, { status: res.status, headers: res.headers });
    };
  }
  out.OPTIONS = async () => new Response(null, { status: 204, headers: { allow: allowList } });
  return out;
}
