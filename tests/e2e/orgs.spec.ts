import { expect, test } from "@playwright/test";
import { waitForFinishedScan } from "./helpers";

/**
 * Several orgs per deployment, on the demo: `npm start` serves acme and the small globex
 * (lib/demo/fixture-globex). The header's switcher shows the same view of the other org at a URL
 * that can be shared; acme's URLs are the ones from before.
 */
test.beforeAll(async ({ request }) => {
  await waitForFinishedScan(request);
  await expect.poll(async () => {
    const body = (await (await request.get("/api/scans?org=globex")).json()) as { active: unknown; scans: Array<{ status: string }> };
    return !body.active && body.scans.some((s) => s.status === "succeeded" || s.status === "partial");
  }, { timeout: 120_000 }).toBe(true);
});

test("the switcher shows the other org's same view at a linkable URL, and links stay in that org", async ({ page }) => {
  await page.goto("/?view=findings&severity=error");
  const switcher = page.getByRole("combobox", { name: "Organization" });
  await expect(switcher).toHaveValue("acme");
  await expect(page.getByRole("heading", { name: /Org report/ })).toContainText("acme");

  await switcher.selectOption("globex");
  await expect(page).toHaveURL(/\/\?org=globex&view=findings&severity=error$/);
  await expect(page.getByRole("heading", { name: /Org report/ })).toContainText("globex");
  const rows = page.getByTestId("finding-row");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("ghcr.io/globex/rocket:edge");
  await expect(page.getByLabel("Severity")).toHaveValue("error");

  // the URL alone is the view: opened fresh it shows globex, not the default org
  const url = page.url();
  const fresh = await page.context().newPage();
  await fresh.goto(url);
  await expect(fresh.getByRole("heading", { name: /Org report/ })).toContainText("globex");
  await expect(fresh.getByTestId("finding-row")).toHaveCount(1);
  await expect(fresh.getByRole("combobox", { name: "Organization" })).toHaveValue("globex");
  await fresh.close();

  // a link on globex's report opens globex's repository page; the nav keeps the org too
  await rows.first().getByRole("link", { name: "rocket", exact: true }).click();
  await expect(page).toHaveURL(/\/repos\/rocket\?org=globex$/);
  await expect(page.getByRole("heading", { name: "globex/rocket" })).toBeVisible();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Scans" }).click();
  await expect(page).toHaveURL(/\/scans\?org=globex$/);
  await expect(page.getByRole("heading", { name: /^Scans/ })).toContainText("globex");

  // back to the default org: its URLs carry no parameter, as before several orgs
  await page.getByRole("combobox", { name: "Organization" }).selectOption("acme");
  await expect(page).toHaveURL(/\/scans$/);
  await expect(page.getByRole("heading", { name: /^Scans/ })).toContainText("acme");
});

test("acme's report never shows globex's finding, and an org the server does not audit is not found", async ({ page }) => {
  await page.goto("/?view=findings&q=globex");
  await expect(page.getByTestId("finding-row")).toHaveCount(0);
  const missing = await page.goto("/?org=initech");
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
});
