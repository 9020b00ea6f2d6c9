import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { waitForFinishedScan } from "./helpers";

/**
 * The demo's webhook: a push made on the fake GitHub (`POST /_fake/push`: a new commit on web's
 * default branch) is delivered, signed, to the dashboard's /api/webhooks/github, and the webhook
 * queue's incremental scan of `web` puts the finding on the repository page within seconds. The
 * push is undone at the end, so `web` is clean again for whatever runs next.
 */
const FAKE_GITHUB = `http://127.0.0.1:${process.env.E2E_FAKE_GITHUB_PORT}`;
const WORKFLOW = ".github/workflows/docker.yml";
const ORIGINAL = readFileSync(path.resolve(import.meta.dirname, "..", "..", "lib", "demo", "fixture", "repos", "web", WORKFLOW), "utf8");
const BROKEN = ORIGINAL.replace(/ref=ghcr\.io\/acme\/web:buildcache/g, "ref=ghcr.io/acme/web:latest");

test.beforeAll(async ({ request }) => {
  await waitForFinishedScan(request);
});

test("a push on GitHub arrives as a signed webhook: the finding appears on the repo page, the scan is listed as incremental", async ({ page, request }) => {
  expect(BROKEN).not.toBe(ORIGINAL);
  const card = page.getByTestId("finding-card").filter({ has: page.getByText("cache-overwrites-image-tag", { exact: true }) });
  await page.goto("/repos/web");
  await expect(card).toHaveCount(0);

  const pushed = await request.post(`${FAKE_GITHUB}/_fake/push`, { data: { repo: "web", message: "Cache to the image tag", files: { [WORKFLOW]: BROKEN } } });
  expect(pushed.status()).toBe(200);
  const body = (await pushed.json()) as { delivery: { status: number }; modified: string[] };
  expect(body.delivery.status).toBe(202);
  expect(body.modified).toEqual([WORKFLOW]);

  await expect(async () => {
    await page.reload();
    await expect(card).toHaveCount(1, { timeout: 1000 });
  }).toPass({ timeout: 20_000, intervals: [250, 500, 1000] });
  await expect(card).toContainText("ghcr.io/acme/web:latest");

  await page.goto("/scans");
  const row = page.getByRole("row").filter({ hasText: "incremental: repository web" }).first();
  await expect(row).toContainText("webhook");
  await row.getByRole("link", { name: /^#\d+$/ }).click();
  await expect(page.getByTestId("scan-scope")).toContainText("Incremental scan of the repository web");
  const deliveries = page.getByRole("region", { name: /Webhook deliveries/ });
  await expect(deliveries).toContainText("push");
  await expect(deliveries).toContainText(WORKFLOW);

  // undo: the next push resolves it
  const undo = await request.post(`${FAKE_GITHUB}/_fake/push`, { data: { repo: "web", message: "Separate cache ref again", files: { [WORKFLOW]: ORIGINAL } } });
  expect(undo.status()).toBe(200);
  await expect(async () => {
    await page.goto("/repos/web");
    await expect(card).toHaveCount(0, { timeout: 1000 });
  }).toPass({ timeout: 20_000, intervals: [250, 500, 1000] });
});
