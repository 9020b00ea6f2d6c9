import { z } from "zod";
import { RULE_ID } from "@/lib/http/names";
import { getRule } from "@/lib/server/queries/rules";
import { zodMessage } from "../../_lib/http";
import { api, json, jsonError } from "../../_lib/route";

const paramsSchema = z.object({ id: z.string().regex(RULE_ID, "rule ids are lower-case words joined by dashes") });

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = api<{ id: string }>({
  GET: ({ params }) => {
    const parsed = paramsSchema.safeParse(params);
    if (!parsed.success) return jsonError(400, `Invalid rule id: ${zodMessage(parsed.error)}`);
    const rule = getRule(parsed.data.id);
    return rule ? json(rule) : jsonError(404, `No rule with id ${parsed.data.id}.`);
  },
});
