import { readFileSync } from "node:fs";
import { normalizeAppPrivateKey } from "@/lib/github/app-key";
import { DEMO_ORG, DEMO_TOKEN, type Env, githubAppFromEnv, isDemoMode } from "@/lib/server/env";
import { type OtherRegistriesConfig, otherRegistriesFromEnv } from "@/lib/registry/credentials";
import type { ScanConfig } from "@/lib/server/scan/types";

/** Registries other than GHCR: credentials from the environment; demo mode reads only the hosts CACHEGUARD_REGISTRY_URLS names. */
function registriesFromEnv(env: Env, demo: boolean): OtherRegistriesConfig {
  const r = otherRegistriesFromEnv(env);
  if ("problem" in r) throw new Error(r.problem);
  return demo ? { ...r, onlyListed: true } : r;
}

const truthy = (v: string | undefined) => v === "1" || v === "true";

/** The scan configuration from the server's environment; demo mode points at the fake server. */
export function scanConfigFromEnv(env: Env): ScanConfig {
  if (isDemoMode(env)) {
    if (!env.CACHEGUARD_DEMO_URL) {
      throw new Error(
        "Demo mode (no CACHEGUARD_ORG) needs CACHEGUARD_DEMO_URL, the fake GitHub server's URL; `npm start` sets it.",
      );
    }
    const base = {
      org: DEMO_ORG,
      apiUrl: env.CACHEGUARD_DEMO_URL,
      registryUrl: env.CACHEGUARD_DEMO_URL,
      includeArchived: false,
      includeForks: false,
      registryConcurrency: env.CACHEGUARD_REGISTRY_CONCURRENCY,
      teamProperty: env.CACHEGUARD_TEAM_PROPERTY,
      retentionDays: env.CACHEGUARD_RETENTION_DAYS,
      registries: registriesFromEnv(env, true),
    };
    // CACHEGUARD_DEMO_AUTH=app: the fake's App with the key `npm start` generated; the registry with the demo PAT
    if (env.CACHEGUARD_DEMO_APP_ID && env.CACHEGUARD_DEMO_APP_KEY_FILE) {
      const privateKey = normalizeAppPrivateKey(readFileSync(env.CACHEGUARD_DEMO_APP_KEY_FILE, "utf8"), "CACHEGUARD_DEMO_APP_KEY_FILE");
      return { ...base, app: { appId: env.CACHEGUARD_DEMO_APP_ID, privateKey, org: DEMO_ORG }, registryToken: DEMO_TOKEN };
    }
    return { ...base, token: DEMO_TOKEN };
  }
  const app = githubAppFromEnv(env);
  // configProblem refuses a broken App before anything runs; a scan started anyway says why
  if ("problem" in app) throw new Error(app.problem);
  return {
    org: env.CACHEGUARD_ORG!,
    apiUrl: env.GITHUB_API_URL,
    registryUrl: env.GHCR_URL,
    token: env.GITHUB_TOKEN,
    app: app.app ? { ...app.app, org: env.CACHEGUARD_ORG! } : undefined,
    registryToken: env.GHCR_TOKEN,
    includeArchived: truthy(env.CACHEGUARD_INCLUDE_ARCHIVED),
    includeForks: truthy(env.CACHEGUARD_INCLUDE_FORKS),
    registryConcurrency: env.CACHEGUARD_REGISTRY_CONCURRENCY,
    teamProperty: env.CACHEGUARD_TEAM_PROPERTY,
    retentionDays: env.CACHEGUARD_RETENTION_DAYS,
    registries: registriesFromEnv(env, false),
  };
}
