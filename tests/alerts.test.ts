/**
 * Alerts after a scan, against local receivers: a Slack incoming webhook gets a Block Kit message, a
 * generic receiver a JSON event signed with HMAC-SHA256; retries on 5xx/429/network errors with one
 * delivery id, failures recorded on the scan's page and never failing the scan.
 */
import { createHmac } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AlertContent, type AlertFinding, SLACK_LIMITS, type SlackMessage, alertsTask, deliver, retryAfterMs, saveAlertSettings,
  slackMessage, verifySignature,
} from "@/lib/server/alerts";
import { getScanDetail } from "@/lib/server/queries/scans";
import { type ScanSummary, runScan } from "@/lib/server/scan";
import { type Answer, type Receiver, receiver } from "./alert-receiver";
import { type ScanEnv, moveCacheRef, scanEnv } from "./scan-helpers";

const DASH = "https://cg.example.test";
const SECRET = "whsec-test-0123456789abcdef";
const SLACK_PATH = "/services/T0001/B0001/slack-secret-part-XYZ";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface Payload {
  event: string;
  org: string;
  scan: { id: number; status: string; trigger: string; url: string | null; startedAt: string; finishedAt: string | null };
  counts: { new: number; resolved: number; open: number; suppressed: number };
  new: AlertFinding[];
  resolved: AlertFinding[];
}

/** The same silencing as tests/suppressions.test.ts: an inline ignore in worker, a config ignore in docs-site. */
function ignoreWorker(fixture: string): void {
  const file = path.join(fixture, "repos", "worker", ".github/workflows/build.yml");
  writeFileSync(file, readFileSync(file, "utf8").replace(
    "          cache-to: type=registry,ref=ghcr.io/acme/worker:${{ matrix.variant }},mode=max",
    "          # cacheguard: ignore[cache-overwrites-image-tag] rebuilt on every deploy\n          cache-to: type=registry,ref=ghcr.io/acme/worker:${{ matrix.variant }},mode=max",
  ));
  writeFileSync(path.join(fixture, "repos", "docs-site", ".github", "cacheguard.yml"), "disable:\n  - rule: gha-cache-scope-shared\n    reason: on purpose\n");
}

