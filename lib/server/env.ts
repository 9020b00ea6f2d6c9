import { z } from "zod";

/**
 * Server configuration, validated once. Without CACHEGUARD_ORG the app runs in demo mode against
 * the built-in fake GitHub server; with it, the org must be readable (a token or a GitHub App).
 */
const schema = z.object({
  DATABASE_URL: z.string().default("file:./data/cacheguard.db"),
  GITHUB_TOKEN: z.string().min(1).optional(),
  GITHUB_APP_ID: z.string().optional(),
  GITHUB_APP_PRIVATE_KEY: z.string().optional(),
  GITHUB_APP_INSTALLATION_ID: z.string().optional(),
  CACHEGUARD_ORG: z.string().min(1).optional(),
  GITHUB_API_URL: z.string().url().default("https://api.github.com"),
  GHCR_URL: z.string().url().default("https://ghcr.io"),
  CACHEGUARD_SCHEDULE: z.string().default("0 3 * * *"),
  CACHEGUARD_INCLUDE_ARCHIVED: z.enum(["0", "1", "true", "false"]).optional(),
  CACHEGUARD_INCLUDE_FORKS: z.enum(["0", "1", "true", "false"]).optional(),
  /** registry (ghcr.io) requests in flight at once during a scan; default 16 */
  CACHEGUARD_REGISTRY_CONCURRENCY: z.coerce.number().int().min(1).max(256).optional(),
  /** the repository custom property naming the owner team (read with GET /orgs/{org}/properties/values) */
  CACHEGUARD_TEAM_PROPERTY: z.string().trim().min(1).max(100).default("team"),
  /** set by `npm start` in demo mode: the fake server's URL */
  CACHEGUARD_DEMO_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().positive().default(3000),
  /** the address `npm start` listens on; demo mode defaults to loopback only */
  HOST: z.string().min(1).optional(),
  /** the dashboard's public URL (also next-auth's) */
  NEXTAUTH_URL: z.string().url().optional(),
  /** how long a confirmed org membership counts before GitHub is asked again (at most 10 minutes) */
  CACHEGUARD_MEMBERSHIP_TTL_SECONDS: z.coerce.number().int().min(1).max(600).default(600),
  /** set behind a reverse proxy that overwrites X-Forwarded-Host/-Proto: only then are they believed */
  TRUST_PROXY: z.enum(["0", "1", "true", "false"]).optional(),
});

export type Env = z.infer<typeof schema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${issues}`);
  }
  return parsed.data;
}

export const DEMO_ORG = "acme";
export const DEMO_TOKEN = "demo-token";

/** Demo mode is for a machine with no organization configured, and only for that. */
export function isDemoMode(env: Env): boolean {
  return !env.CACHEGUARD_ORG;
}

export function trustProxy(env: Env): boolean {
  return env.TRUST_PROXY === "1" || env.TRUST_PROXY === "true";
}

/**
 * Why this configuration cannot serve, as one line, or null. An org that is configured but cannot
 * be read must not quietly become the open demo: the server refuses to start instead.
 */
export function configProblem(env: Env): string | null {
  if (isDemoMode(env)) return null;
  const app = [env.GITHUB_APP_ID, env.GITHUB_APP_PRIVATE_KEY, env.GITHUB_APP_INSTALLATION_ID];
  if (env.GITHUB_TOKEN) return null;
  if (app.every(Boolean)) return null;
  if (app.some(Boolean)) {
    return `CACHEGUARD_ORG=${env.CACHEGUARD_ORG} is set but the GitHub App is incomplete: set GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID (or GITHUB_TOKEN), or unset CACHEGUARD_ORG for the demo.`;
  }
  return `CACHEGUARD_ORG=${env.CACHEGUARD_ORG} is set but there is no way to read it: set GITHUB_TOKEN (or a GitHub App), or unset CACHEGUARD_ORG for the demo.`;
}
