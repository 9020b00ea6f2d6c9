import { expect, test } from "@playwright/test";
import { waitForFinishedScan } from "./helpers";

test.beforeAll(async ({ request }) => {
  await waitForFinishedScan(request);
});

test("the packages list shows what cache exports hold across the org", async ({ page }) => {
  await page.goto("/packages");
  const total = page.getByTestId("storage-total");
  await expect(total).toContainText(/Cache exports hold ~\d+(\.\d)? MB/);
  await expect(total).toContainText("in 2,018 untagged versions, 2,009 of them orphans");
  await expect(total).toContainText("npm run --silent cacheguard -- cleanup --org acme --plan");
});

test("a package page shows its storage figures and a read-only clean-up plan that keeps what its tags need", async ({ page }) => {
  await page.goto("/packages/api");
  await expect(page.getByTestId("figure-tagged")).toContainText("3");
  await expect(page.getByTestId("figure-untagged")).toContainText("2,012");
  await expect(page.getByTestId("figure-orphans")).toContainText("2,008");
  await expect(page.getByTestId("figure-cache-bytes")).toContainText(/\d+(\.\d)? MB/);
  const plan = page.getByTestId("cleanup-plan");
  await expect(plan.getByTestId("plan-summary")).toContainText("2,008 versions safe to delete");
  // the release index's platform and attestation manifests are kept, with the reason
  await expect(plan.getByTestId("kept-row").filter({ hasText: "attestation manifest of the index tagged latest, v1.8.0" })).toHaveCount(2);
  await expect(plan.getByTestId("kept-row").filter({ hasText: /linux\/(amd64|arm64\/v8) manifest of the index tagged latest, v1\.8\.0/ })).toHaveCount(2);
  await expect(plan.getByTestId("apply-command")).toHaveText("npm run --silent cacheguard -- cleanup --org acme --package api --apply");
  // nothing on the page deletes: no button, no form posting anywhere
  await expect(page.locator("form[method=post], form[method=POST]")).toHaveCount(0);

  // options go into the URL, and the command follows them
  await plan.getByLabel("keep last cache exports").fill("3");
  await plan.getByRole("button", { name: "Show plan" }).click();
  await expect(page).toHaveURL(/\/packages\/api\?olderThan=&keepLast=3$/);
  await expect(page.getByTestId("plan-summary")).toContainText("2,005 versions safe to delete");
  await expect(page.getByTestId("apply-command")).toHaveText("npm run --silent cacheguard -- cleanup --org acme --package api --keep-last 3 --apply");
});

test("an untagged image signed by a cosign tag is kept", async ({ page }) => {
  await page.goto("/packages/web");
  await expect(page.getByTestId("figure-orphans")).toContainText("1");
  await expect(page.getByTestId("kept-row").filter({ hasText: "named by a cosign tag" })).toHaveCount(1);
  await expect(page.getByTestId("delete-row")).toHaveCount(1);
});
