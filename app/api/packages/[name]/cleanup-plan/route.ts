import { z } from "zod";
import { PACKAGE_NAME } from "@/lib/http/names";
import { packageStorage } from "@/lib/server/queries/storage";
import { zodMessage } from "../../../_lib/http";
import { api, json, jsonError } from "../../../_lib/route";

const paramsSchema = z.object({ name: z.string().regex(PACKAGE_NAME, "not a package name") });

/**
 * GET /api/packages/{name}/cleanup-plan?olderThan=30d&keepLast=5: the package's storage figures and
 * the clean-up plan from what the last scan stored (read only: `cacheguard cleanup --apply` deletes).
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = api<{ name: string }>({
  GET: async ({ req, params, db, org }) => {
    const parsed = paramsSchema.safeParse(params);
    if (!parsed.success) return jsonError(400, `Invalid package: ${zodMessage(parsed.error)}`);
    const q = req.nextUrl.searchParams;
    const o = await org();
    const storage = await packageStorage(db, o, parsed.data.name, { olderThan: q.get("olderThan"), keepLast: q.get("keepLast") });
    if (!storage) return jsonError(404, `Package ${parsed.data.name} was not found in ${o.login}'s container packages.`);
    if (storage.optionError) return jsonError(400, `Invalid option: ${storage.optionError}`);
    return json(storage);
  },
});
