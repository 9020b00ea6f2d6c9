import { listRules } from "@/lib/server/queries/rules";
import { api, json } from "../_lib/route";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = api({
  GET: () => json({ rules: listRules() }),
});
