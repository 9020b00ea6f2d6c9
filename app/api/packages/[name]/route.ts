import { z } from "zod";
import { PACKAGE_NAME } from "@/lib/http/names";
import { getPackage } from "@/lib/server/queries/package-detail";
import { zodMessage } from "../../_lib/http";
import { api, json, jsonError } from "../../_lib/route";

const paramsSchema = z.object({ name: z.string().regex(PACKAGE_NAME, "not a package name") });

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = api<{ name: string }>({
  GET: async ({ params, db, org }) => {
    const parsed = paramsSchema.safeParse(params);
    if (!parsed.success) return jsonError(400, `Invalid package: ${zodMessage(parsed.error)}`);
    const o = await org();
    const pkg = await getPackage(db, o, parsed.data.name);
    if (!pkg) return jsonError(404, `Package ${parsed.data.name} was not found in ${o.login}'s container packages.`);
    return json(pkg);
  },
});
