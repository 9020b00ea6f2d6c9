/**
 * The server and scan suites run again on PostgreSQL (the SQLite run runs every suite): the one
 * list, read by vitest.postgres.config.ts. `npm run test:postgres` (and so `npm test` and CI) runs
 * POSTGRES_SUITES; `npm run test:postgres -- --all` adds POSTGRES_SLOW_SUITES, which pass too but
 * re-run the same storage paths (a full scan, a rescan, an incremental one) many more times and
 * would add minutes to CI. A file joins a list when it passes on both databases.
 */
export const POSTGRES_SUITES: string[] = [
  // the PostgreSQL-only checks: the migrated schema is the schema; search folds case
  "tests/postgres-schema.test.ts",
  // queries (their raw SQL: problems, findings, the open-over-time series)
  "lib/server/queries/queries.test.ts",
  "lib/server/queries/problems.test.ts",
  "lib/server/queries/scale.test.ts",
  "lib/server/scan/findings.test.ts",
  "lib/server/schedule/schedule.test.ts",
  // scans: a full scan and rescan, one active scan per org, finding identity across scans
  "tests/scan.test.ts",
  "tests/scan-lifecycle.test.ts",
  "tests/truth-identity.test.ts",
  // what a scan leads to
  "tests/suppressions.test.ts",
  "tests/webhooks.test.ts",
  "tests/storage-scan.test.ts",
  "tests/cleanup.test.ts",
  "tests/actions-cache.test.ts",
  "tests/fix-pr.test.ts",
  "tests/after-scan.test.ts",
  "tests/alerts-settings.test.ts",
  "tests/integrations.test.ts",
  // the queue's workers with the store on PostgreSQL too (the queue is PostgreSQL in both runs)
  "tests/workers.test.ts",
  // the dashboard's routes and sessions
  "tests/api-routes.test.ts",
  "tests/auth-sessions.test.ts",
];

export const POSTGRES_SLOW_SUITES: string[] = [
  "tests/scan-problems.test.ts",
  "tests/scan-registry.test.ts",
  "tests/scan-other-registries.test.ts",
  "tests/scan-app.test.ts",
  "tests/truth-coverage.test.ts",
  // many rescans through injected faults, each on its own copy of a populated database
  "tests/truth-faults.test.ts",
  "tests/truth-seeds.test.ts",
];
