import { expect, test } from "@playwright/test";
import { SEED, waitForFinishedScan } from "./helpers";

test.beforeAll(async ({ request }) => {
  await waitForFinishedScan(request);
});

test("the org report shows the seed problem with its summary, and the seed finding in the findings view", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: /Org report/ })).toBeVisible();
  const problem = page.getByTestId("problem-row").filter({ hasText: SEED.ref });
  await expect(problem).toHaveCount(1);
  await expect(problem).toContainText(SEED.repo);
  await expect(problem).toContainText("error");
  // The summary counts at least that error and its cache tag.
  await expect(page.getByRole("link", { name: /Open problems/ })).not.toContainText(/^0 problems/);
  await expect(page.getByLabel("Last scan")).toContainText(/succeeded|partial/);

  await page.goto("/?view=findings");
  const row = page.getByTestId("finding-row").filter({ hasText: SEED.rule }).filter({ hasText: SEED.ref });
  await expect(row.first()).toBeVisible();
  await expect(row.first()).toContainText(SEED.repo);
  await expect(row.first()).toContainText("error");
});

test("filtering by rule through the URL shows only that rule", async ({ page }) => {
  await page.goto(`/?view=findings&rule=${SEED.rule}`);
  const rows = page.getByTestId("finding-row");
  await expect(rows.first()).toBeVisible();
  const count = await rows.count();
  for (let i = 0; i < count; i++) await expect(rows.nth(i)).toContainText(SEED.rule);
  await expect(page.getByLabel("Rule")).toHaveValue(SEED.rule);
});

test("filtering by repo through the URL shows only that repo, and the select writes the URL", async ({ page }) => {
  await page.goto(`/?view=findings&repo=${SEED.repo}`);
  const rows = page.getByTestId("finding-row");
  await expect(rows.first()).toBeVisible();
  const count = await rows.count();
  for (let i = 0; i < count; i++) await expect(rows.nth(i).getByRole("link", { name: SEED.repo, exact: true })).toBeVisible();

  await page.getByLabel("Repository").selectOption("");
  await expect(page).not.toHaveURL(/repo=/);
  await page.getByLabel("Severity").selectOption("error");
  await expect(page).toHaveURL(/severity=error/);
  await expect(page.getByTestId("finding-row").first()).toContainText("error");
});

test("a filter that matches nothing says what to do, in either view", async ({ page }) => {
  await page.goto("/?q=no-such-ref-anywhere-xyz");
  await expect(page.getByText("No problems match these filters")).toBeVisible();
  await page.getByRole("link", { name: "clear all filters" }).click();
  await expect(page.getByTestId("problem-row").first()).toBeVisible();

  await page.goto("/?view=findings&q=no-such-ref-anywhere-xyz");
  await expect(page.getByText("No findings match these filters")).toBeVisible();
  await page.getByRole("link", { name: "clear all filters" }).click();
  await expect(page).toHaveURL(/view=findings/);
  await expect(page.getByTestId("finding-row").first()).toBeVisible();
});

test("sorting is a column header button with aria-sort", async ({ page }) => {
  await page.goto("/?view=findings");
  const header = page.getByRole("columnheader", { name: /Repository/ });
  await expect(header).toHaveAttribute("aria-sort", "none");
  await header.getByRole("button").click();
  await expect(page).toHaveURL(/sort=repo/);
  await expect(page.getByRole("columnheader", { name: /Repository/ })).toHaveAttribute("aria-sort", "ascending");
});

test("downloads hold what the filters select", async ({ request }) => {
  const csv = await request.get(`/api/findings?rule=${SEED.rule}&format=csv`);
  expect(csv.ok()).toBe(true);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const text = await csv.text();
  expect(text.split("\r\n")[0]).toContain("ruleId,severity");
  expect(text).toContain(SEED.ref);

  const sarif = await request.get(`/api/findings?repo=${SEED.repo}&format=sarif`);
  const doc = (await sarif.json()) as { version: string; runs: Array<{ results: Array<{ ruleId: string }> }> };
  expect(doc.version).toBe("2.1.0");
  expect(doc.runs[0].results.map((r) => r.ruleId)).toContain(SEED.rule);

  const bad = await request.get("/api/findings?severity=fatal");
  expect(bad.status()).toBe(400);
  expect(((await bad.json()) as { error: string }).error).toMatch(/severity/);
});

test("the demo shows both run-order rules: a cache the image overwrites, a cache without a tag on :latest", async ({ page }) => {
  for (const { rule, repo, severity, ref } of [
    { rule: "cache-overwritten-by-image", repo: "scheduler", severity: "warning", ref: "ghcr.io/acme/scheduler:edge" },
    { rule: "cache-ref-implicit-latest", repo: "mailer", severity: "error", ref: "ghcr.io/acme/mailer:latest" },
  ]) {
    await page.goto(`/?view=findings&rule=${rule}`);
    const rows = page.getByTestId("finding-row");
    await expect(rows, rule).toHaveCount(1);
    await expect(rows.first().getByRole("link", { name: repo, exact: true })).toBeVisible();
    await expect(rows.first()).toContainText(severity);
    await expect(rows.first()).toContainText(ref);
  }
});

test("Next and Previous walk the findings in pages, each page a link of its own", async ({ page }) => {
  await page.goto("/?view=findings&pageSize=3");
  const rows = page.getByTestId("finding-row");
  const pager = page.getByRole("navigation", { name: "Findings pages" });
  await expect(rows).toHaveCount(3);
  await expect(pager).toContainText(/^1–3 of/);
  const first = await rows.allTextContents();
  await pager.getByRole("button", { name: "Next" }).click();
  await expect(page).toHaveURL(/after=/);
  await expect(pager).toContainText(/4–6 of/);
  const second = await rows.allTextContents();
  expect(second.some((r) => first.includes(r))).toBe(false);
  // the address is the page: opened again, it shows the same rows
  await page.reload();
  await expect(pager).toContainText(/4–6 of/);
  expect(await rows.allTextContents()).toEqual(second);
  await pager.getByRole("button", { name: "Previous" }).click();
  await expect(pager).toContainText(/^1–3 of/);
  expect(await rows.allTextContents()).toEqual(first);
  await expect(pager.getByRole("button", { name: "Previous" })).toBeDisabled();
});
