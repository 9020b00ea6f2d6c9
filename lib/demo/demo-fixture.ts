import path from "node:path";

/**
 * Folder of the built-in demo org. Resolved from the working directory (the repo root for
 * `npm start`, the CLI and tests) because bundlers rewrite module-relative paths.
 */
export function demoFixtureDir(cwd: string = process.cwd()): string {
  return path.resolve(cwd, "lib/demo/fixture");
}

export const DEMO_ORG_LOGIN = "acme";
export const DEMO_TOKEN_VALUE = "demo-token";
