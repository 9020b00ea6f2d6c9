import { createPrivateKey, generateKeyPairSync, sign, verify } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { configProblem, githubAppFromEnv, readEnv } from "@/lib/server/env";
import { scanConfigFromEnv } from "@/lib/server/scan/config";
import { AppKeyError, normalizeAppPrivateKey } from "./app-key";

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs1", format: "pem" } });
const signsLikeTheOriginal = (pem: string) => verify("sha256", Buffer.from("x"), rsa.publicKey, sign("sha256", Buffer.from("x"), pem));
const dir = mkdtempSync(path.join(tmpdir(), "cg-app-key-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a GitHub App private key as users paste it", () => {
  it("is taken as GitHub's .pem, with literal \\n as in .env files, quoted, with CRLF, or as PKCS#8: always the same key", () => {
    const pkcs8 = createPrivateKey(rsa.privateKey).export({ type: "pkcs8", format: "pem" }).toString();
    const forms = {
      pem: rsa.privateKey,
      escaped: rsa.privateKey.trim().split("\n").join("\\n"),
      quoted: `"${rsa.privateKey.trim().split("\n").join("\\n")}"`,
      crlf: rsa.privateKey.replace(/\n/g, "\r\n"),
      pkcs8,
    };
    for (const [form, text] of Object.entries(forms)) {
      const out = normalizeAppPrivateKey(text);
      expect(out, form).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
      expect(signsLikeTheOriginal(out), form).toBe(true);
    }
  });

  it("is refused with a reason that names the variable and shows none of the key", () => {
    const cut = rsa.privateKey.split("\n").slice(0, 6).join("\n") + "\n-----END RSA PRIVATE KEY-----";
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256", privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } }).privateKey;
    const cases: Array<[string, RegExp]> = [
      ["MIIEowIBAAKCAQEA0base64only", /it does not hold a PEM private key/],
      [rsa.publicKey, /it is a PEM "PUBLIC KEY", not an RSA private key/],
      [cut, /the PEM does not decode \(.+\); it may be cut short or changed/],
      [ec, /it is an ec key; GitHub Apps sign their JWTs with RSA keys/],
      ["-----BEGIN RSA PRIVATE KEY-----", /it holds the PEM's first line but not the whole key/],
    ];
    for (const [text, why] of cases) {
      let err: unknown;
      try {
        normalizeAppPrivateKey(text, "GITHUB_APP_PRIVATE_KEY");
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AppKeyError);
      const msg = (err as Error).message;
      expect(msg).toMatch(/^GITHUB_APP_PRIVATE_KEY is not a usable GitHub App private key: /);
      expect(msg).toMatch(why);
      for (const line of text.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"))) expect(msg).not.toContain(line);
    }
  });
});

describe("the GitHub App in the environment", () => {
  const base = { CACHEGUARD_ORG: "initech" };
  const env = (o: Record<string, string>) => readEnv({ ...base, ...o } as unknown as NodeJS.ProcessEnv);

  it("GITHUB_APP_ID with the key inline or as a file is complete without an installation id; the scan config carries it", () => {
    const file = path.join(dir, "app.pem");
    writeFileSync(file, rsa.privateKey);
    const keyForms: Array<Record<string, string>> = [{ GITHUB_APP_PRIVATE_KEY: rsa.privateKey.split("\n").join("\\n") }, { GITHUB_APP_PRIVATE_KEY_FILE: file }];
    for (const keyVars of keyForms) {
      const e = env({ GITHUB_APP_ID: "123", ...keyVars, GHCR_TOKEN: "ghp_classic" });
      expect(configProblem(e)).toBeNull();
      const config = scanConfigFromEnv(e);
      expect(config.app).toMatchObject({ appId: "123", org: "initech" });
      expect(config.app!.installationId).toBeUndefined();
      expect(signsLikeTheOriginal(config.app!.privateKey)).toBe(true);
      expect(config.registryToken).toBe("ghp_classic");
    }
    expect(scanConfigFromEnv(env({ GITHUB_APP_ID: "123", GITHUB_APP_PRIVATE_KEY_FILE: file, GITHUB_APP_INSTALLATION_ID: "77" })).app!.installationId).toBe(77);
  });

  it("the demo in App mode (npm start with CACHEGUARD_DEMO_AUTH=app) scans as the fake's App, the registry with the demo PAT", () => {
    const file = path.join(dir, "demo.pem");
    writeFileSync(file, rsa.privateKey);
    const config = scanConfigFromEnv(readEnv({ CACHEGUARD_DEMO_URL: "http://127.0.0.1:4010", CACHEGUARD_DEMO_APP_ID: "1000001", CACHEGUARD_DEMO_APP_KEY_FILE: file } as unknown as NodeJS.ProcessEnv));
    expect(config).toMatchObject({ org: "acme", apiUrl: "http://127.0.0.1:4010", app: { appId: "1000001", org: "acme" }, registryToken: "demo-token" });
    expect(config.token).toBeUndefined();
  });

  it("says what is wrong, naming variables only", () => {
    const problem = (o: Record<string, string>) => configProblem(env(o));
    expect(problem({ GITHUB_APP_PRIVATE_KEY: rsa.privateKey })).toMatch(/the GitHub App is incomplete: set GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY \(or GITHUB_APP_PRIVATE_KEY_FILE\)/);
    expect(problem({ GITHUB_APP_ID: "Iv23abc", GITHUB_APP_PRIVATE_KEY: rsa.privateKey })).toMatch(/GITHUB_APP_ID must be the App's numeric ID/);
    expect(problem({ GITHUB_APP_ID: "1", GITHUB_APP_PRIVATE_KEY: rsa.privateKey, GITHUB_APP_INSTALLATION_ID: "abc" })).toMatch(/GITHUB_APP_INSTALLATION_ID must be a number/);
    expect(problem({ GITHUB_APP_ID: "1", GITHUB_APP_PRIVATE_KEY: rsa.privateKey, GITHUB_APP_PRIVATE_KEY_FILE: "/x.pem" })).toMatch(/both GITHUB_APP_PRIVATE_KEY and GITHUB_APP_PRIVATE_KEY_FILE are set/);
    // a broken App is not papered over by a PAT beside it
    expect(problem({ GITHUB_TOKEN: "ghp_x", GITHUB_APP_ID: "1", GITHUB_APP_PRIVATE_KEY: "garbage" })).toMatch(/GITHUB_APP_PRIVATE_KEY is not a usable GitHub App private key/);
    expect(problem({ GITHUB_TOKEN: "ghp_x", GHCR_TOKEN: "github_pat_11ABC" })).toMatch(/^GHCR_TOKEN is a fine-grained personal access token; .*personal access token \(classic\) with the read:packages scope/);
    expect(problem({ GITHUB_TOKEN: "ghp_x", GHCR_TOKEN: "ghp_classic" })).toBeNull();
    expect(githubAppFromEnv({})).toEqual({ app: null });
  });
});
