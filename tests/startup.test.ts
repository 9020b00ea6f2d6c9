import { spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "@/lib/server/db";
import { readEnv } from "@/lib/server/env";
import { listenPlan } from "@/lib/server/listen";
import { freshDbUrl } from "./scan-helpers";

/**
 * `npm start` refuses what would be unsafe, before it builds or serves anything, with one line:
 * a configured org it cannot read (no token, no App), and the sign-in-less demo over a database
 * that holds another organization's audit.
 */
const ROOT = path.resolve(import.meta.dirname, "..");
let dir: string;

function start(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const base = { ...process.env };
    for (const k of ["CACHEGUARD_ORG", "GITHUB_TOKEN", "GITHUB_APP_ID", "GITHUB_APP_PRIVATE_KEY", "GITHUB_APP_PRIVATE_KEY_FILE", "GITHUB_APP_INSTALLATION_ID", "GHCR_TOKEN", "CACHEGUARD_DEMO_URL", "CACHEGUARD_DEMO_AUTH", "HOST"]) delete base[k];
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], { cwd: ROOT, env: { ...base, PORT: "3299", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "cg-startup-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("npm start refuses to fail open", () => {
  it("an org with OAuth and NEXTAUTH_* but no GITHUB_TOKEN does not become the open demo", async () => {
    const r = await start({
      CACHEGUARD_ORG: "acme", GITHUB_CLIENT_ID: "x", GITHUB_CLIENT_SECRET: "y", NEXTAUTH_SECRET: "0123456789abcdef0123", NEXTAUTH_URL: "https://cg.example.com",
      DATABASE_URL: `file:${path.join(dir, "a.db")}`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("[cacheguard] cannot start: CACHEGUARD_ORG=acme is set but there is no way to read it: set GITHUB_TOKEN (or a GitHub App), or unset CACHEGUARD_ORG for the demo.\n");
    expect(r.stdout).not.toMatch(/demo mode|dashboard:/);
  }, 60_000);

  it("an incomplete GitHub App is named as such", async () => {
    const r = await start({ CACHEGUARD_ORG: "acme", GITHUB_APP_ID: "123", DATABASE_URL: `file:${path.join(dir, "b.db")}` });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^\[cacheguard\] cannot start: CACHEGUARD_ORG=acme is set but the GitHub App is incomplete: set GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY \(or GITHUB_APP_PRIVATE_KEY_FILE\); GITHUB_APP_INSTALLATION_ID is optional/);
  }, 60_000);

  it("a GitHub App key that is no usable key is refused in one line that shows none of it", async () => {
    const key = "-----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEAsecretkeymaterial0123456789\\n-----END RSA PRIVATE KEY-----";
    const r = await start({ CACHEGUARD_ORG: "acme", GITHUB_APP_ID: "123", GITHUB_APP_PRIVATE_KEY: key, DATABASE_URL: `file:${path.join(dir, "e.db")}` });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^\[cacheguard\] cannot start: CACHEGUARD_ORG=acme is set but GITHUB_APP_PRIVATE_KEY is not a usable GitHub App private key: the PEM does not decode \(.*\); it may be cut short or changed\.\n$/);
    expect(r.stderr + r.stdout).not.toContain("secretkeymaterial");
    const file = await start({ CACHEGUARD_ORG: "acme", GITHUB_APP_ID: "123", GITHUB_APP_PRIVATE_KEY_FILE: path.join(dir, "no-such.pem"), DATABASE_URL: `file:${path.join(dir, "f.db")}` });
    expect(file.stderr).toBe(`[cacheguard] cannot start: CACHEGUARD_ORG=acme is set but GITHUB_APP_PRIVATE_KEY_FILE=${path.join(dir, "no-such.pem")} cannot be read (ENOENT).\n`);
  }, 60_000);

  it("a complete GitHub App needs no installation id: start-up goes on to ask for sign-in", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs1", format: "pem" } });
    const keyFile = path.join(dir, "app.pem");
    writeFileSync(keyFile, privateKey, { mode: 0o600 });
    const r = await start({ CACHEGUARD_ORG: "acme", GITHUB_APP_ID: "123", GITHUB_APP_PRIVATE_KEY_FILE: keyFile, GHCR_TOKEN: "ghp_classic0000000000", DATABASE_URL: `file:${path.join(dir, "g.db")}` });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^\[cacheguard\] cannot start: Sign-in is not configured/);
    const ghs = await start({ CACHEGUARD_ORG: "acme", GITHUB_APP_ID: "123", GITHUB_APP_PRIVATE_KEY_FILE: keyFile, GHCR_TOKEN: "ghs_installationtoken0000", DATABASE_URL: `file:${path.join(dir, "h.db")}` });
    expect(ghs.stderr).toMatch(/^\[cacheguard\] cannot start: GHCR_TOKEN is an installation \(or Actions\) token; GitHub Packages and ghcr.io take a personal access token \(classic\)/);
    expect(ghs.stderr).not.toContain("ghs_installationtoken0000");
  }, 60_000);

  it("an org with a token but no sign-in configured names the missing variables, not their values", async () => {
    const r = await start({ CACHEGUARD_ORG: "acme", GITHUB_TOKEN: "ghp_secretvalue0000000000", DATABASE_URL: `file:${path.join(dir, "c.db")}` });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^\[cacheguard\] cannot start: Sign-in is not configured: GITHUB_CLIENT_ID: .*NEXTAUTH_URL/);
    expect(r.stderr + r.stdout).not.toContain("ghp_secretvalue");
  }, 60_000);

  it("the demo (no sign-in) will not serve a database that holds another org's audit", async () => {
    const url = await freshDbUrl(dir);
    const db = createDb(url);
    await db.org.create({ data: { login: "initech" } });
    await db.$disconnect();
    const r = await start({ DATABASE_URL: url });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^\[cacheguard\] cannot start: the database .* holds the audit of initech, and demo mode has no sign-in: set CACHEGUARD_ORG=initech/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  }, 60_000);
});

describe("where the dashboard listens", () => {
  const plan = (o: Record<string, string>) => listenPlan(readEnv({ PORT: "3000", ...o } as unknown as NodeJS.ProcessEnv));

  it("the demo listens on loopback only and says so", () => {
    expect(plan({})).toEqual({
      host: "127.0.0.1", nextArgs: ["-H", "127.0.0.1"], probeUrl: "http://127.0.0.1:3000",
      startLine: "http://localhost:3000 (listening on 127.0.0.1:3000 only; set HOST=0.0.0.0 to listen on every interface)",
    });
  });

  it("HOST opens it up, and the line warns that the demo has no sign-in", () => {
    expect(plan({ HOST: "0.0.0.0" }).startLine).toBe("http://localhost:3000 (listening on every interface, port 3000; anyone who can reach this machine sees the demo, without sign-in)");
    expect(plan({ HOST: "192.168.1.5" })).toMatchObject({ nextArgs: ["-H", "192.168.1.5"], probeUrl: "http://192.168.1.5:3000", startLine: "http://192.168.1.5:3000 (listening on 192.168.1.5:3000)" });
  });

  it("a configured org listens where HOST says, every interface by default, and names its public URL", () => {
    expect(plan({ CACHEGUARD_ORG: "acme", GITHUB_TOKEN: "t", NEXTAUTH_URL: "https://cg.example.com/" })).toEqual({
      host: null, nextArgs: [], probeUrl: "http://127.0.0.1:3000", startLine: "https://cg.example.com (listening on every interface, port 3000)",
    });
  });
});
