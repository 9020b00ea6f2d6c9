import { z } from "zod";
import { DB_INT_MAX } from "@/lib/server/dialect";
import { getOrgScan } from "@/lib/server/queries/scans";
import { zodMessage } from "../../_lib/http";
import { api, json, jsonError } from "../../_lib/route";

const paramsSchema = z.object({ id: z.coerce.number().int().positive().max(DB_INT_MAX) });

/** A scan's status and progress; the dashboard polls this while a scan runs. Only the current org's. */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = api<{ id: string }>({
  GET: async ({ params, db, org }) => {
    const parsed = paramsSchema.safeParse(params);
    if (!parsed.success) return jsonError(400, `Invalid scan id: ${zodMessage(parsed.error)}`);
    const o = await org();
    const scan = await getOrgScan(db, o, parsed.data.id);
    if (!scan) return jsonError(404, `Scan #${parsed.data.id} does not exist for ${o.login}.`);
    return json(scan);
  },
});
