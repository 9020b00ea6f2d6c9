import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScan } from "@/lib/server/scan";
import { sqlitePathFromUrl } from "@/lib/server/migrate";
import { type ScanEnv, scanEnv } from "./scan-helpers";
import { scanBundleForSecrets, secretsFromEnv } from "./secret-scan";

/**
 * Issue 5, "must show": the token is read on the server only. After scans with a distinctive
 * token (one that works, one GitHub refuses), no byte of it is in the SQLite files or in what the
 * scanner logged; and a built app's `.next/static` (what browsers download) holds no secret value.
 */
const CANARY = "ghp_CacheGuardCanary7f3a9c1e5b2d8f4a6c0e";
const REFUSED = "ghp_CacheGuardRefused0b1c2d3e4f5a6b7c8d9e";
const ROOT = path.resolve(import.meta.dirname, "..");

/** Every form a token could be written in: raw, base64 (Basic auth), UTF-16 (some drivers), hex. */
function needles(secret: string): Array<{ form: string; bytes: Buffer }> {
  return [
    { form: "utf8", bytes: Buffer.from(secret, "utf8") },
    { form: "utf16le", bytes: Buffer.from(secret, "utf16le") },
    { form: "base64 of x-access-token:token", bytes: Buffer.from(Buffer.from(`x-access-token:${secret}`).toString("base64")) },
    { form: "base64", bytes: Buffer.from(Buffer.from(secret).toString("base64").replace(/=+$/, "")) },
    { form: "hex", bytes: Buffer.from(Buffer.from(secret).toString("hex")) },
  ];
}

function findSecret(file: string, secret: string): string | null {
  const data = readFileSync(file);
  for (const n of needles(secret)) if (data.includes(n.bytes)) return n.form;
  return null;
}

let env: ScanEnv;
const logged: string[] = [];
const originals = { log: console.log, warn: console.warn, error: console.error, info: console.info };

beforeAll(async () => {
  env = await scanEnv((fixture) => {
    writeFileSync(path.join(fixture, "tokens.json"), JSON.stringify({
      [CANARY]: { login: "octocat", scopes: ["repo", "read:org", "read:packages"], member: true },
    }));
  });
  for (const k of ["log", "warn", "error", "info"] as const) {
    console[k] = (...args: unknown[]) => {
      logged.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    };
  }
}, 60_000);

afterAll(async () => {
  Object.assign(console, originals);
  await env?.close();
});

describe("the GitHub token stays on the server", () => {
  it("is nowhere in the database after a scan that used it and one that GitHub refused", async () => {
    const ok = await runScan(env.db, { config: { ...env.config, token: CANARY }, trigger: "manual" });
    expect(ok.status).toBe("succeeded");
    expect(ok.openCount).toBeGreaterThan(0);
    // a refused token ends in error messages: the likeliest place for it to be echoed
    const bad = await runScan(env.db, { config: { ...env.config, token: REFUSED }, trigger: "manual" });
    expect(bad.status).toBe("failed");
    expect(bad.error).toMatch(/credentials|401|token/i);
    expect(bad.error).not.toContain(REFUSED);
    await env.db.$disconnect(); // flush: the WAL and journal files are checked too

    const file = sqlitePathFromUrl(env.dbUrl);
    const files = [file, `${file}-wal`, `${file}-journal`, `${file}-shm`].filter(existsSync);
    expect(statSync(file).size).toBeGreaterThan(10_000); // it did store the scan
    for (const f of files) {
      expect(findSecret(f, CANARY), `${path.basename(f)} holds the working token`).toBeNull();
      expect(findSecret(f, REFUSED), `${path.basename(f)} holds the refused token`).toBeNull();
    }
  }, 90_000);

  it("is in no line the scanner logged", () => {
    const all = logged.join("\n");
    expect(all).not.toContain(CANARY);
    expect(all).not.toContain(REFUSED);
  });

  it("and no secret value is in the browser bundle (.next/static), when a build exists", (ctx) => {
    const nextDir = process.env.CACHEGUARD_NEXT_DIR ?? path.join(ROOT, ".next");
    const staticDir = path.join(nextDir, "static");
    if (!existsSync(path.join(nextDir, "BUILD_ID")) || !existsSync(staticDir)) {
      // building here would take minutes; the e2e run builds the app, then this test checks it
      originals.info(`[token-leak] skipped the bundle check: no build at ${nextDir} (run \`next build\` or the e2e suite first)`);
      ctx.skip();
      return;
    }
    const secrets = secretsFromEnv();
    const { files, hits } = scanBundleForSecrets(nextDir, secrets);
    expect(files).toBeGreaterThan(0);
    expect(hits).toEqual([]);
    originals.info(`[token-leak] checked ${files} files under ${staticDir} for ${secrets.size} secret values and token shapes`);
  });
});
