import { z } from "zod";
import { REPO_NAME } from "@/lib/http/names";
import { getRepo } from "@/lib/server/queries/repos";
import { zodMessage } from "../../_lib/http";
import { api, json, jsonError } from "../../_lib/route";

const paramsSchema = z.object({ repo: z.string().regex(REPO_NAME, "not a repository name") });

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = api<{ repo: string }>({
  GET: async ({ params, db, org }) => {
    const parsed = paramsSchema.safeParse(params);
    if (!parsed.success) return jsonError(400, `Invalid repository: ${zodMessage(parsed.error)}`);
    const o = await org();
    const repo = await getRepo(db, o, parsed.data.repo);
    if (!repo) return jsonError(404, `Repository ${o.login}/${parsed.data.repo} is not in the last scan.`);
    return json(repo);
  },
});
