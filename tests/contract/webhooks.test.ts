/**
 * Every webhook the fake can deliver, held against GitHub's webhook description
 * (@octokit/openapi-webhooks, its `webhooks` section, by event and action): the payload fits the
 * schema, and the delivery carries the headers GitHub documents, signed with X-Hub-Signature-256.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFixture } from "@/lib/demo/fake-github/fixture";
import { type FakeGitHub, startFakeGitHub } from "@/lib/demo/fake-github/server";
import { buildWebhook, WEBHOOK_EVENTS, type WebhookRequest } from "@/lib/demo/fake-github/webhooks";
import { DEMO_FIXTURE } from "../scan-helpers";
import { WEBHOOKS_ID, webhooksDescription } from "./descriptions";
import { compileIn, deref, formatErrors, type Json } from "./openapi-schema";
import { tally } from "./tally";

type Post = { parameters?: Array<{ name: string; in: string; required?: boolean }>; requestBody: { content: { "application/json": { schema: Json } } } };

/** The description's entry for an event and action: `push`, `package-published`, `workflow-run-completed`, … */
function described(event: string, action: string | null): Post {
  const key = `${event.replace(/_/g, "-")}${action ? `-${action}` : ""}`;
  const entry = (webhooksDescription().doc.webhooks as Record<string, { post: Post }>)[key];
  if (!entry) throw new Error(`GitHub's webhook description has no ${key}`);
  return entry.post;
}

function payloadProblems(event: string, action: string | null, payload: unknown): string[] {
  const { doc, ajv } = webhooksDescription();
  const schema = deref<Json>(doc, described(event, action).requestBody.content["application/json"].schema);
  const validate = compileIn(ajv, WEBHOOKS_ID, schema);
  return validate(payload) ? [] : [formatErrors(validate.errors, 12)];
}

const SECRET = "It's a Secret to Everybody";
const REQUESTS: WebhookRequest[] = [
  { event: "ping" },
  { event: "push", repo: "api" },
  { event: "push", repo: "payments" },
  { event: "package", package: "api", tag: "test" },
  { event: "package", package: "web" },
  { event: "registry_package", package: "api", tag: "test" },
  { event: "registry_package", package: "cli", tag: "edge" },
  { event: "package", package: "api", action: "updated" },
  { event: "registry_package", package: "api", tag: "test", action: "updated" },
  { event: "repository", repo: "web" },
  { event: "repository", repo: "web", action: "renamed", from: "website" },
  { event: "repository", repo: "web", action: "archived" },
  { event: "repository", repo: "web", action: "unarchived" },
  { event: "repository", repo: "web", action: "deleted" },
  { event: "installation" },
  { event: "installation_repositories", repo: "api", action: "added" },
  { event: "installation_repositories", repo: "payments", action: "removed" },
  {
    event: "push", repo: "api",
    push: { ref: "refs/heads/main", before: "1".repeat(40), after: "2".repeat(40), message: "Move the cache", timestamp: "2024-05-02T08:00:00Z", added: ["scripts/build.sh"], modified: [".github/workflows/ci.yml"], removed: ["Makefile"] },
  },
  { event: "workflow_run", repo: "api", workflow: ".github/workflows/ci.yml" },
];

