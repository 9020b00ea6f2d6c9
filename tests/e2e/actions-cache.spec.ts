import { expect, test } from "@playwright/test";
import { waitForFinishedScan } from "./helpers";

test.beforeAll(async ({ request }) => {
  await waitForFinishedScan(request);
});

test("a repository near its Actions cache limit shows the usage, BuildKit's share, thrash and the warning", async ({ page }) => {
  await page.goto("/repos/docs-site");
  const panel = page.getByTestId("actions-cache");
  await expect(panel.getByRole("heading", { name: "Actions cache" })).toBeVisible();
  await expect(panel).toContainText("8.5 GB of 10 GB (GitHub's default, assumed) · 85 % · 309 entries");
  await expect(panel).toContainText("over 80 %");
  await expect(panel.getByRole("meter", { name: "Actions cache used" })).toHaveAttribute("aria-valuenow", "85");
  await expect(panel).toContainText("7.3 GB (86 %) in 306 of 309 entries");
  await expect(panel).toContainText(/yes: the oldest entry was created 14 h before the listing/);
  await expect(panel).toContainText("admin:repository");

  const card = page.getByTestId("finding-card").filter({ hasText: "gha-cache-near-quota" });
  await expect(card).toHaveCount(1);
  await expect(card).toContainText("85 % of GitHub's default limit of 10 GB");
});

test("a repository well under the limit shows its usage without a warning; one without caches says so", async ({ page }) => {
  await page.goto("/repos/base-images");
  const panel = page.getByTestId("actions-cache");
  await expect(panel).toContainText("2.3 GB of 10 GB (GitHub's default, assumed) · 23 % · 82 entries");
  await expect(panel).not.toContainText("over 80 %");
  await expect(panel).toContainText(/no: the oldest entry is 6 days old/);
  await expect(page.getByTestId("finding-card").filter({ hasText: "gha-cache-near-quota" })).toHaveCount(0);

  await page.goto("/repos/web");
  await expect(page.getByTestId("actions-cache")).toContainText("No Actions cache entries when GitHub was last asked");
});
