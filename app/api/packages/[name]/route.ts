import { NextResponse } from "next/server";
import { z } from "zod";
import { getPackage } from "@/lib/server/queries/package-detail";
import { jsonError, withOrg, zodMessage } from "../../_lib/http";

// GHCR container names may contain slashes (sent URL-encoded) and are lower-case.
const paramsSchema = z.object({ name: z.string().min(1).max(300).regex(/^[a-z0-9._/-]+$/i, "not a package name") });

export async function GET(_req: Request, ctx: { params: Promise<{ name: string }> }) {
  const raw = await ctx.params;
  const parsed = paramsSchema.safeParse({ name: decodeURIComponent(raw.name) });
  if (!parsed.success) return jsonError(400, `Invalid package: ${zodMessage(parsed.error)}`);
  return withOrg(async (db, org) => {
    const pkg = await getPackage(db, org, parsed.data.name);
    if (!pkg) return jsonError(404, `Package ${parsed.data.name} was not found in ${org.login}'s container packages.`);
    return NextResponse.json(pkg);
  });
}
