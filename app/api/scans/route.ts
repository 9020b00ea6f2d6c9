import { z } from "zod";
import { defaultOrg, readEnv } from "@/lib/server/env";
import { withOrg } from "@/lib/http/org-param";
import { startScan } from "@/lib/server/scan";
import { scanConfigFromEnv } from "@/lib/server/scan/config";
import { ScanAlreadyRunningError } from "@/lib/server/scan/types";
import { currentOrg } from "@/lib/server/queries/org";
import { problemTrend } from "@/lib/server/queries/problem-trend";
import { activeScan, listScans, openFindingsOverTime } from "@/lib/server/queries/scans";
import { zodMessage } from "../_lib/http";
import { api, json, jsonError } from "../_lib/route";

const bodySchema = z.object({ trigger: z.enum(["manual", "startup", "api"]).default("manual") }).strict();

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = api({
  GET: async ({ db, orgLogin }) => {
    const org = await currentOrg(db, orgLogin);
    if (!org) return json({ org: null, scans: [], active: null, openOverTime: [], trend: null });
    const [scans, active, openOverTime, trend] = await Promise.all([listScans(db, org), activeScan(db, org), openFindingsOverTime(db, org), problemTrend(db, org)]);
    return json({ org: org.login, scans, active, openOverTime, trend });
  },

  /** POST /api/scans[?org=] starts a scan of the org (one active scan per org): 202 {scanId}, or 409 while one runs. */
  POST: {
    body: "optional-json",
    handle: async ({ db, body, orgLogin }) => {
      const parsed = bodySchema.safeParse(body ?? {});
      if (!parsed.success) return jsonError(400, `Invalid request: ${zodMessage(parsed.error)}`);
      let config;
      try {
        config = scanConfigFromEnv(readEnv(), orgLogin);
      } catch (e) {
        return jsonError(500, `The server is not configured to scan: ${e instanceof Error ? e.message : String(e)}`);
      }
      try {
        const { scanId } = await startScan(db, { config, trigger: parsed.data.trigger });
        return json({ scanId }, 202, { location: withOrg(`/api/scans/${scanId}`, orgLogin === defaultOrg(readEnv()) ? null : orgLogin) });
      } catch (e) {
        if (e instanceof ScanAlreadyRunningError || (e instanceof Error && e.name === "ScanAlreadyRunningError")) {
          const running = e instanceof ScanAlreadyRunningError ? e.runningScanId : null;
          return json({ error: e.message, scanId: running }, 409);
        }
        throw e;
      }
    },
  },
});
