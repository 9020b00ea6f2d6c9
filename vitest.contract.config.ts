import path from "node:path";
import { defineConfig } from "vitest/config";

/** `npm run test:contract`: the fake GitHub + GHCR server and the clients held against GitHub's published descriptions and a real registry. */
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["tests/contract/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
