import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** Token shapes (classic/OAuth/App PATs, fine-grained PATs) and private keys. */
export const TOKEN_SHAPE = /\bgh[pousr]_[A-Za-z0-9]{30,}|\bgithub_pat_[A-Za-z0-9_]{40,}|-----BEGIN [A-Z ]*PRIVATE KEY-----/;

export function walkFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walkFiles(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/**
 * What browsers download (`.next/static`) checked for secret values and token shapes.
 * Returns the files scanned and one line per hit.
 */
export function scanBundleForSecrets(nextDir: string, secrets: Map<string, string>): { files: number; hits: string[] } {
  const files = walkFiles(path.join(nextDir, "static"));
  const hits: string[] = [];
  for (const f of files) {
    const text = readFileSync(f, "latin1");
    for (const [name, value] of secrets) if (text.includes(value)) hits.push(`${path.relative(nextDir, f)}: ${name}`);
    if (TOKEN_SHAPE.test(text)) hits.push(`${path.relative(nextDir, f)}: a token or key`);
  }
  return { files: files.length, hits };
}

/** Secret values from the environment worth looking for (long enough not to match by chance). */
export function secretsFromEnv(env: NodeJS.ProcessEnv = process.env): Map<string, string> {
  const secrets = new Map<string, string>([["the demo token", "demo-token"]]);
  for (const name of ["GITHUB_TOKEN", "GITHUB_CLIENT_SECRET", "NEXTAUTH_SECRET", "GITHUB_APP_PRIVATE_KEY", "CACHEGUARD_LEAK_CANARY", "DOCKERHUB_TOKEN", "CACHEGUARD_REGISTRIES"]) {
    const v = env[name];
    if (v && v.length >= 8) secrets.set(name, v);
  }
  return secrets;
}
