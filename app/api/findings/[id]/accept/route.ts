import { acceptInputSchema, acceptRisk, revokeRisk, SuppressionError } from "@/lib/server/suppressions";
import { DB_INT_MAX } from "@/lib/server/dialect";
import { zodMessage } from "../../../_lib/http";
import { api, json, jsonError } from "../../../_lib/route";

/** an id the database can hold (PostgreSQL's integer is 32-bit), else null */
function findingId(raw: string): number | null {
  return /^[1-9]\d{0,9}$/.test(raw) && Number(raw) <= DB_INT_MAX ? Number(raw) : null;
}

async function guarded(run: () => Promise<void>): Promise<Response> {
  try {
    await run();
    return json({ ok: true });
  } catch (e) {
    if (e instanceof SuppressionError) return jsonError(e.status, e.message);
    throw e;
  }
}

/**
 * POST /api/findings/ID/accept {reason, expiresAt}: accept the risk of an open finding until a date
 * (it leaves every count, stays listed under "Suppressed", re-opens when the date passes).
 * DELETE /api/findings/ID/accept: take it back. Who did it is the signed-in user ("demo" in demo mode).
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = api<{ id: string }>({
  POST: {
    body: "json",
    handle: async ({ params, body, db, org, viewer }) => {
      const id = findingId(params.id);
      if (id === null) return jsonError(400, "Invalid finding id.");
      const parsed = acceptInputSchema.safeParse(body);
      if (!parsed.success) return jsonError(400, `Send {"reason", "expiresAt"}: ${zodMessage(parsed.error)}`);
      const o = await org();
      return guarded(() => acceptRisk(db, o, id, parsed.data, viewer?.login ?? "demo"));
    },
  },
  DELETE: async ({ params, db, org, viewer }) => {
    const id = findingId(params.id);
    if (id === null) return jsonError(400, "Invalid finding id.");
    const o = await org();
    return guarded(() => revokeRisk(db, o, id, viewer?.login ?? "demo"));
  },
});
