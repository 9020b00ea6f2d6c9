import { NextResponse } from "next/server";
import { z } from "zod";
import { getDb } from "@/lib/server/db";
import { getScan } from "@/lib/server/queries/scans";
import { jsonError, zodMessage } from "../../_lib/http";

const paramsSchema = z.object({ id: z.coerce.number().int().positive() });

/** A scan's status and progress; the dashboard polls this while a scan runs. */
export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  const parsed = paramsSchema.safeParse(await ctx.params);
  if (!parsed.success) return jsonError(400, `Invalid scan id: ${zodMessage(parsed.error)}`);
  try {
    const scan = await getScan(getDb(), parsed.data.id);
    return scan ? NextResponse.json(scan) : jsonError(404, `Scan #${parsed.data.id} does not exist.`);
  } catch (e) {
    return jsonError(500, `Could not read scan #${parsed.data.id}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
