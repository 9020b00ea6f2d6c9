import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import { expect, test } from "@playwright/test";
import { collectErrors, SEED, waitForFinishedScan } from "./helpers";

/**
 * The demo server as a stranger probes it: security headers on every answer, pages that run
 * under a strict CSP, JSON errors with the right status for malformed or unknown requests,
 * forged origins refused, and a listener on loopback only.
 */
test.beforeAll(async ({ request }) => {
  await waitForFinishedScan(request);
});

function expectSecurityHeaders(headers: Record<string, string>, what: string): void {
  expect(headers["x-content-type-options"], what).toBe("nosniff");
  expect(headers["referrer-policy"], what).toBe("same-origin");
  expect(headers["permissions-policy"], what).toMatch(/camera=\(\).*geolocation=\(\).*microphone=\(\)/);
  expect(headers["content-security-policy"], what).toContain("frame-ancestors 'none'");
}

test("every answer carries the security headers: pages, API, errors, assets", async ({ page, request }) => {
  const res = await page.goto("/");
  const pageHeaders = (await res!.allHeaders());
  expectSecurityHeaders(pageHeaders, "/");
  const csp = pageHeaders["content-security-policy"];
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(csp).toMatch(/style-src 'self' 'nonce-[^']+'/);
  expect(csp).not.toContain("unsafe-inline");
  expect(csp).not.toContain("unsafe-eval");
  // Next stamped this request's nonce on every script of the page it sent (chunks loaded later by
  // those scripts need none: 'strict-dynamic' trusts them); a second request gets a new nonce
  const html = await res!.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => /\snonce="([^"]*)"/.exec(m[0])?.[1] ?? "");
  expect(scripts.length).toBeGreaterThan(0);
  expect(new Set(scripts)).toEqual(new Set([nonce]));
  const again = (await request.get("/")).headers()["content-security-policy"];
  expect(again).not.toContain(nonce!);

  const asset = await page.locator("script[src^='/_next/static/']").first().getAttribute("src");
  for (const url of ["/api/rules", "/api/nope", "/repos/no-such-repo", "/api/repos/%ff", "/icon.svg", asset!]) {
    const r = await request.get(url);
    expectSecurityHeaders(r.headers(), url);
  }
});

test("pages run under the CSP: no violation, no console error, and they still work", async ({ page }) => {
  const errors = collectErrors(page);
  await page.addInitScript(() => {
    (window as unknown as { cspViolations: string[] }).cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { cspViolations: string[] }).cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  for (const url of ["/", `/repos/${SEED.repo}`, "/packages", `/packages/${SEED.pkg}`, "/scans", "/rules", `/rules/${SEED.rule}`, "/settings", "/repos/no-such-repo"]) {
    await page.goto(url);
    await page.waitForLoadState("load");
    await page.waitForTimeout(400);
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations), url).toEqual([]);
  }
  // client code runs: a filter on the report changes the URL and the table
  await page.goto("/");
  await page.getByLabel("Severity").selectOption("error");
  await expect(page).toHaveURL(/severity=error/);
  // the not-found page's own 404 is the one expected line
  expect(errors.filter((e) => !e.includes("status of 404 (Not Found) [http://127.0.0.1") || !e.includes("/repos/no-such-repo]"))).toEqual([]);
});

test("no other site can frame the dashboard", async ({ page, baseURL }) => {
  await page.goto("/api/nope"); // any same-origin document, to host the frame
  await page.setContent(`<iframe id="f" src="${baseURL}/" width="800" height="600"></iframe>`);
  await page.waitForTimeout(1500);
  const frame = page.frames().find((f) => f !== page.mainFrame());
  // the browser shows its own "refused to connect" page in the frame, never the report
  const report = frame ? await frame.getByRole("heading", { name: /Org report/ }).count().catch(() => 0) : 0;
  expect(report).toBe(0);
  expect(frame?.url() ?? "").not.toBe(`${baseURL}/`);
});

