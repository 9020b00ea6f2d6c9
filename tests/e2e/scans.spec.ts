import { expect, test } from "@playwright/test";
import { waitForFinishedScan } from "./helpers";

test.beforeAll(async ({ request }) => {
  await waitForFinishedScan(request);
});

test("Rescan now shows a progress bar that runs to the end", async ({ page, request }) => {
  const before = ((await (await request.get("/api/scans")).json()) as { scans: unknown[] }).scans.length;
  await page.goto("/scans");
  await expect(page.getByRole("figure", { name: "Open findings over time" })).toBeVisible();
  await page.getByRole("button", { name: "Rescan now" }).click();
  const progress = page.getByTestId("scan-progress");
  await expect(progress.getByRole("progressbar")).toBeVisible();
  await expect(progress).toHaveAttribute("data-status", /succeeded|partial/, { timeout: 90_000 });
  await expect(progress.getByRole("progressbar")).toHaveAttribute("aria-valuenow", /[1-9]/);
  await expect(page.getByTestId("scan-row")).toHaveCount(before + 1);
});

test("starting a scan while one runs answers 409 with a message", async ({ request }) => {
  const first = await request.post("/api/scans", { data: { trigger: "manual" } });
  expect(first.status()).toBe(202);
  const second = await request.post("/api/scans", { data: { trigger: "manual" } });
  // The first may already have finished on a fast machine; otherwise the second is refused.
  if (second.status() === 409) {
    expect(((await second.json()) as { error: string }).error).toMatch(/already running/);
  } else {
    expect(second.status()).toBe(202);
  }
  await waitForFinishedScan(request);
  const bad = await request.post("/api/scans", { data: { trigger: "nope" } });
  expect(bad.status()).toBe(400);
});
