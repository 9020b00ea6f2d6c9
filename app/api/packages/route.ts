import { listPackages } from "@/lib/server/queries/packages";
import { api, json } from "../_lib/route";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = api({
  GET: async ({ db, org }) => json({ packages: await listPackages(db, await org()) }),
});
