import path from "node:path";
import { defineConfig } from "vitest/config";
import { POSTGRES_SLOW_SUITES, POSTGRES_SUITES } from "./tests/postgres-suites";

/**
 * `npm run test:postgres`: the server and scan suites again, on one throwaway PostgreSQL server
 * (tests/postgres-global-setup.ts). Two test processes at a time: the run shares the CI's two
 * cores with the server itself.
 */
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: process.env.CACHEGUARD_TEST_PG_ALL === "1" ? [...POSTGRES_SUITES, ...POSTGRES_SLOW_SUITES] : POSTGRES_SUITES,
    globalSetup: ["tests/postgres-global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
