import type { NextRequest } from "next/server";

/** Any /api path no route handles: 404 JSON, for every method (never Next's HTML page). */
async function notFound(req: NextRequest): Promise<Response> {
  return Response.json({ error: `No API route ${req.nextUrl.pathname}. See the README for the API.` }, { status: 404 });
}

export { notFound as GET, notFound as HEAD, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE, notFound as OPTIONS };
