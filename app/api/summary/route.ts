import { NextResponse } from "next/server";
import { reportSummary } from "@/lib/server/queries/summary";
import { withOrg } from "../_lib/http";

export async function GET() {
  return withOrg(async (db, org) => NextResponse.json(await reportSummary(db, org)));
}