/** Every text in a Slack message, and each link in it as [url, text]. */
function slackTexts(m: SlackMessage): string[] {
  return m.blocks.flatMap((b) => {
    if (b.type === "header") return [b.text.text];
    if (b.type === "section") return [...(b.text ? [b.text.text] : []), ...(b.fields ?? []).map((f) => f.text)];
    if (b.type === "context") return b.elements.map((e) => e.text);
    return [];
  });
}
function slackLinks(m: SlackMessage): Array<[string, string]> {
  return slackTexts(m).flatMap((t) => [...t.matchAll(/<([^|>]+)\|([^>]*)>/g)].map((x) => [x[1], x[2]] as [string, string]));
}
function withinLimits(m: SlackMessage): void {
  expect(m.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  for (const b of m.blocks) {
    if (b.type === "header") expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    if (b.type === "section") {
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
      expect((b.fields ?? []).length).toBeLessThanOrEqual(10);
    }
    if (b.type === "context") for (const e of b.elements) expect(e.text.length).toBeLessThanOrEqual(SLACK_LIMITS.contextText);
  }
}

describe("alerts after scans of the demo org (Slack from the settings page, the webhook from the environment)", () => {
  let env: ScanEnv;
  let slack: Receiver;
  let hook: Receiver;
  let first: ScanSummary;
  let task: ReturnType<typeof alertsTask>;
  const scan = () => runScan(env.db, { config: env.config, trigger: "manual", afterScanTasks: [task] });

  beforeAll(async () => {
    env = await scanEnv(ignoreWorker);
    slack = await receiver();
    hook = await receiver();
    const saved = await saveAlertSettings(env.db, { slackUrl: `${slack.url}${SLACK_PATH}` }, {});
    expect(saved.ok).toBe(true);
    task = alertsTask({
      retry: { baseMs: 5 },
      env: { NEXTAUTH_URL: `${DASH}/`, CACHEGUARD_ALERT_WEBHOOK_URL: `${hook.url}/hook?token=query-secret-123`, CACHEGUARD_ALERT_WEBHOOK_SECRET: SECRET },
    });
    first = await scan();
  }, 120_000);
  afterAll(async () => {
    await slack?.close();
    await hook?.close();
    await env?.close();
  });

  it("Slack gets a Block Kit message: counts, the first new findings linked to their repo pages on NEXTAUTH_URL, the rest as one link", async () => {
    expect(first.status).toBe("succeeded");
    expect(first.newCount).toBeGreaterThan(10);
    expect(slack.requests).toHaveLength(1);
    const req = slack.requests[0];
    expect(req.method).toBe("POST");
    expect(req.path).toBe(SLACK_PATH);
    expect(req.headers["content-type"]).toMatch(/^application\/json/);
    expect(req.headers["user-agent"]).toBe("cacheguard");
    const msg = JSON.parse(req.body) as SlackMessage;
    withinLimits(msg);
    expect(msg.text).toBe(`cacheguard: ${first.newCount} new findings in acme (scan #${first.scanId})`);
    expect(msg.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: `cacheguard: ${first.newCount} new findings in acme`, emoji: true } });
    const fields = msg.blocks[1].type === "section" ? msg.blocks[1].fields!.map((f) => f.text) : [];
    expect(fields.slice(0, 3)).toEqual([`*New*\n${first.newCount}`, "*Resolved*\n0", `*Open*\n${first.openCount}`]);

    const links = slackLinks(msg);
    const repoLinks = links.filter(([u]) => u.startsWith(`${DASH}/repos/`));
    expect(repoLinks).toHaveLength(10);
    const org = await env.db.org.findUniqueOrThrow({ where: { login: "acme" } });
    for (const [url, text] of repoLinks) {
      const m = /^https:\/\/cg\.example\.test\/repos\/([^/#?]+)#finding-(\d+)$/.exec(url);
      expect(m, url).not.toBeNull();
      const row = await env.db.finding.findUniqueOrThrow({ where: { id: Number(m![2]) }, include: { repo: true } });
      // the link goes to the finding's own repository page, and it is one of this scan's new findings
      expect(row.orgId).toBe(org.id);
      expect(decodeURIComponent(m![1])).toBe(row.repo!.name);
      expect(text).toBe(row.repo!.name);
      expect(row.firstSeenScanId).toBe(first.scanId);
    }
    // errors come first
    const sections = msg.blocks.filter((b) => b.type === "section" && b.text?.text.includes("#finding-"));
    expect(sections[0].type === "section" && sections[0].text!.text).toMatch(/^:red_circle: \*error\* `[a-z-]+` in <https:\/\/cg\.example\.test\/repos\//);
    expect(links).toContainEqual([`${DASH}/?since=${first.scanId - 1}`, `${first.newCount - 10} more new findings`]);
    expect(links).toContainEqual([`${DASH}/scans/${first.scanId}`, `#${first.scanId}`]);
    expect(slackTexts(msg).join("\n")).not.toMatch(/NEXTAUTH_URL/);
  });

  it("the webhook is signed: the receiver verifies the exact body with the secret, a wrong secret does not verify", () => {
    expect(hook.requests).toHaveLength(1);
    const req = hook.requests[0];
    expect(req.path).toBe("/hook?token=query-secret-123");
    expect(req.headers["x-cacheguard-event"]).toBe("scan.completed");
    expect(req.headers["x-cacheguard-delivery"]).toMatch(UUID);
    expect(req.headers["user-agent"]).toBe("cacheguard");
    const sig = req.headers["x-cacheguard-signature"] as string;
    // what any receiver does, with nothing of cacheguard's
    expect(sig).toBe(`sha256=${createHmac("sha256", SECRET).update(req.body).digest("hex")}`);
    expect(verifySignature(req.body, sig, SECRET)).toBe(true);
    expect(verifySignature(req.body, sig, "not-the-secret-0123456789")).toBe(false);
    expect(verifySignature(req.body.replace('"acme"', '"acne"'), sig, SECRET)).toBe(false);
    expect(verifySignature(req.body, undefined, SECRET)).toBe(false);
  });

  it("the webhook's body: event, org, scan, counts and the new findings with their links; silenced findings are left out", async () => {
    const p = JSON.parse(hook.requests[0].body) as Payload;
    const scanRow = await env.db.scan.findUniqueOrThrow({ where: { id: first.scanId } });
    expect(Object.keys(p)).toEqual(["event", "org", "scan", "counts", "new", "resolved"]);
    expect(p.event).toBe("scan.completed");
    expect(p.org).toBe("acme");
    expect(p.scan).toEqual({
      id: first.scanId, status: "succeeded", trigger: "manual", url: `${DASH}/scans/${first.scanId}`,
      startedAt: scanRow.startedAt.toISOString(), finishedAt: scanRow.finishedAt!.toISOString(),
    });
    expect(first.suppressed.length).toBeGreaterThan(0);
    expect(p.counts).toEqual({ new: first.newCount, resolved: 0, open: first.openCount, suppressed: first.suppressed.length });
    expect(p.new).toHaveLength(first.newCount);
    expect(p.resolved).toEqual([]);
    for (const f of p.new) {
      expect(Object.keys(f).sort()).toEqual(["fingerprint", "line", "message", "path", "ref", "repo", "ruleId", "severity", "url"]);
      if (f.repo) expect(f.url).toMatch(new RegExp(`^${DASH.replace(/\./g, "\\.")}/repos/${encodeURIComponent(f.repo.split("/")[1])}#finding-\\d+$`));
      else expect(f.url).toBe(`${DASH}/?q=${encodeURIComponent(f.ref)}`);
    }
    expect(new Set(p.new.map((f) => f.fingerprint))).toEqual(new Set(first.findings.filter((f) => f.isNew).map((f) => f.fingerprint)));
    // the silenced ones: seen by the scan, in no alert
    const silenced = new Set(first.suppressed.map((f) => f.fingerprint));
    expect(p.new.filter((f) => silenced.has(f.fingerprint))).toEqual([]);
    expect(p.new.some((f) => f.repo === "acme/worker" && f.ruleId === "cache-overwrites-image-tag")).toBe(false);
    expect(p.new.some((f) => f.repo === "acme/docs-site" && f.ruleId === "gha-cache-scope-shared")).toBe(false);
    expect(slack.requests[0].body).not.toContain("docs-site#");
  });

  it("the scan's page lists both deliveries, with the receiver's host and answer, and no URL or secret", async () => {
    const org = await env.db.org.findUniqueOrThrow({ where: { login: "acme" } });
    const detail = await getScanDetail(env.db, org, first.scanId);
    expect(detail!.actions.map((a) => [a.kind, a.target, a.status, a.attempts])).toEqual([
      ["slack", new URL(slack.url).host, "delivered", 1],
      ["webhook", new URL(hook.url).host, "delivered", 1],
    ]);
    expect(detail!.actions[0].message).toBe("HTTP 200 OK: ok");
    expect(detail!.actions[1].message).toMatch(new RegExp(`^HTTP 200 OK: ok · delivery ${hook.requests[0].headers["x-cacheguard-delivery"]}$`));
    const stored = JSON.stringify(await env.db.scanAction.findMany());
    for (const s of ["slack-secret-part", "query-secret-123", SECRET, SLACK_PATH]) expect(stored).not.toContain(s);
  });

  it("a second scan with no changes sends nothing", async () => {
    const second = await scan();
    expect(second.status).toBe("succeeded");
    expect([second.newCount, second.resolvedCount]).toEqual([0, 0]);
    expect(slack.requests).toHaveLength(1);
    expect(hook.requests).toHaveLength(1);
    expect(await env.db.scanAction.count({ where: { scanId: second.scanId } })).toBe(0);
    expect(second.actions).toEqual([]);
  }, 60_000);

  it("a fixed finding is told as resolved", async () => {
    const seed = first.findings.find((f) => f.ruleId === "cache-overwrites-image-tag" && f.repo === "acme/api")!;
    moveCacheRef(env.fixture, seed);
    env.server.reload();
    const third = await scan();
    expect(third.resolvedCount).toBeGreaterThan(0);
    expect(hook.requests).toHaveLength(2);
    const p = JSON.parse(hook.requests[1].body) as Payload;
    expect(p.counts.resolved).toBe(p.resolved.length);
    expect(p.counts.new).toBe(third.newCount);
    expect(p.resolved).toContainEqual(expect.objectContaining({
      fingerprint: seed.fingerprint, ruleId: seed.ruleId, repo: "acme/api", path: seed.path, line: seed.line, url: `${DASH}/repos/api`,
    }));
    expect(hook.requests[1].headers["x-cacheguard-delivery"]).not.toBe(hook.requests[0].headers["x-cacheguard-delivery"]);
    const msg = JSON.parse(slack.requests[1].body) as SlackMessage;
    withinLimits(msg);
    expect(slackTexts(msg).join("\n")).toMatch(new RegExp(`:white_check_mark: \\*Resolved\\* \\(${p.counts.resolved}\\)\\n• \`${seed.ruleId}\` in <${DASH}/repos/api\\|api>`));
  }, 60_000);
});

describe("deliveries that fail", () => {
  let env: ScanEnv | null = null;
  const receivers: Receiver[] = [];
  afterAll(async () => {
    for (const r of receivers) await r.close();
    await env?.close();
  });
  const track = async (r: Promise<Receiver>) => {
    const x = await r;
    receivers.push(x);
    return x;
  };

  it("500 then 200: delivered at the second attempt with the same delivery id; Slack's 429 waits for Retry-After; without NEXTAUTH_URL no links", async () => {
    env = await scanEnv();
    const hook = await track(receiver((n) => (n === 0 ? { status: 500, body: "boom" } : { status: 200, body: "thanks" })));
    const slack = await track(receiver((n) => (n === 0 ? { status: 429, body: "rate_limited", headers: { "retry-after": "1" } } : { status: 200, body: "ok" })));
    const summary = await runScan(env.db, {
      config: env.config, trigger: "manual",
      afterScanTasks: [alertsTask({ retry: { baseMs: 5 }, env: { CACHEGUARD_SLACK_WEBHOOK_URL: `${slack.url}/s`, CACHEGUARD_ALERT_WEBHOOK_URL: hook.url, CACHEGUARD_ALERT_WEBHOOK_SECRET: SECRET } })],
    });
    expect(summary.status).toBe("succeeded");
    expect(hook.requests).toHaveLength(2);
    const [a, b] = hook.requests;
    expect(b.headers["x-cacheguard-delivery"]).toBe(a.headers["x-cacheguard-delivery"]);
    expect(b.body).toBe(a.body);
    for (const r of [a, b]) expect(verifySignature(r.body, r.headers["x-cacheguard-signature"] as string, SECRET)).toBe(true);
    expect(slack.requests).toHaveLength(2);
    expect(slack.requests[1].at - slack.requests[0].at).toBeGreaterThanOrEqual(950);

    const org = await env.db.org.findUniqueOrThrow({ where: { login: "acme" } });
    const detail = await getScanDetail(env.db, org, summary.scanId);
    expect(detail!.scan.status).toBe("succeeded");
    expect(detail!.actions.map((x) => [x.kind, x.status, x.attempts])).toEqual([["slack", "delivered", 2], ["webhook", "delivered", 2]]);
    expect(detail!.actions[0].message).toBe("HTTP 200 OK: ok (earlier: #1 HTTP 429 Too Many Requests: rate_limited)");
    expect(detail!.actions[1].message).toMatch(/^HTTP 200 OK: thanks \(earlier: #1 HTTP 500 Internal Server Error: boom\) · delivery [0-9a-f-]{36}$/);

    // no NEXTAUTH_URL: the message says so and links nowhere, the event's urls are null
    const msg = JSON.parse(slack.requests[1].body) as SlackMessage;
    withinLimits(msg);
    expect(slackLinks(msg)).toEqual([]);
    expect(slackTexts(msg).at(-1)).toMatch(/no links: NEXTAUTH_URL \(the dashboard's public URL\) is not set/);
    const p = JSON.parse(b.body) as Payload;
    expect(p.scan.url).toBeNull();
    expect(p.new.every((f) => f.url === null)).toBe(true);
  }, 60_000);

  it("a receiver that always fails: a failed action on the scan's page after every attempt, the scan still succeeded; a 4xx is not retried", async () => {
    await env?.close();
    env = await scanEnv();
    const hook = await track(receiver(() => ({ status: 503, body: "<html>down for maintenance</html>" })));
    const slack = await track(receiver(() => ({ status: 400, body: "invalid_blocks" })));
    const summary = await runScan(env.db, {
      config: env.config, trigger: "manual",
      afterScanTasks: [alertsTask({ retry: { baseMs: 5, attempts: 3 }, env: { CACHEGUARD_SLACK_WEBHOOK_URL: slack.url, CACHEGUARD_ALERT_WEBHOOK_URL: hook.url, CACHEGUARD_ALERT_WEBHOOK_SECRET: SECRET } })],
    });
    expect(summary.status).toBe("succeeded");
    expect(hook.requests).toHaveLength(3);
    expect(new Set(hook.requests.map((r) => r.headers["x-cacheguard-delivery"])).size).toBe(1);
    expect(slack.requests).toHaveLength(1);
    const org = await env.db.org.findUniqueOrThrow({ where: { login: "acme" } });
    const detail = await getScanDetail(env.db, org, summary.scanId);
    expect(detail!.scan.status).toBe("succeeded");
    expect(detail!.actions.map((x) => [x.kind, x.status, x.attempts])).toEqual([["slack", "failed", 1], ["webhook", "failed", 3]]);
    expect(detail!.actions[0].message).toBe("HTTP 400 Bad Request: invalid_blocks");
    expect(detail!.actions[1].message).toMatch(/^HTTP 503 Service Unavailable: <html>down for maintenance<\/html> \(earlier: #1 HTTP 503 .*; #2 HTTP 503 .*\) · delivery /);
  }, 60_000);

  it("a webhook with no signing secret is not sent, and says so on the scan's page", async () => {
    await env?.close();
    env = await scanEnv();
    const hook = await track(receiver());
    const summary = await runScan(env.db, {
      config: env.config, trigger: "manual",
      afterScanTasks: [alertsTask({ retry: { baseMs: 5 }, env: { CACHEGUARD_ALERT_WEBHOOK_URL: hook.url } })],
    });
    expect(summary.status).toBe("succeeded");
    expect(hook.requests).toHaveLength(0);
    expect(summary.actions).toEqual([{ kind: "webhook", target: new URL(hook.url).host, status: "failed", attempts: 0, message: expect.stringMatching(/^not sent: the webhook has no signing secret/) }]);
  }, 60_000);
});

describe("deliver()", () => {
  const quick = { attempts: 2, baseMs: 5, timeoutMs: 300, maxDelayMs: 1000 };

  it("a receiver that does not answer: timed out, retried, failed", async () => {
    const r = await receiver(() => "hang");
    try {
      const out = await deliver({ url: r.url, body: "{}", headers: {} }, quick);
      expect(out).toEqual({ status: "failed", attempts: 2, message: "no answer within 0.3 s (earlier: #1 no answer within 0.3 s)" });
      expect(r.requests).toHaveLength(2);
    } finally {
      await r.close();
    }
  });

  it("nobody listening: a network error, retried", async () => {
    const r = await receiver();
    const url = r.url;
    await r.close();
    const out = await deliver({ url, body: "{}", headers: {} }, quick);
    expect(out.status).toBe("failed");
    expect(out.attempts).toBe(2);
    expect(out.message).toMatch(/ECONNREFUSED/);
  });

  it("a redirect is not followed; a Retry-After beyond the longest wait ends the delivery", async () => {
    const r = await receiver((n): Answer => (n === 0 ? { status: 302, headers: { location: "https://elsewhere.example/x" } } : { status: 429, headers: { "retry-after": "3600" } }));
    try {
      const moved = await deliver({ url: r.url, body: "{}", headers: {} }, quick);
      expect(moved).toEqual({ status: "failed", attempts: 1, httpStatus: 302, message: "HTTP 302 Found (a redirect to elsewhere.example: not followed, configure the final URL)" });
      const later = await deliver({ url: r.url, body: "{}", headers: {} }, quick);
      expect(later).toEqual({ status: "failed", attempts: 1, httpStatus: 429, message: "HTTP 429 Too Many Requests (asked to retry after 3600 s: longer than 1 s, given up)" });
      expect(r.requests).toHaveLength(2);
    } finally {
      await r.close();
    }
  });

  it("reads Retry-After as seconds or a date", () => {
    const now = Date.parse("2026-12-01T10:00:00Z");
    expect(retryAfterMs("7", now)).toBe(7000);
    expect(retryAfterMs("Tue, 01 Dec 2026 10:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs("Tue, 01 Dec 2026 09:00:00 GMT", now)).toBe(0);
    expect(retryAfterMs("soon", now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });
});

describe("the Slack message stays within Slack's limits", () => {
  it("thousands of findings with long texts and markup characters", () => {
    const f = (i: number): AlertFinding => ({
      fingerprint: `fp${i}`, ruleId: "cache-overwrites-image-tag", severity: i % 3 === 0 ? "error" : "warning", repo: `acme/repo-${i}`,
      path: `.github/workflows/${"very-long-name-".repeat(30)}${i}.yml`, line: i + 1, ref: `ghcr.io/acme/app:${"x".repeat(400)}<&>|\``,
      message: `<script>&amp; ${"the cache export overwrites the image tag ".repeat(60)}`, url: `${DASH}/repos/repo-${i}#finding-${i}`,
    });
    const content: AlertContent = {
      org: "acme", dashboardUrl: DASH, newUrl: `${DASH}/?since=41`,
      scan: { id: 42, status: "partial", trigger: "schedule", url: `${DASH}/scans/42`, startedAt: new Date().toISOString(), finishedAt: new Date().toISOString() },
      counts: { new: 5000, resolved: 3000, open: 9000, suppressed: 12 },
      new: Array.from({ length: 1000 }, (_, i) => f(i)), resolved: Array.from({ length: 1000 }, (_, i) => f(i + 5000)),
    };
    const msg = slackMessage(content);
    withinLimits(msg);
    const text = slackTexts(msg).join("\n");
    // markup from the findings is escaped, never read as a link or a tag
    expect(text).not.toContain("<script>");
    expect(text).toContain("&lt;script&gt;&amp;amp;");
    expect(slackLinks(msg).every(([u]) => u.startsWith(DASH))).toBe(true);
    expect(text).toContain(`<${DASH}/?since=41|4990 more new findings>`);
    expect(text).toMatch(/…and 2995 more/);
    expect(text).toMatch(/Partial scan/);
  });
});
