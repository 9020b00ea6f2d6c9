import { reportSummary } from "@/lib/server/queries/summary";
import { api, json } from "../_lib/route";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = api({
  GET: async ({ db, org }) => json(await reportSummary(db, await org())),
});
