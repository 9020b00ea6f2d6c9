import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { serverMembershipCheck } from "@/lib/auth/server-membership";
import { readEnv } from "@/lib/server/env";
import { type ScanEnv, scanEnv } from "./scan-helpers";

/**
 * After sign-in, membership is checked again with the server's own credential: in App mode, the
 * installation token (Members: read), the installation found on the org when no id is configured.
 */
let env: ScanEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

describe("membership re-checks in GitHub App mode", () => {
  it("use the installation: members are members, others are not, and the App's token is what asked", async () => {
    env = await scanEnv(undefined, { app: {} });
    const keyFile = path.join(env.dir, "app.pem");
    writeFileSync(keyFile, env.app!.privateKey, { mode: 0o600 });
    const check = serverMembershipCheck(readEnv({
      CACHEGUARD_ORG: "acme", GITHUB_API_URL: env.server.url, GITHUB_APP_ID: String(env.app!.id), GITHUB_APP_PRIVATE_KEY_FILE: keyFile,
    } as unknown as NodeJS.ProcessEnv));
    expect(await check("monalisa")).toEqual({ member: true });
    expect(await check("stranger")).toMatchObject({ member: false, reason: "not-member" });
    const asked = env.server.requests().filter((r) => r.route === "GET /orgs/:org/members/:user");
    expect(asked.map((r) => r.auth)).toEqual([
      { kind: "installation", installationId: env.app!.installationId, token: 1 },
      { kind: "installation", installationId: env.app!.installationId, token: 1 },
    ]);
  });

  it("say why when the App cannot be used (no member let in on an error)", async () => {
    env = await scanEnv(undefined, { app: {} });
    const check = serverMembershipCheck(readEnv({
      CACHEGUARD_ORG: "acme", GITHUB_API_URL: env.server.url, GITHUB_APP_ID: String(env.app!.id), GITHUB_APP_PRIVATE_KEY: env.app!.privateKey, GITHUB_APP_INSTALLATION_ID: "999",
    } as unknown as NodeJS.ProcessEnv));
    const r = await check("monalisa");
    expect(r).toMatchObject({ member: false, reason: "error" });
    expect((r as { message: string }).message).toMatch(/GitHub App 4242 has no installation 999/);
  });
});
