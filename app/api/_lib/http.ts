import { NextResponse } from "next/server";
import type { z } from "zod";
import { getDb, type Db } from "@/lib/server/db";
import { currentOrg, type OrgRef } from "@/lib/server/queries/org";

export function jsonError(status: number, error: string): NextResponse {
  return NextResponse.json({ error }, { status });
}

export function zodMessage(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}

/** Runs a handler with the database and the current org; turns failures into JSON errors. */
export async function withOrg(handler: (db: Db, org: OrgRef) => Promise<Response>): Promise<Response> {
  try {
    const db = getDb();
    const org = await currentOrg(db);
    if (!org) return jsonError(404, "No organization has been scanned yet. Start a scan with POST /api/scans.");
    return await handler(db, org);
  } catch (e) {
    console.error("[api]", e);
    return jsonError(500, `Server error: ${e instanceof Error ? e.message : String(e)}`);
  }
}
