import { NextResponse } from "next/server";
import { z } from "zod";
import { createGitHub } from "@/lib/github/client";
import { getDb } from "@/lib/server/db";
import { isDemoMode, readEnv } from "@/lib/server/env";
import { FixPrError, openFixPullRequest, type FixPrErrorKind } from "@/lib/server/fix-prs";
import { currentOrg } from "@/lib/server/queries/org";
import { scanConfigFromEnv } from "@/lib/server/scan/config";
import { jsonError, zodMessage } from "../../../_lib/http";

const paramsSchema = z.object({ repo: z.string().min(1).max(200).regex(/^[A-Za-z0-9._-]+$/, "not a repository name") });
const bodySchema = z.object({ findingId: z.number().int().positive().optional() }).strict();

const STATUS: Record<FixPrErrorKind, number> = { usage: 400, "not-found": 404, "no-fix": 422, foreign: 422, gone: 409, scope: 403, github: 502 };

/**
 * POST /api/repos/NAME/fix-pr {findingId?}: open the repository's fix pull request (every fix, or
 * one finding's), or update the open one. 201 when opened, 200 when updated; {error, kind} otherwise.
 */
export async function POST(req: Request, ctx: { params: Promise<{ repo: string }> }) {
  const params = paramsSchema.safeParse(await ctx.params);
  if (!params.success) return jsonError(400, `Invalid repository: ${zodMessage(params.error)}`);
  let body: unknown = {};
  const text = await req.text();
  if (text.trim()) {
    try {
      body = JSON.parse(text);
    } catch {
      return jsonError(400, 'The request body must be JSON, e.g. {"findingId": 12}, or empty.');
    }
  }
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) return jsonError(400, `Invalid request: ${zodMessage(parsed.error)}`);
  let config;
  let env;
  try {
    env = readEnv();
    config = scanConfigFromEnv(env);
  } catch (e) {
    return jsonError(500, `The server is not configured for GitHub: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    const db = getDb();
    const org = await currentOrg(db);
    if (!org) return jsonError(404, "No organization has been scanned yet.");
    const gh = createGitHub({ apiUrl: config.apiUrl, token: config.token, app: config.app });
    const credentials = isDemoMode(env) ? "the demo token" : config.app ? "the GitHub App installation (GITHUB_APP_ID)" : "the server's GITHUB_TOKEN";
    const result = await openFixPullRequest(db, gh, {
      org: org.login, repo: params.data.repo,
      ...(parsed.data.findingId !== undefined ? { finding: String(parsed.data.findingId) } : {}),
      dashboardUrl: process.env.NEXTAUTH_URL ?? new URL(req.url).origin, credentials, app: !!config.app,
    });
    return NextResponse.json(result, { status: result.created ? 201 : 200 });
  } catch (e) {
    if (e instanceof FixPrError) return NextResponse.json({ error: e.message, kind: e.kind }, { status: STATUS[e.kind] });
    console.error("[api/repos/fix-pr]", e);
    return jsonError(500, `Could not open the pull request: ${e instanceof Error ? e.message : String(e)}`);
  }
}