test("malformed paths: 400 JSON on the API, the not-found page for pages, never 500", async ({ request, page }) => {
  for (const url of ["/api/repos/%ff", "/api/packages/%ff", "/api/rules/%zz", "/api/scans/%"]) {
    const r = await request.get(url);
    expect(r.status(), url).toBe(400);
    expect(await r.json(), url).toEqual({ error: expect.stringMatching(/malformed percent-encoding/) });
  }
  const pct = await request.get("/api/packages/%25");
  expect(pct.status()).toBe(400);
  expect((await pct.json()).error).toMatch(/^Invalid package/);
  for (const url of ["/repos/%ff", "/rules/%ff", "/packages/%ff", "/repos/%25", "/packages/%25", "/scans/%ff"]) {
    const r = await page.goto(url);
    expect(r?.status(), url).toBe(404);
    await expect(page.getByRole("heading", { name: "Not found" }), url).toBeVisible();
  }
});

test("unknown routes, wrong methods and wrong bodies get JSON with the right status", async ({ request, baseURL }) => {
  const unknown = await request.get("/api/nope");
  expect(unknown.status()).toBe(404);
  expect(unknown.headers()["content-type"]).toMatch(/application\/json/);
  expect(await unknown.json()).toEqual({ error: "No API route /api/nope. See the README for the API." });

  const wrong = await request.delete("/api/settings", { headers: { origin: baseURL! } });
  expect(wrong.status()).toBe(405);
  expect(wrong.headers()["allow"]).toBe("GET, PUT, HEAD, OPTIONS");
  expect(await wrong.json()).toEqual({ error: "DELETE is not allowed on /api/settings; use GET, PUT, HEAD, OPTIONS." });

  const plain = await request.put("/api/settings", { headers: { origin: baseURL!, "content-type": "text/plain" }, data: '{"schedule":"off"}' });
  expect(plain.status()).toBe(415);
  expect((await plain.json()).error).toMatch(/application\/json/);

  const big = await request.put("/api/settings", { headers: { origin: baseURL!, "content-type": "application/json" }, data: JSON.stringify({ schedule: "x".repeat(70 * 1024) }) });
  expect(big.status()).toBe(413);
  expect(await big.json()).toEqual({ error: "The request body is over 64 KB." });

  // and the schedule did not change
  expect((await (await request.get("/api/settings")).json()).source).not.toBe("settings");
});

test("forged origins are refused; only the dashboard's own origin may write", async ({ request, baseURL }) => {
  const port = new URL(baseURL!).port;
  const body = { schedule: "15 4 * * *" };
  const forged: Array<Record<string, string>> = [
    { origin: "http://evil.example", "x-forwarded-host": "evil.example" },
    { origin: "http://evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "http", host: "evil.example" },
    { origin: `https://127.0.0.1:${port}` }, // wrong scheme
    { origin: `http://127.0.0.1:${Number(port) + 1}` }, // wrong port
    { origin: `http://127.0.0.1.evil.example:${port}` },
    { origin: "null" },
  ];
  for (const headers of forged) {
    const r = await request.put("/api/settings", { headers: { ...headers, "content-type": "application/json" }, data: body });
    expect(r.status(), JSON.stringify(headers)).toBe(403);
    expect((await r.json()).error).toMatch(/Cross-origin request refused|no Origin header/);
  }
  expect((await (await request.get("/api/settings")).json()).schedule).not.toBe("15 4 * * *");

  for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
    const ok = await request.put("/api/settings", { headers: { origin, "content-type": "application/json" }, data: body });
    expect(ok.status(), origin).toBe(200);
  }
  // put the default back for the other tests
  expect((await request.put("/api/settings", { headers: { origin: baseURL!, "content-type": "application/json" }, data: { schedule: "" } })).status()).toBe(200);
});

test("the demo listens on 127.0.0.1 only", async ({ baseURL }) => {
  const port = Number(new URL(baseURL!).port);
  const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === "IPv4" && !i.internal)?.address;
  test.skip(!external, "this machine has no non-loopback IPv4 address to try");
  const reached = await new Promise<boolean>((resolve) => {
    const s = connect({ host: external!, port, timeout: 3000 });
    s.once("connect", () => { s.destroy(); resolve(true); });
    s.once("error", () => resolve(false));
    s.once("timeout", () => { s.destroy(); resolve(false); });
  });
  expect(reached).toBe(false);
});
