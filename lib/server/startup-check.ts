import { type EnvSource, readAuthConfig } from "@/lib/auth/config";
import type { Db } from "@/lib/server/db";
import { databaseLabel } from "@/lib/server/dialect";
import { DEMO_ORG, DEMO_OTHER_ORGS, type Env, configProblem, isDemoMode } from "@/lib/server/env";
import { otherOrgs } from "@/lib/server/queries/org";

/**
 * Why the dashboard must not start with this configuration and database, as one line, or null.
 * It never falls back to the open demo for a configured org, and the demo (no sign-in) never
 * serves a database that holds another organization's audit.
 */
export async function startupProblem(env: Env, db: Db, source: EnvSource = process.env): Promise<string | null> {
  const problem = configProblem(env);
  if (problem) return problem;
  if (!isDemoMode(env)) {
    try {
      readAuthConfig(source);
    } catch (e) {
      return e instanceof Error ? e.message : "Sign-in is not configured.";
    }
    return null;
  }
  const others = (await otherOrgs(db, DEMO_ORG)).filter((o) => !DEMO_OTHER_ORGS.includes(o));
  if (others.length > 0) {
    const list = others.join(", ");
    return `the database ${databaseLabel(env.DATABASE_URL)} holds the audit of ${list}, and demo mode has no sign-in: set CACHEGUARD_ORG=${others[0]} (with GITHUB_TOKEN and sign-in) to serve it, or point DATABASE_URL at another database for the demo.`;
  }
  return null;
}

/** For a server started without `npm start` (`next start`): the same refusal, then exit. */
export async function refuseUnsafeStart(): Promise<void> {
  const { readEnv } = await import("@/lib/server/env");
  const { ensureDatabase } = await import("@/lib/server/migrate");
  const { getDb } = await import("@/lib/server/db");
  let problem: string | null;
  try {
    const env = readEnv();
    problem = configProblem(env);
    if (!problem) {
      await ensureDatabase(env.DATABASE_URL);
      problem = await startupProblem(env, getDb());
    }
  } catch (e) {
    problem = e instanceof Error ? e.message : String(e);
  }
  if (problem) {
    process.stderr.write(`[cacheguard] cannot start: ${problem}\n`);
    process.exit(1);
  }
}
