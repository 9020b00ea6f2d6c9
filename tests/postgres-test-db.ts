/**
 * Test databases on PostgreSQL. `npm run test:postgres` (vitest.postgres.config.ts) starts one
 * throwaway server for the run and migrates a template database once (tests/postgres-global-setup.ts);
 * with CACHEGUARD_TEST_DB=postgres every database a test asks for is a `CREATE DATABASE … TEMPLATE`
 * copy of it: a few tens of ms, no migration per test. The cluster and all its databases go when the
 * run ends, so nothing here drops anything.
 */
import pg from "pg";

export const TEMPLATE_DATABASE = "cg_template";

/** True in the PostgreSQL run: test databases are PostgreSQL databases. */
export function testingOnPostgres(): boolean {
  return process.env.CACHEGUARD_TEST_DB === "postgres";
}

function adminUrl(): string {
  const url = process.env.CACHEGUARD_TEST_PG_URL;
  if (!url) throw new Error("CACHEGUARD_TEST_DB=postgres needs CACHEGUARD_TEST_PG_URL (run through `npm run test:postgres`)");
  return url;
}

function databaseUrl(name: string): string {
  const u = new URL(adminUrl());
  u.pathname = `/${name}`;
  // a test opens several clients at once (the app's, a CLI's, a snapshot's): small pools keep the
  // parallel test processes inside the server's max_connections
  u.searchParams.set("connection_limit", "4");
  return u.toString();
}

let made = 0;

async function createDatabase(template: string): Promise<string> {
  const name = `cg_${process.pid}_${++made}`;
  const c = new pg.Client({ connectionString: adminUrl() });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } finally {
    await c.end();
  }
  return databaseUrl(name);
}

/** An empty migrated PostgreSQL database (a copy of the run's template). */
export function freshPostgresUrl(): Promise<string> {
  return createDatabase(TEMPLATE_DATABASE);
}

/** A copy of a database no client is connected to (PostgreSQL's rule for a template). */
export function copyPostgresDatabase(url: string): Promise<string> {
  return createDatabase(new URL(url).pathname.slice(1));
}
