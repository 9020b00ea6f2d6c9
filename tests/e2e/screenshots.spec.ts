import { test } from "@playwright/test";
import { SEED, waitForFinishedScan } from "./helpers";

/** Writes the README's screenshots: CG_SCREENSHOTS=1 npx playwright test screenshots */
test.skip(!process.env.CG_SCREENSHOTS, "set CG_SCREENSHOTS=1 to refresh public/screenshots/");

test.beforeAll(async ({ request }) => {
  await waitForFinishedScan(request);
});

test("screenshots of the report and the drill-down", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto("/");
  await page.getByTestId("problem-row").first().waitFor();
  await page.screenshot({ path: "public/screenshots/report.png", fullPage: true });

  await page.goto(`/repos/${SEED.repo}`);
  await page.getByTestId("problem-card").first().waitFor();
  await page.screenshot({ path: "public/screenshots/repo-drilldown.png", fullPage: true });

  await page.goto(`/packages/${SEED.pkg}`);
  await page.getByTestId("tag-row").first().waitFor();
  await page.screenshot({ path: "public/screenshots/package.png", fullPage: true });

  await page.goto("/scans");
  await page.getByTestId("scan-row").first().waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: "public/screenshots/scans.png", fullPage: true });

  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/");
  await page.getByTestId("problem-row").first().waitFor();
  await page.screenshot({ path: "public/screenshots/report-dark.png", fullPage: true });
});
