import { readAlertConfig, receiversOf, sendTestAlerts } from "@/lib/server/alerts";
import { api, json, jsonError } from "../../../_lib/route";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = api({
  /**
   * POST /api/settings/alerts/test: a test message to each receiver in force (one attempt each);
   * 200 {results: [{kind, target, status, attempts, message}]} whatever they answered, 400 when no
   * receiver is configured.
   */
  POST: async ({ db, orgLogin: org }) => {
    const { slack, webhook } = receiversOf(await readAlertConfig(db));
    if (!slack && !webhook) return jsonError(400, "No alert receiver is configured: set a Slack or webhook URL first.");
    return json({ results: await sendTestAlerts(db, org) });
  },
});
