import { readFileSync } from "node:fs";
import { normalizeAppPrivateKey } from "@/lib/github/app-key";
import { DEMO_ORG, DEMO_TOKEN, type Env, configuredOrg, defaultOrg, githubAppFromEnv, isDemoMode } from "@/lib/server/env";
import { type OtherRegistriesConfig, otherRegistriesFromEnv } from "@/lib/registry/credentials";
import type { ScanConfig } from "@/lib/server/scan/types";

/** Registries other than GHCR: credentials from the environment; demo mode reads only the hosts CACHEGUARD_REGISTRY_URLS names. */
function registriesFromEnv(env: Env, demo: boolean): OtherRegistriesConfig {
  const r = otherRegistriesFromEnv(env);
  if ("problem" in r) throw new Error(r.problem);
  return demo ? { ...r, onlyListed: true } : r;
}

const truthy = (v: string | undefined) => v === "1" || v === "true";

/**
 * The scan configuration of one configured org (the default one when unnamed) from the server's
 * environment; demo mode points at the fake server (the other demo orgs at theirs).
 */
export function scanConfigFromEnv(env: Env, orgLogin?: string): ScanConfig {
  const org = orgLogin === undefined ? defaultOrg(env) : configuredOrg(env, orgLogin);
  if (!org) throw new Error(`${orgLogin} is not one of the organizations this server is configured for (CACHEGUARD_ORGS).`);
  if (isDemoMode(env)) {
    const otherDemoUrl = org === DEMO_ORG ? undefined : env.CACHEGUARD_DEMO_ORG_URLS?.[org];
    if (otherDemoUrl) {
      return {
        org, apiUrl: otherDemoUrl, registryUrl: otherDemoUrl, token: DEMO_TOKEN, includeArchived: false, includeForks: false,
        registryConcurrency: env.CACHEGUARD_REGISTRY_CONCURRENCY, teamProperty: env.CACHEGUARD_TEAM_PROPERTY, registries: registriesFromEnv(env, true),
      };
    }
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
  // GITHUB_APP_INSTALLATION_ID is one org's installation: the default org's; the others' are found by org
  const installation = app.app && org !== defaultOrg(env) ? { ...app.app, installationId: undefined } : app.app;
  return {
    org,
    apiUrl: env.GITHUB_API_URL,
    registryUrl: env.GHCR_URL,
    token: env.GITHUB_TOKEN,
    app: installation ? { ...installation, org } : undefined,
    registryToken: env.GHCR_TOKEN,
    includeArchived: truthy(env.CACHEGUARD_INCLUDE_ARCHIVED),
    includeForks: truthy(env.CACHEGUARD_INCLUDE_FORKS),
    registryConcurrency: env.CACHEGUARD_REGISTRY_CONCURRENCY,
    teamProperty: env.CACHEGUARD_TEAM_PROPERTY,
    retentionDays: env.CACHEGUARD_RETENTION_DAYS,
    registries: registriesFromEnv(env, false),
  };
}
