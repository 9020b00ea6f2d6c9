import { z } from "zod";
import { getPackage } from "@/lib/server/queries/package-detail";
import { zodMessage } from "../../_lib/http";
import { api, json, jsonError } from "../../_lib/route";

// GHCR container names may contain slashes (sent URL-encoded) and are lower-case.
const paramsSchema = z.object({ name: z.string().min(1).max(300).regex(/^[a-z0-9._/-]+$/i, "not a package name") });

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
