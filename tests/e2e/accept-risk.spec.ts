import { expect, test } from "@playwright/test";
import { waitForFinishedScan } from "./helpers";

test.beforeAll(async ({ request }) => {
  await waitForFinishedScan(request);
});

test("accept a finding's risk with a reason and a date: it leaves the open list, shows under Suppressed, and revoking brings it back", async ({ page }) => {
  // acme/analytics has one note (cache-from-never-written); no other spec relies on it
  await page.goto("/repos/analytics");
  const card = page.getByTestId("finding-card").filter({ hasText: "cache-from-never-written" });
  await expect(card).toHaveCount(1);
  await card.getByRole("button", { name: "Accept risk…" }).click();
  const form = card.getByRole("form", { name: "Accept risk" });
  await form.getByLabel("Why is this acceptable?").fill("the gha cache is the one we use; this import is a leftover");
  await form.getByRole("button", { name: "Accept risk" }).click();

  const suppressed = page.getByRole("region", { name: /Suppressed/ });
  await expect(suppressed).toContainText("risk accepted by demo until");
  await expect(suppressed).toContainText("this import is a leftover");
  await expect(page.getByRole("heading", { name: /Open problems/ })).toContainText("(0)");

  // its problem is suppressed with it; the finding too
  await page.goto("/?status=suppressed&repo=analytics");
  await expect(page.getByTestId("problem-row").filter({ hasText: "ghcr.io/acme/analytics:cache" })).toHaveCount(1);
  await page.goto("/?view=findings&status=suppressed&repo=analytics");
  await expect(page.getByTestId("finding-row").filter({ hasText: "cache-from-never-written" })).toHaveCount(1);

  await page.goto("/repos/analytics");
  await page.getByRole("region", { name: /Suppressed/ }).getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByRole("heading", { name: /Open problems/ })).toContainText("(1)");
  await expect(page.getByRole("region", { name: /Suppressed/ })).toHaveCount(0);
});