describe("webhook payloads the fake builds", () => {
  const fx = loadFixture(DEMO_FIXTURE);

  it("cover every event the fake can deliver", () => {
    expect(new Set(REQUESTS.map((r) => r.event))).toEqual(new Set(WEBHOOK_EVENTS));
  });

  it.each(REQUESTS.map((r) => [`${r.event}${r.action ? `.${r.action}` : ""} ${r.repo ?? r.package ?? ""}${r.push ? " (a push as it happened)" : ""}`, r] as const))("%s fits GitHub's description of its event and action", (_name, req) => {
    const hook = buildWebhook("http://127.0.0.1:4010", fx, req);
    expect(payloadProblems(hook.event, hook.action, hook.payload)).toEqual([]);
    tally("webhook payloads validated", `${hook.event}${hook.action ? `.${hook.action}` : ""} ${req.repo ?? req.package ?? ""}`);
  });

  it("a payload GitHub would not send is refused (the check can fail)", () => {
    const hook = buildWebhook("http://127.0.0.1:4010", fx, { event: "push", repo: "api" });
    const { repository: _r, ...withoutRepo } = hook.payload as Record<string, unknown>;
    expect(payloadProblems("push", null, withoutRepo).join()).toMatch(/repository/);
    expect(payloadProblems("push", null, { ...hook.payload, after: 42 }).join()).toMatch(/after/);
  });
});

