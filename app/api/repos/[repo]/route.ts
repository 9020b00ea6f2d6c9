import { NextResponse } from "next/server";
import { z } from "zod";
import { getRepo } from "@/lib/server/queries/repos";
import { jsonError, withOrg, zodMessage } from "../../_lib/http";

const paramsSchema = z.object({ repo: z.string().min(1).max(200).regex(/^[A-Za-z0-9._-]+$/, "not a repository name") });

export async function GET(_req: Request, ctx: { params: Promise<{ repo: string }> }) {
  const parsed = paramsSchema.safeParse(await ctx.params);
  if (!parsed.success) return jsonError(400, `Invalid repository: ${zodMessage(parsed.error)}`);
  return withOrg(async (db, org) => {
    const repo = await getRepo(db, org, parsed.data.repo);
    if (!repo) return jsonError(404, `Repository ${org.login}/${parsed.data.repo} is not in the last scan.`);
    return NextResponse.json(repo);
  });
}
