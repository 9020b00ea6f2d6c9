import { expect, test } from "@playwright/test";
import { SEED, waitForFinishedScan } from "./helpers";

test.beforeAll(async ({ request }) => {
  await waitForFinishedScan(request);
});

test("a repo drill-down shows the offending line highlighted and the fix diff", async ({ page }) => {
  await page.goto("/");
  const row = page.getByTestId("problem-row").filter({ hasText: SEED.ref }).first();
  await row.getByRole("link", { name: SEED.repo, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/repos/${SEED.repo}#problem-\\d+$`));

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

test("a finding in another repository's action shows that file at the pinned ref and links there", async ({ page }) => {
  // acme/search uses acme/ci-actions/docker-build@v1; the mistake is in that action
  await page.goto("/repos/search");
  const card = page.getByTestId("finding-card").filter({ hasText: "ghcr.io/acme/search:edge" });
  await expect(card).toHaveCount(1);
  await expect(card).toContainText("cache-overwrites-image-tag");
  await expect(card).toContainText("acme/ci-actions@v1:docker-build/action.yml:28:37");
  await expect(card.locator('[data-highlighted="primary"]')).toContainText("cache-to: type=registry,ref=${{ inputs.image }}:${{ inputs.tag }},mode=max");
  await expect(card.getByRole("link", { name: /on GitHub/ })).toHaveAttribute("href", "https://github.com/acme/ci-actions/blob/v1/docker-build/action.yml#L28");
});

test("findings in a script and in a Makefile a workflow runs are shown at their line there", async ({ page }) => {
  for (const { repo, ref, location, line, href } of [
    { repo: "notifications", ref: "ghcr.io/acme/notifications:edge", location: "scripts/build-image.sh:14:33", line: '--cache-to "type=registry,ref=${image}:${tag},mode=max"', href: "https://github.com/acme/notifications/blob/main/scripts/build-image.sh#L14" },
    { repo: "reports", ref: "ghcr.io/acme/reports:nightly", location: "Makefile:15:32", line: "--cache-to type=registry,ref=$(IMAGE):$(TAG),mode=max", href: "https://github.com/acme/reports/blob/main/Makefile#L15" },
  ]) {
    await page.goto(`/repos/${repo}`);
    const card = page.getByTestId("finding-card").filter({ hasText: ref });
    await expect(card, repo).toHaveCount(1);
    await expect(card).toContainText(location);
    await expect(card.locator('[data-highlighted="primary"]')).toContainText(line);
    await expect(card.getByRole("link", { name: /on GitHub/ })).toHaveAttribute("href", href);
  }
});

test("a workflow the scan could not analyse is named on its repo page, the report's coverage line and the scan's page", async ({ page }) => {
  // acme/release-bot's release.yml repeats `runs-on`: GitHub refuses it, and so does the analysis
  await page.goto("/");
  const coverage = page.getByLabel("Coverage");
  await expect(coverage).toContainText(/\d+ of \d+ files analysed; 1 not/);
  await expect(coverage.getByRole("link", { name: "release-bot/.github/workflows/release.yml" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Last scan" })).toContainText("1 file not analysed");

  await coverage.getByRole("link", { name: "release-bot/.github/workflows/release.yml" }).click();
  await expect(page).toHaveURL(/\/repos\/release-bot$/);
  const notAnalysed = page.getByRole("region", { name: "1 file was not analysed" });
  await expect(notAnalysed).toContainText(".github/workflows/release.yml:24");
  await expect(notAnalysed).toContainText("could not be analysed");
  await expect(page.getByRole("heading", { name: /Open problems/ })).toContainText("(0)");

  await notAnalysed.getByRole("link", { name: /scan #\d+/ }).click();
  await expect(page).toHaveURL(/\/scans\/\d+$/);
  await expect(page.getByRole("heading", { name: /Files not analysed \(1\)/ })).toBeVisible();
  await expect(page.getByRole("region", { name: /Files not analysed/ })).toContainText("release-bot");
});
