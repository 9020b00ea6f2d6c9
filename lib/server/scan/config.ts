import { DEMO_ORG, DEMO_TOKEN, type Env, isDemoMode } from "@/lib/server/env";
import type { ScanConfig } from "@/lib/server/scan/types";

const truthy = (v: string | undefined) => v === "1" || v === "true";

/** The scan configuration from the server's environment; demo mode points at the fake server. */
export function scanConfigFromEnv(env: Env): ScanConfig {
  if (isDemoMode(env)) {
    if (!env.CACHEGUARD_DEMO_URL) {
      throw new Error(
        "Demo mode (no CACHEGUARD_ORG) needs CACHEGUARD_DEMO_URL, the fake GitHub server's URL; `npm start` sets it.",
      );
    }
    return {
      org: DEMO_ORG,
      apiUrl: env.CACHEGUARD_DEMO_URL,
      registryUrl: env.CACHEGUARD_DEMO_URL,
      token: DEMO_TOKEN,
      includeArchived: false,
      includeForks: false,
      registryConcurrency: env.CACHEGUARD_REGISTRY_CONCURRENCY,
      teamProperty: env.CACHEGUARD_TEAM_PROPERTY,
    };
  }
  return {
    org: env.CACHEGUARD_ORG!,
    apiUrl: env.GITHUB_API_URL,
    registryUrl: env.GHCR_URL,
    token: env.GITHUB_TOKEN,
    app:
      env.GITHUB_APP_ID && env.GITHUB_APP_PRIVATE_KEY && env.GITHUB_APP_INSTALLATION_ID
        ? { appId: env.GITHUB_APP_ID, privateKey: env.GITHUB_APP_PRIVATE_KEY, installationId: Number(env.GITHUB_APP_INSTALLATION_ID) }
        : undefined,
    includeArchived: truthy(env.CACHEGUARD_INCLUDE_ARCHIVED),
    includeForks: truthy(env.CACHEGUARD_INCLUDE_FORKS),
    registryConcurrency: env.CACHEGUARD_REGISTRY_CONCURRENCY,
    teamProperty: env.CACHEGUARD_TEAM_PROPERTY,
  };
}
