import { z } from "zod";
import { createGitHub } from "@/lib/github/client";
import { REPO_NAME } from "@/lib/http/names";
import { isDemoMode, readEnv } from "@/lib/server/env";
import { FixPrError, openFixPullRequest, type FixPrErrorKind } from "@/lib/server/fix-prs";
import { scanConfigFromEnv } from "@/lib/server/scan/config";
import { zodMessage } from "../../../_lib/http";
import { api, json, jsonError } from "../../../_lib/route";
import { DB_INT_MAX } from "@/lib/server/dialect";

const paramsSchema = z.object({ repo: z.string().regex(REPO_NAME, "not a repository name") });
const bodySchema = z.object({ findingId: z.number().int().positive().max(DB_INT_MAX).optional() }).strict();

const STATUS: Record<FixPrErrorKind, number> = { usage: 400, "not-found": 404, "no-fix": 422, foreign: 422, gone: 409, scope: 403, github: 502 };

/**
 * POST /api/repos/NAME/fix-pr {findingId?}: open the repository's fix pull request (every fix, or
 * one finding's), or update the open one. 201 when opened, 200 when updated; {error, kind} otherwise.
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = api<{ repo: string }>({
  POST: {
    body: "optional-json",
    handle: async ({ req, params, body, db, org }) => {
      const p = paramsSchema.safeParse(params);
      if (!p.success) return jsonError(400, `Invalid repository: ${zodMessage(p.error)}`);
      const parsed = bodySchema.safeParse(body ?? {});
      if (!parsed.success) return jsonError(400, `Invalid request: ${zodMessage(parsed.error)}`);
      const env = readEnv();
      const o = await org();
      const config = scanConfigFromEnv(env, o.login);
      const gh = createGitHub({ apiUrl: config.apiUrl, token: config.token, app: config.app });
      const credentials = config.app ? "the GitHub App installation (GITHUB_APP_ID)" : isDemoMode(env) ? "the demo token" : "the server's GITHUB_TOKEN";
      try {
        const result = await openFixPullRequest(db, gh, {
          org: o.login, repo: p.data.repo,
          ...(parsed.data.findingId !== undefined ? { finding: String(parsed.data.findingId) } : {}),
          dashboardUrl: process.env.NEXTAUTH_URL ?? new URL(req.url).origin, credentials, app: !!config.app,
        });
        return json(result, result.created ? 201 : 200);
      } catch (e) {
        if (e instanceof FixPrError) return json({ error: e.message, kind: e.kind }, STATUS[e.kind]);
        throw e;
      }
    },
  },
});
