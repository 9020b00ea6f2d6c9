/**
 * GET/PUT /api/settings/alerts and POST /api/settings/alerts/test through the route handlers, on a
 * real SQLite file (demo mode, so no session is needed): values are write-only, URLs are checked,
 * the page's values win over the environment, and the test message reaches each receiver.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readEnv } from "@/lib/server/env";
import { type Db, createDb } from "@/lib/server/db";
import { verifySignature } from "@/lib/server/alerts";
import { type Receiver, receiver } from "./alert-receiver";
import { freshDbUrl } from "./scan-helpers";

type Route = Record<string, (req: NextRequest, ctx?: { params: Promise<Record<string, string>> }) => Promise<Response>>;
const routes = {
  alerts: () => import("@/app/api/settings/alerts/route") as Promise<Route>,
  test: () => import("@/app/api/settings/alerts/test/route") as Promise<Route>,
};
const BASE = "http://localhost:3999";
const SECRET = "a-signing-secret-of-some-length";
const ENV_KEYS = ["CACHEGUARD_ORG", "GITHUB_TOKEN", "NEXTAUTH_URL", "CACHEGUARD_SLACK_WEBHOOK_URL", "CACHEGUARD_ALERT_WEBHOOK_URL", "CACHEGUARD_ALERT_WEBHOOK_SECRET"];

let dir: string;
let db: Db;
let dbUrl: string;
let fromEnv: Receiver;
let fromPage: Receiver;
let hook: Receiver;
const saved = { ...process.env };

async function call(route: keyof typeof routes, method: string, body?: unknown): Promise<{ status: number; text: string; json: Record<string, unknown> }> {
  const mod = await routes[route]();
  const init = body === undefined ? { method } : { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body), duplex: "half" };
  const res = await mod[method](new NextRequest(`${BASE}/api/settings/alerts${route === "test" ? "/test" : ""}`, init as ConstructorParameters<typeof NextRequest>[1]));
  const text = await res.text();
  return { status: res.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
const put = (body: unknown) => call("alerts", "PUT", body);
const get = () => call("alerts", "GET");

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "cg-alert-settings-"));
  dbUrl = await freshDbUrl(dir);
  db = createDb(dbUrl);
  (globalThis as unknown as { cacheguardDb?: Db }).cacheguardDb = db;
  fromEnv = await receiver();
  fromPage = await receiver();
  hook = await receiver(() => ({ status: 204 }));
});
beforeEach(async () => {
  for (const k of ENV_KEYS) delete process.env[k];
  process.env.DATABASE_URL = dbUrl;
  await db.setting.deleteMany();
});
afterAll(async () => {
  process.env = saved;
  for (const r of [fromEnv, fromPage, hook]) await r?.close();
  await db?.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe("alert settings", () => {
  it("nothing configured: every field unset; the test has nothing to send to", async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      slackUrl: { set: false, source: "none", off: false, envSet: false, host: null },
      webhookUrl: { set: false, source: "none" },
      webhookSecret: { set: false, source: "none" },
      warnings: [],
      dashboardUrl: null,
    });
    const t = await call("test", "POST");
    expect(t.status).toBe(400);
    expect(t.json.error).toMatch(/No alert receiver is configured/);
  });

  it("URLs must be http or https; 400 names the field and nothing is stored", async () => {
    for (const [body, field, error] of [
      [{ slackUrl: "ftp://hooks.example.com/x" }, "slackUrl", /^Slack webhook URL must be an http or https URL \(got ftp\)\.$/],
      [{ slackUrl: "hooks.slack.com/services/x" }, "slackUrl", /must be a URL such as/],
      [{ webhookUrl: "javascript:alert(1)", webhookSecret: SECRET }, "webhookUrl", /must be an http or https URL/],
      [{ webhookUrl: "https://hooks.example.com/x", webhookSecret: "short" }, "webhookSecret", /at least 16 characters/],
    ] as const) {
      const res = await put(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json).toEqual({ error: expect.stringMatching(error), field });
    }
    const wrongShape = await put({ slackUrl: 42 });
    expect(wrongShape.status).toBe(400);
    expect((await put({ slack: "https://x.example" })).status).toBe(400);
    expect(await db.setting.count()).toBe(0);
  });

  it("a webhook URL is refused without a signing secret; with one it is saved, and neither is ever answered back", async () => {
    const refused = await put({ webhookUrl: `${hook.url}/in` });
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({ field: "webhookSecret", error: expect.stringMatching(/needs a signing secret .*never sends an unsigned webhook/) });
    expect(await db.setting.count()).toBe(0);

    const ok = await put({ webhookUrl: `${hook.url}/in`, webhookSecret: SECRET });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({
      webhookUrl: { set: true, source: "settings", host: new URL(hook.url).host },
      webhookSecret: { set: true, source: "settings", host: null },
    });
    const again = await get();
    for (const r of [ok, again]) {
      expect(r.text).not.toContain(SECRET);
      expect(r.text).not.toContain("/in");
    }
    // clearing the secret while the webhook stays is refused too
    const clear = await put({ webhookSecret: "" });
    expect(clear.status).toBe(400);
    expect(clear.json.field).toBe("webhookSecret");
    // an env secret is a secret in force
    process.env.CACHEGUARD_ALERT_WEBHOOK_SECRET = "an-env-signing-secret-0123";
    const cleared = await put({ webhookSecret: "" });
    expect(cleared.status).toBe(200);
    expect(cleared.json).toMatchObject({ webhookSecret: { set: true, source: "env", envSet: true } });
    expect(cleared.text).not.toContain("an-env-signing-secret");
  });

  it("the settings page wins over the environment; \"\" goes back to the environment; \"off\" turns it off", async () => {
    process.env.CACHEGUARD_SLACK_WEBHOOK_URL = `${fromEnv.url}/services/env`;
    process.env.NEXTAUTH_URL = "https://cg.example.test";
    expect((await get()).json).toMatchObject({ slackUrl: { set: true, source: "env", envSet: true, host: new URL(fromEnv.url).host }, dashboardUrl: "https://cg.example.test" });

    const over = await put({ slackUrl: `  ${fromPage.url}/services/page  ` });
    expect(over.status).toBe(200);
    expect(over.json).toMatchObject({ slackUrl: { set: true, source: "settings", envSet: true, host: new URL(fromPage.url).host } });
    expect(over.text).not.toContain("/services/");
    const sent = await call("test", "POST");
    expect(sent.status).toBe(200);
    expect(sent.json).toEqual({ results: [{ kind: "slack", target: new URL(fromPage.url).host, status: "delivered", attempts: 1, message: "HTTP 200 OK: ok" }] });
    expect(fromPage.requests.map((r) => r.path)).toEqual(["/services/page"]);
    expect(fromEnv.requests).toHaveLength(0);
    const msg = JSON.parse(fromPage.requests[0].body) as { text: string; blocks: Array<{ type: string }> };
    expect(msg.text).toBe("cacheguard test message: alerts about acme will be posted here.");
    expect(fromPage.requests[0].body).toContain("<https://cg.example.test/settings|the settings page>");

    const back = await put({ slackUrl: "" });
    expect(back.json).toMatchObject({ slackUrl: { set: true, source: "env" } });
    await call("test", "POST");
    expect(fromEnv.requests).toHaveLength(1);

    const off = await put({ slackUrl: "OFF" });
    expect(off.json).toMatchObject({ slackUrl: { set: false, source: "settings", off: true, envSet: true } });
    expect((await call("test", "POST")).status).toBe(400);
    expect(fromEnv.requests).toHaveLength(1);
  });

  it("the test message reaches the webhook signed, as event \"test\"; a failing receiver's answer is shown", async () => {
    expect((await put({ webhookUrl: `${hook.url}/in?key=url-secret-9876`, webhookSecret: SECRET })).status).toBe(200);
    const down = await receiver(() => ({ status: 500, body: "receiver broke" }));
    try {
      expect((await put({ slackUrl: down.url })).status).toBe(200);
      const sent = await call("test", "POST");
      expect(sent.status).toBe(200);
      expect(sent.json.results).toEqual([
        { kind: "slack", target: new URL(down.url).host, status: "failed", attempts: 1, message: "HTTP 500 Internal Server Error: receiver broke" },
        { kind: "webhook", target: new URL(hook.url).host, status: "delivered", attempts: 1, message: expect.stringMatching(/^HTTP 204 No Content · delivery [0-9a-f-]{36}$/) },
      ]);
      // one attempt only: the answer is shown at once
      expect(down.requests).toHaveLength(1);
      expect(sent.text).not.toContain("url-secret-9876");
      const r = hook.requests.at(-1)!;
      expect(r.headers["x-cacheguard-event"]).toBe("test");
      expect(verifySignature(r.body, r.headers["x-cacheguard-signature"] as string, SECRET)).toBe(true);
      expect(JSON.parse(r.body)).toMatchObject({ event: "test", org: "acme" });
    } finally {
      await down.close();
    }
  });

  it("an environment webhook without a secret: a warning on the page; NEXTAUTH_URL missing: another", async () => {
    process.env.CACHEGUARD_ALERT_WEBHOOK_URL = `${hook.url}/env`;
    const res = await get();
    expect(res.json.warnings).toEqual([
      expect.stringMatching(/^The webhook has no signing secret, so nothing is sent to it/),
      expect.stringMatching(/^NEXTAUTH_URL is not set, so alerts carry no links/),
    ]);
    const t = await call("test", "POST");
    expect(t.json.results).toEqual([{ kind: "webhook", target: new URL(hook.url).host, status: "failed", attempts: 0, message: expect.stringMatching(/^not sent: the webhook has no signing secret/) }]);
  });

  it("env.ts refuses alert variables that are not http(s) URLs or a secret that is too short, and reads empty ones as unset", () => {
    expect(() => readEnv({ CACHEGUARD_SLACK_WEBHOOK_URL: "file:///etc/passwd" } as unknown as NodeJS.ProcessEnv)).toThrow(/CACHEGUARD_SLACK_WEBHOOK_URL: must be an http or https URL \(got file\)/);
    expect(() => readEnv({ CACHEGUARD_ALERT_WEBHOOK_URL: "not a url" } as unknown as NodeJS.ProcessEnv)).toThrow(/CACHEGUARD_ALERT_WEBHOOK_URL: must be a URL/);
    expect(() => readEnv({ CACHEGUARD_ALERT_WEBHOOK_SECRET: "short" } as unknown as NodeJS.ProcessEnv)).toThrow(/CACHEGUARD_ALERT_WEBHOOK_SECRET: must be at least 16 characters/);
    const env = readEnv({ CACHEGUARD_SLACK_WEBHOOK_URL: "", CACHEGUARD_ALERT_WEBHOOK_URL: " https://hooks.example.com/x ", CACHEGUARD_ALERT_WEBHOOK_SECRET: "" } as unknown as NodeJS.ProcessEnv);
    expect([env.CACHEGUARD_SLACK_WEBHOOK_URL, env.CACHEGUARD_ALERT_WEBHOOK_URL, env.CACHEGUARD_ALERT_WEBHOOK_SECRET]).toEqual([undefined, "https://hooks.example.com/x", undefined]);
  });
});
