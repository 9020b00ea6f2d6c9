import { NextResponse } from "next/server";
import { z } from "zod";
import { getRule } from "@/lib/server/queries/rules";
import { jsonError, zodMessage } from "../../_lib/http";

const paramsSchema = z.object({ id: z.string().regex(/^[a-z0-9-]+$/, "rule ids are lower-case words joined by dashes") });

export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  const parsed = paramsSchema.safeParse(await ctx.params);
  if (!parsed.success) return jsonError(400, `Invalid rule id: ${zodMessage(parsed.error)}`);
  const rule = getRule(parsed.data.id);
  return rule ? NextResponse.json(rule) : jsonError(404, `No rule with id ${parsed.data.id}.`);
}
