/**
 * `npm run test:postgres`: the server and scan suites (tests/postgres-suites.ts) on a throwaway
 * PostgreSQL server. Without PostgreSQL installed it says, loudly, that they were NOT run, and
 * passes: `npm test` must work on a machine with only Node and npm. `--all` adds the slow suites
 * (tests/postgres-suites.ts); other arguments go to vitest.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { POSTGRES_MISSING, postgresBinDir } from "../lib/dev/postgres";

const root = path.join(import.meta.dirname, "..");
if (!postgresBinDir()) {
  const msg = `POSTGRESQL SUITES SKIPPED: ${POSTGRES_MISSING}; the server and scan suites were NOT run against PostgreSQL`;
  process.stderr.write(`\n${"!".repeat(msg.length)}\n${msg}\n${"!".repeat(msg.length)}\n\n`);
  process.exit(0);
}
const t0 = Date.now();
const all = process.argv.includes("--all");
const args = ["run", "--config", "vitest.postgres.config.ts", ...process.argv.slice(2).filter((a) => a !== "--all")];
const run = spawnSync(path.join(root, "node_modules", ".bin", "vitest"), args, {
  cwd: root,
  stdio: "inherit",
  // the config imports the suite list (a .ts file): Vite's note about native config loading is noise here
  env: { ...process.env, CACHEGUARD_TEST_DB: "postgres", ...(all ? { CACHEGUARD_TEST_PG_ALL: "1" } : {}), VITE_CONFIG_NATIVE_IGNORE_WARNING: "true" },
});
process.stdout.write(`[postgres] suites took ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
process.exit(run.status ?? 1);