describe("delivery", () => {
  const received: Array<{ headers: Record<string, string>; body: string }> = [];
  let receiver: ReturnType<typeof createServer>;
  let fake: FakeGitHub;

  beforeAll(async () => {
    receiver = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
      received.push({ headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(202);
      res.end();
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    const { port } = receiver.address() as AddressInfo;
    fake = await startFakeGitHub({ fixture: DEMO_FIXTURE, port: 0, reload: "manual", webhooks: { url: `http://127.0.0.1:${port}/hook`, secret: SECRET } });
  });
  afterAll(async () => {
    await fake?.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  async function headOf(repo: string): Promise<string> {
    const res = await fetch(`${fake.url}/graphql`, {
      method: "POST", headers: { authorization: "Bearer demo-token", "content-type": "application/json" },
      body: JSON.stringify({ query: `query { repository(owner: "acme", name: "${repo}") { defaultBranchRef { target { oid } } } }` }),
    });
    return ((await res.json()) as { data: { repository: { defaultBranchRef: { target: { oid: string } } } } }).data.repository.defaultBranchRef.target.oid;
  }

  it("POSTs each event with GitHub's headers and an HMAC-SHA256 signature of the body the receiver can verify", async () => {
    for (const req of REQUESTS) {
      const delivery = await fake.deliverWebhook(req);
      expect(delivery.status).toBe(202);
      const got = received.at(-1)!;
      const payload = JSON.parse(got.body) as Record<string, unknown>;
      expect(got.headers["x-github-event"]).toBe(req.event);
      expect(got.headers["x-github-delivery"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(got.headers["x-github-delivery"]).toBe(delivery.id);
      expect(got.headers["content-type"]).toBe("application/json");
      // every header GitHub's description says a delivery of this event carries
      for (const p of described(req.event, delivery.action).parameters ?? []) {
        if (p.in === "header" && p.required) expect(got.headers[p.name.toLowerCase()], `${req.event}: header ${p.name}`).toBeDefined();
      }
      const expected = Buffer.from(`sha256=${createHmac("sha256", SECRET).update(got.body).digest("hex")}`);
      const signature = Buffer.from(got.headers["x-hub-signature-256"] ?? "");
      expect(signature.length === expected.length && timingSafeEqual(signature, expected)).toBe(true);
      // what was delivered is what the description accepts
      expect(payloadProblems(req.event, delivery.action, payload)).toEqual([]);
      expect(payload.action ?? null).toBe(delivery.action);
    }
    expect(new Set(received.map((r) => r.headers["x-github-delivery"])).size).toBe(REQUESTS.length);
  });

  it("push() commits to the default branch (the head the API serves moves) and delivers the push GitHub sends for it", async () => {
    const before = await headOf("api");
    const out = await fake.push({ repo: "api", message: "Separate the cache", files: { ".github/workflows/ci.yml": "name: ci\non: push\njobs: {}\n", "NOTES.md": "new\n" } });
    expect(out.before).toBe(before);
    expect(out.after).not.toBe(before);
    expect(await headOf("api")).toBe(out.after);
    const got = received.at(-1)!;
    const payload = JSON.parse(got.body) as { ref: string; before: string; after: string; commits: Array<{ id: string; added: string[]; modified: string[]; removed: string[] }> };
    expect(got.headers["x-github-event"]).toBe("push");
    expect(payload).toMatchObject({ ref: "refs/heads/main", before, after: out.after });
    expect(payload.commits).toEqual([expect.objectContaining({ id: out.after, added: ["NOTES.md"], modified: [".github/workflows/ci.yml"], removed: [] })]);
    expect(payloadProblems("push", null, payload)).toEqual([]);
    // what GitHub serves at the new head is the pushed text
    const file = await fetch(`${fake.url}/repos/acme/api/contents/.github/workflows/ci.yml`, { headers: { authorization: "Bearer demo-token" } });
    expect(Buffer.from(((await file.json()) as { content: string }).content, "base64").toString()).toBe("name: ci\non: push\njobs: {}\n");
    tally("webhook payloads validated", "push (fake.push)");
  });

  it("changeRepo() renames, archives and deletes as GitHub serves it afterwards, each with its repository event", async () => {
    await fake.changeRepo({ repo: "handbook", action: "renamed", to: "guide" });
    let payload = JSON.parse(received.at(-1)!.body) as { action: string; changes: { repository: { name: { from: string } } }; repository: { name: string } };
    expect(payload).toMatchObject({ action: "renamed", changes: { repository: { name: { from: "handbook" } } }, repository: { name: "guide" } });
    expect(payloadProblems("repository", "renamed", payload)).toEqual([]);
    expect((await fetch(`${fake.url}/repos/acme/guide`, { headers: { authorization: "Bearer demo-token" } })).status).toBe(200);
    expect((await fetch(`${fake.url}/repos/acme/handbook`, { headers: { authorization: "Bearer demo-token" } })).status).toBe(404);
    await fake.changeRepo({ repo: "guide", action: "archived" });
    expect(((await (await fetch(`${fake.url}/repos/acme/guide`, { headers: { authorization: "Bearer demo-token" } })).json()) as { archived: boolean }).archived).toBe(true);
    await fake.changeRepo({ repo: "guide", action: "deleted" });
    payload = JSON.parse(received.at(-1)!.body);
    expect(payload).toMatchObject({ action: "deleted", repository: { name: "guide" } });
    expect(payloadProblems("repository", "deleted", payload)).toEqual([]);
    expect((await fetch(`${fake.url}/repos/acme/guide`, { headers: { authorization: "Bearer demo-token" } })).status).toBe(404);
    tally("webhook payloads validated", "repository.renamed/archived/deleted (fake.changeRepo)");
  });

  it("the /_fake/ control routes push and deliver too, and say what is wrong with a bad request", async () => {
    const post = (p: string, body: unknown) => fetch(`${fake.url}${p}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const res = await post("/_fake/push", { repo: "web", files: { "docker-bake.hcl": "target \"x\" {}\n" } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { added: string[] }).added).toEqual(["docker-bake.hcl"]);
    expect(received.at(-1)!.headers["x-github-event"]).toBe("push");
    expect((await post("/_fake/push", { repo: "web" })).status).toBe(422);
    expect((await post("/_fake/push", { repo: "nope", files: {} })).status).toBe(404);
    expect((await post("/_fake/webhooks", { event: "ping" })).status).toBe(200);
    expect(received.at(-1)!.headers["x-github-event"]).toBe("ping");
    expect((await post("/_fake/webhooks", { event: "star" })).status).toBe(422);
    expect((await post("/_fake/repos/web", { action: "transferred" })).status).toBe(422);
  });

  it("refuses to deliver without a hook URL", async () => {
    const bare = await startFakeGitHub({ fixture: DEMO_FIXTURE, port: 0, reload: "manual" });
    try {
      await expect(bare.deliverWebhook({ event: "ping" })).rejects.toThrow(/no webhook URL/);
    } finally {
      await bare.close();
    }
  });
});
