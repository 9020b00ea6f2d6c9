import { expect, test } from "@playwright/test";
import { SEED, waitForFinishedScan } from "./helpers";

test.beforeAll(async ({ request }) => {
  await waitForFinishedScan(request);
});

test("a repo drill-down shows the offending line highlighted and the fix diff", async ({ page }) => {
  await page.goto("/");
  const row = page.getByTestId("finding-row").filter({ hasText: SEED.rule }).filter({ hasText: SEED.ref }).first();
  await row.getByRole("link", { name: SEED.repo, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/repos/${SEED.repo}$`));

  const card = page.getByTestId("finding-card").filter({ hasText: SEED.rule }).filter({ hasText: SEED.ref }).first();
  await expect(card).toBeVisible();
  const highlighted = card.locator('[data-highlighted="primary"]');
  await expect(highlighted).toHaveCount(1);
  await expect(highlighted).toContainText("acme/api");

  const diff = card.getByTestId("fix-diff");
  await expect(diff).toContainText("--- a/");
  await expect(diff.locator("span").filter({ hasText: /^\+ / }).first()).toBeVisible();
  await expect(card.getByRole("button", { name: "Copy diff" })).toBeVisible();

  const gh = card.getByRole("link", { name: /on GitHub/ });
  await expect(gh).toHaveAttribute("href", /^https:\/\/github\.com\/acme\/api\/blob\/[^/]+\/\.github\/workflows\/.+#L\d+$/);

  await expect(page.getByRole("heading", { name: "Build map" })).toBeVisible();
  await expect(page.getByRole("table", { name: /Builds in this repository/ })).toContainText(SEED.ref);
});

test("an unknown repo is a 404 page that says so", async ({ page }) => {
  const res = await page.goto("/repos/no-such-repo-here");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
});
