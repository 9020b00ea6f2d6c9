import { listRepos } from "@/lib/server/queries/repos";
import { api, json } from "../_lib/route";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = api({
  GET: async ({ db, org }) => json({ repos: await listRepos(db, await org()) }),
});
