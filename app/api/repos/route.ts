import { NextResponse } from "next/server";
import { listRepos } from "@/lib/server/queries/repos";
import { withOrg } from "../_lib/http";

export async function GET() {
  return withOrg(async (db, org) => NextResponse.json({ repos: await listRepos(db, org) }));
}
