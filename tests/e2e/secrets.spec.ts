import path from "node:path";
import { expect, test } from "@playwright/test";
import { scanBundleForSecrets, secretsFromEnv } from "../secret-scan";
import { waitForFinishedScan } from "./helpers";

/**
 * Issue 5: the token is read on the server only. The e2e server scanned the demo org with the
 * demo token; neither the built bundle browsers download nor any page or API answer carries it.
 */
test.beforeAll(async ({ request }) => {
  await waitForFinishedScan(request);
});

test("the built bundle (.next/static) holds no token value or token-shaped string", () => {
  const { files, hits } = scanBundleForSecrets(path.resolve(".next"), secretsFromEnv());
  expect(files).toBeGreaterThan(10);
  expect(hits).toEqual([]);
});

test("no page or API answer carries the token the server scans with", async ({ request }) => {
  const paths = ["/", "/repos/api", "/packages", "/packages/api", "/scans", "/settings", "/rules",
    "/api/findings", "/api/scans", "/api/summary", "/api/packages", "/api/repos/api", "/api/settings",
    "/api/findings?format=csv", "/api/findings?format=sarif"];
  for (const p of paths) {
    const res = await request.get(p);
    expect(res.status(), p).toBeLessThan(400);
    const body = await res.text();
    expect(body.length, p).toBeGreaterThan(50);
    expect(body, p).not.toContain("demo-token");
  }
});
