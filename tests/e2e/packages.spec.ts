import { expect, test } from "@playwright/test";
import { SEED, waitForFinishedScan } from "./helpers";

test.beforeAll(async ({ request }) => {
  await waitForFinishedScan(request);
});

test("a package's cache tag is badged and flagged", async ({ page }) => {
  await page.goto("/packages");
  await page.locator(`a[href="/packages/${SEED.pkg}"]`).click();
  await expect(page).toHaveURL(new RegExp(`/packages/${SEED.pkg}$`));
  const row = page.getByTestId("tag-row").filter({ has: page.getByText(SEED.cacheTag, { exact: true }) });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("cache");
  await expect(row.getByTestId("flagged-tag")).toContainText("Flagged");
  // Other tags of the package carry their own kind badges.
  await expect(page.getByTestId("tag-row").filter({ hasText: /image|multi-platform/ }).first()).toBeVisible();
});
