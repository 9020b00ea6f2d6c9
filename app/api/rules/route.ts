import { NextResponse } from "next/server";
import { listRules } from "@/lib/server/queries/rules";

export async function GET() {
  return NextResponse.json({ rules: listRules() });
}
