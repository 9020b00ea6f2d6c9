import { expect, test, type APIRequestContext } from "@playwright/test";
import { waitForFinishedScan } from "./helpers";

/**
 * A fix pull request from the repository page, on `billing` (the seed repo `api` stays as other specs
 * expect it): opened, merged on the fake GitHub as a reviewer would, and resolved by the next scan.
 */
const FAKE_GITHUB = `http://127.0.0.1:${process.env.E2E_FAKE_GITHUB_PORT}`;

test.beforeAll(async ({ request }) => {
  await waitForFinishedScan(request);
});

async function rescan(request: APIRequestContext): Promise<void> {
  const started = await request.post("/api/scans", { data: { trigger: "manual" } });
  expect(started.status()).toBe(202);
  const { scanId } = (await started.json()) as { scanId: number };
  await expect
    .poll(async () => ((await (await request.get(`/api/scans/${scanId}`)).json()) as { status: string }).status, { timeout: 120_000, intervals: [500, 1000] })
    .toBe("succeeded");
}

test("open a fix PR from the repo page, merge it on GitHub, rescan: the finding is resolved and the PR shown merged", async ({ page, request }) => {
  await page.goto("/repos/billing");
  await expect(page.getByRole("button", { name: "Fix all in this repo" })).toBeVisible();
  const card = page.getByTestId("finding-card").filter({ has: page.getByText("cache-overwrites-image-tag", { exact: true }) });
  await expect(card).toHaveCount(1);
  await card.getByRole("button", { name: "Open fix PR" }).click();
  const link = card.getByRole("link", { name: /^PR #\d+$/ });
  await expect(link).toBeVisible();
  await expect(card.getByTestId("fix-pr-state")).toHaveText("open");
  await expect(card.getByText(/^Opened pull request #\d+ on/)).toContainText(/cacheguard\/fix-cache-overwrites-image-tag-[0-9a-f]{8}/);
  const href = (await link.getAttribute("href")) ?? "";
  expect(href).toMatch(/^https:\/\/github\.com\/acme\/billing\/pull\/\d+$/);
  const number = Number(href.split("/").pop());
  // after a reload the page shows it from the database, and the button now updates it
  await page.reload();
  await expect(card.getByRole("link", { name: `PR #${number}` })).toBeVisible();
  await expect(card.getByRole("button", { name: "Update fix PR" })).toBeVisible();

  const merged = await request.put(`${FAKE_GITHUB}/repos/acme/billing/pulls/${number}/merge`, { headers: { authorization: "Bearer demo-token" }, data: {} });
  expect(merged.status()).toBe(200);
  expect(((await merged.json()) as { merged: boolean }).merged).toBe(true);

  await rescan(request);
  await page.reload();
  await expect(page.getByTestId("finding-card").filter({ has: page.getByText("cache-overwrites-image-tag", { exact: true }) })).toHaveCount(0);
  const resolved = page.getByRole("region", { name: "Resolved findings" }).getByRole("listitem").filter({ hasText: "cache-overwrites-image-tag" });
  await expect(resolved).toHaveCount(1);
  await expect(resolved.getByRole("link", { name: `PR #${number}` })).toBeVisible();
  await expect(resolved.getByTestId("fix-pr-state")).toHaveText("merged");
});
