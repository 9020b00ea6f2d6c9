import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScan } from "@/lib/server/scan";
import { sqlitePathFromUrl } from "@/lib/server/migrate";
import { HUB_USERS } from "@/lib/demo/fake-github/hub";
import { type ScanEnv, appConfig, hubRegistries, scanEnv } from "./scan-helpers";
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

/** The pieces of a PEM private key a leak would show: its base64 lines, in PKCS#1 and PKCS#8 form. */
function keyLines(pem: string): string[] {
  const pkcs8 = createPrivateKey(pem).export({ type: "pkcs8", format: "pem" }).toString();
  return [...pem.split("\n"), ...pkcs8.split("\n")].filter((l) => l.length >= 40 && !l.startsWith("-----"));
}
/** the header every App JWT starts with ({"alg":"RS256","typ":"JWT"}): no JWT may be stored or logged */
const JWT_HEADER = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9";
const GHCR_CANARY = "ghp_CacheGuardGhcrCanary5e1d9b3f7a2c4e6b8d";

describe("in GitHub App mode, the App's private key, its JWTs, its installation tokens and GHCR_TOKEN stay on the server", () => {
  let appEnv: ScanEnv | null = null;
  let secrets: string[] = [];
  afterAll(async () => {
    await appEnv?.close();
  });

  it("are nowhere in the database after App scans that worked, one without GHCR_TOKEN and one GitHub refused", async () => {
    appEnv = await scanEnv((fixture) => {
      writeFileSync(path.join(fixture, "tokens.json"), JSON.stringify({ [GHCR_CANARY]: { login: "octocat", scopes: ["read:packages"], member: true } }));
    }, { app: {} });
    const ok = await runScan(appEnv.db, { config: appConfig(appEnv, { registryToken: GHCR_CANARY }), trigger: "manual" });
    expect(ok.status).toBe("succeeded");
    expect(ok.openCount).toBeGreaterThan(0);
    const blind = await runScan(appEnv.db, { config: appConfig(appEnv), trigger: "manual" });
    expect(blind.status).toBe("partial");
    const other = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs1", format: "pem" } }).privateKey;
    const refused = await runScan(appEnv.db, { config: appConfig(appEnv, { registryToken: GHCR_CANARY, privateKey: other }), trigger: "manual" });
    expect(refused.status).toBe("failed");
    await appEnv.db.$disconnect();

    const tokens = appEnv.server.installationTokens();
    expect(tokens.length).toBeGreaterThanOrEqual(1);
    secrets = [GHCR_CANARY, ...tokens, ...keyLines(appEnv.app!.privateKey), ...keyLines(other), JWT_HEADER];
    const file = sqlitePathFromUrl(appEnv.dbUrl);
    const files = [file, `${file}-wal`, `${file}-journal`, `${file}-shm`].filter(existsSync);
    for (const f of files) {
      for (const secret of secrets) expect(findSecret(f, secret), `${path.basename(f)} holds ${secret.slice(0, 8)}…`).toBeNull();
    }
  }, 120_000);

  it("and in no line the scanner logged", () => {
    expect(secrets.length).toBeGreaterThan(0);
    const all = logged.join("\n");
    for (const secret of secrets) expect(all).not.toContain(secret);
  });
});

describe("credentials of other registries (Docker Hub tokens, identity tokens, the pull tokens they buy) stay on the server", () => {
  let hubEnv: ScanEnv | null = null;
  const WRONG = "dckr_pat_CacheGuardWrongHubToken42";
  afterAll(async () => {
    await hubEnv?.close();
  });

  it("are nowhere in the database, nor in what was logged, after scans of a private Docker Hub repository that worked and one refused", async () => {
    hubEnv = await scanEnv((fixture) => {
      const dir = path.join(fixture, "registries", "docker.io", "acme", "sdk");
      writeFileSync(path.join(dir, "package.json"), JSON.stringify({ visibility: "private" }));
    });
    const user = HUB_USERS["acme-ci"];
    const basic = { host: "docker.io", kind: "basic" as const, username: "acme-ci", password: user.token, source: "DOCKERHUB_TOKEN" as const };
    const ok = await runScan(hubEnv.db, { config: { ...hubEnv.config, registries: hubRegistries(hubEnv.server, [basic]) }, trigger: "manual" });
    expect(ok.status, JSON.stringify(ok.repoErrors)).toBe("succeeded");
    const identity = { host: "docker.io", kind: "identity" as const, identityToken: user.identityToken, source: "CACHEGUARD_DOCKER_CONFIG" as const };
    await hubEnv.db.registryRef.deleteMany();
    const viaIdentity = await runScan(hubEnv.db, { config: { ...hubEnv.config, registries: hubRegistries(hubEnv.server, [identity]) }, trigger: "manual" });
    expect(viaIdentity.status, JSON.stringify(viaIdentity.repoErrors)).toBe("succeeded");
    const refused = await runScan(hubEnv.db, { config: { ...hubEnv.config, registries: hubRegistries(hubEnv.server, [{ ...basic, password: WRONG }]) }, trigger: "manual" });
    expect(refused.status).toBe("partial");
    expect(refused.repoErrors[0].message).toMatch(/refused a pull token for repository:acme\/sdk:pull \(401\): the credential for docker\.io from DOCKERHUB_TOKEN was refused/);
    await hubEnv.db.$disconnect();
    const file = sqlitePathFromUrl(hubEnv.dbUrl);
    const secrets = [user.token, user.identityToken, WRONG, "dckr_jwt_"];
    for (const f of [file, `${file}-wal`, `${file}-journal`, `${file}-shm`].filter(existsSync)) {
      for (const secret of secrets) expect(findSecret(f, secret), `${path.basename(f)} holds ${secret.slice(0, 12)}…`).toBeNull();
    }
    const all = logged.join("\n");
    for (const secret of secrets) expect(all).not.toContain(secret);
  }, 120_000);
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
