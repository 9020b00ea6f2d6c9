import { integrationsInputSchema, readIntegrations, saveIntegrations } from "@/lib/server/integrations";
import { api, json, jsonError } from "../../_lib/route";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = api({
  /** GET /api/settings/integrations: code scanning and issues, on or off, and whether the page or the environment said so. */
  GET: async ({ db }) => json(await readIntegrations(db)),

  /** PUT /api/settings/integrations {codeScanning?, issues?}: true or false is stored; null goes back to the environment's value. */
  PUT: {
    body: "json",
    handle: async ({ db, body }) => {
      const parsed = integrationsInputSchema.safeParse(body);
      if (!parsed.success) {
        return jsonError(400, 'Send {"codeScanning": true|false|null, "issues": true|false|null} (at least one; null goes back to CACHEGUARD_CODE_SCANNING / CACHEGUARD_ISSUES).');
      }
      return json(await saveIntegrations(db, parsed.data));
    },
  },
});
