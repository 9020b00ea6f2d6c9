/**
 * The server and scan suites `npm run test:postgres` runs again on PostgreSQL (the SQLite run runs
 * every suite). The one list: vitest.postgres.config.ts reads it, the README points at it. A file
 * joins when it passes on both; what keeps the others out is said next to them.
 */
export const POSTGRES_SUITES: string[] = [
  // queries
  "lib/server/queries/queries.test.ts",
  "lib/server/queries/problems.test.ts",
  "lib/server/queries/scale.test.ts",
  "lib/server/scan/findings.test.ts",
  "lib/server/schedule/schedule.test.ts",
  // scans
  "tests/scan.test.ts",
  "tests/scan-lifecycle.test.ts",
  "tests/scan-problems.test.ts",
  "tests/scan-registry.test.ts",
  "tests/scan-other-registries.test.ts",
  "tests/scan-app.test.ts",
  "tests/truth-identity.test.ts",
  "tests/truth-coverage.test.ts",
  "tests/truth-faults.test.ts",
  "tests/truth-seeds.test.ts",
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
  // the dashboard's routes and sessions
  "tests/api-routes.test.ts",
  "tests/auth-sessions.test.ts",
  // the PostgreSQL-only checks: the migrated schema is the schema
  "tests/postgres-schema.test.ts",
];
