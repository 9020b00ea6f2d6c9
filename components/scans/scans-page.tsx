import { connection } from "next/server";
import { getDb } from "@/lib/server/db";
import { currentOrg } from "@/lib/server/queries/org";
import { viewedOrgLogin } from "@/lib/server/viewed-org";
import { problemTrend } from "@/lib/server/queries/problem-trend";
import { activeScan, listScans, openFindingsOverTime } from "@/lib/server/queries/scans";
import { ScansView } from "./scans-view";

export async function ScansPage() {
  await connection();
  const db = getDb();
  const org = await currentOrg(db, await viewedOrgLogin());
  if (!org) return <ScansView initial={{ org: null, scans: [], active: null, openOverTime: [], trend: null }} />;
  const [scans, active, openOverTime, trend] = await Promise.all([listScans(db, org), activeScan(db, org), openFindingsOverTime(db, org), problemTrend(db, org)]);
  return <ScansView initial={{ org: org.login, scans, active, openOverTime, trend }} />;
}
