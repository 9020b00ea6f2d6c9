import { NextResponse } from "next/server";
import { listPackages } from "@/lib/server/queries/packages";
import { withOrg } from "../_lib/http";

export async function GET() {
  return withOrg(async (db, org) => NextResponse.json({ packages: await listPackages(db, org) }));
}
