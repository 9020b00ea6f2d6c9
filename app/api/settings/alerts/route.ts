import { alertInputSchema, alertSettingsView, readAlertConfig, saveAlertSettings } from "@/lib/server/alerts/config";
import { api, json, jsonError } from "../../_lib/route";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = api({
  /**
   * GET /api/settings/alerts: for the Slack URL, the webhook URL and its signing secret, whether each
   * is set and where from (this page or the environment), and the receiver's host; never a value.
   */
  GET: async ({ db }) => json(alertSettingsView(await readAlertConfig(db))),

  /**
   * PUT /api/settings/alerts {slackUrl?, webhookUrl?, webhookSecret?}: a field left out is unchanged,
   * "" clears the page's value (the environment's applies again), "off" turns a receiver off.
   * 400 {error, field} for an invalid value, or a webhook that would have no signing secret.
   */
  PUT: {
    body: "json",
    handle: async ({ db, body }) => {
      const parsed = alertInputSchema.safeParse(body);
      if (!parsed.success) {
        return jsonError(400, 'Send {"slackUrl"?, "webhookUrl"?, "webhookSecret"?} as strings ("" clears a value, "off" turns a receiver off).');
      }
      const saved = await saveAlertSettings(db, parsed.data);
      if (!saved.ok) return json({ error: saved.error, field: saved.field }, 400);
      return json(alertSettingsView(saved.config));
    },
  },
});
