import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { main } from "@/lib/cli/main";

export const SEED = readFileSync(
  path.join(import.meta.dirname, "fixtures/rules/cache-overwrites-image-tag/bad/seed.yml"),
  "utf8",
);

/** A throwaway checkout: { "relative/path": "text" | Buffer }. */
export function checkout(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "cg-cli-"));
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), body);
  }
  return dir;
}

export async function cli(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd });
  return { code, stdout, stderr };
}
