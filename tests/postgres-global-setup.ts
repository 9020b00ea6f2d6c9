/**
 * Global setup of `npm run test:postgres`: one PostgreSQL server for the whole run (Debian's
 * package, a private loopback port), its template database migrated once by ensureDatabase, the way
 * a deployment migrates. Test processes inherit the environment set here.
 */
import { POSTGRES_MISSING, startPostgres } from "@/lib/dev/postgres";
import { ensureDatabase } from "@/lib/server/migrate";
import { TEMPLATE_DATABASE } from "./postgres-test-db";

export default async function setup(): Promise<() => Promise<void>> {
  const server = await startPostgres();
  // scripts/test-postgres.ts skips the run (loudly) before this when PostgreSQL is not installed
  if (!server) throw new Error(POSTGRES_MISSING);
  const t0 = Date.now();
  const template = await server.createDatabase(TEMPLATE_DATABASE);
  await ensureDatabase(template);
  process.stdout.write(`[postgres] server on 127.0.0.1:${server.port}, template migrated in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  process.env.CACHEGUARD_TEST_DB = "postgres";
  process.env.CACHEGUARD_TEST_PG_URL = server.url();
  return () => server.stop();
}
