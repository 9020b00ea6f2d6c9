import { NextResponse } from "next/server";
import { z } from "zod";
import { getDb } from "@/lib/server/db";
import { readEnv } from "@/lib/server/env";
import { startScan } from "@/lib/server/scan";
import { scanConfigFromEnv } from "@/lib/server/scan/config";
import { ScanAlreadyRunningError } from "@/lib/server/scan/types";
import { currentOrg } from "@/lib/server/queries/org";
import { activeScan, listScans, openFindingsOverTime } from "@/lib/server/queries/scans";
import { jsonError, zodMessage } from "../_lib/http";

export async function GET() {
  try {
    const db = getDb();
    const org = await currentOrg(db);
    if (!org) return NextResponse.json({ org: null, scans: [], active: null, openOverTime: [] });
    const [scans, active, openOverTime] = await Promise.all([listScans(db, org), activeScan(db, org), openFindingsOverTime(db, org)]);
    return NextResponse.json({ org: org.login, scans, active, openOverTime });
  } catch (e) {
    console.error("[api/scans]", e);
    return jsonError(500, `Could not read the scan history: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const bodySchema = z.object({ trigger: z.enum(["manual", "startup", "api"]).default("manual") }).strict();

/** POST /api/scans starts a scan of the configured org: 202 {scanId}, or 409 while one runs. */
export async function POST(req: Request) {
  let body: unknown = {};
  const text = await req.text();
  if (text.trim()) {
    try {
      body = JSON.parse(text);
    } catch {
      return jsonError(400, "The request body must be JSON, e.g. {\"trigger\":\"manual\"}, or empty.");
    }
  }
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) return jsonError(400, `Invalid request: ${zodMessage(parsed.error)}`);
  let config;
  try {
    config = scanConfigFromEnv(readEnv());
  } catch (e) {
    return jsonError(500, `The server is not configured to scan: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    const { scanId } = await startScan(getDb(), { config, trigger: parsed.data.trigger });
    return NextResponse.json({ scanId }, { status: 202, headers: { location: `/api/scans/${scanId}` } });
  } catch (e) {
    if (e instanceof ScanAlreadyRunningError || (e instanceof Error && e.name === "ScanAlreadyRunningError")) {
      const running = e instanceof ScanAlreadyRunningError ? e.runningScanId : null;
      return NextResponse.json({ error: e.message, scanId: running }, { status: 409 });
    }
    console.error("[api/scans]", e);
    return jsonError(500, `Could not start a scan: ${e instanceof Error ? e.message : String(e)}`);
  }
}
