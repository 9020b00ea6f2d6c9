import { z } from "zod";

/**
 * Server configuration, validated once. Without GITHUB_TOKEN (or a GitHub App) and
 * CACHEGUARD_ORG the app runs in demo mode against the built-in fake GitHub server.
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
  /** set by `npm start` in demo mode: the fake server's URL */
  CACHEGUARD_DEMO_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().positive().default(3000),
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

export function isDemoMode(env: Env): boolean {
  return !env.CACHEGUARD_ORG || (!env.GITHUB_TOKEN && !env.GITHUB_APP_ID);
}
