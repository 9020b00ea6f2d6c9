import { NextResponse } from "next/server";
import { getDb } from "@/lib/server/db";
import { getScheduler, nextRuns, readSchedule, saveSchedule, scheduleInputSchema } from "@/lib/server/schedule";

function view(schedule: { expression: string; source: string }) {
  return {
    schedule: schedule.expression,
    source: schedule.source,
    envSchedule: process.env.CACHEGUARD_SCHEDULE ?? null,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    nextRuns: nextRuns(schedule.expression, 5).map((d) => d.toISOString()),
    // false when this process runs no scheduler (instrumentation did not start one)
    armed: getScheduler()?.current != null,
  };
}

/** GET /api/settings: the scan schedule in force, where it comes from, and its next five runs. */
export async function GET() {
  try {
    return NextResponse.json(view(await readSchedule(getDb())));
  } catch (e) {
    console.error("[api/settings]", e instanceof Error ? e.message : e);
    return NextResponse.json({ error: "Could not read the settings." }, { status: 500 });
  }
}

/** PUT /api/settings {schedule}: validate with croner, store in Setting, re-arm the job at once. */
export async function PUT(req: Request) {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return NextResponse.json({ error: 'The request body must be JSON, e.g. {"schedule":"0 3 * * *"}.' }, { status: 400 });
  }
  const parsed = scheduleInputSchema.safeParse(body);
  if (!parsed.success) {
    return NextResponse.json({ error: 'Send {"schedule": "<cron expression>"} ("" resets it, "off" turns scheduled scans off).' }, { status: 400 });
  }
  try {
    const db = getDb();
    const saved = await saveSchedule(db, parsed.data.schedule);
    if (!saved.ok) return NextResponse.json({ error: saved.error }, { status: 400 });
    const scheduler = getScheduler();
    const effective = scheduler ? await scheduler.rearm() : saved.schedule;
    return NextResponse.json(view(effective));
  } catch (e) {
    console.error("[api/settings]", e instanceof Error ? e.message : e);
    return NextResponse.json({ error: "Could not save the schedule." }, { status: 500 });
  }
}
