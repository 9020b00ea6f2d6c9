import { expect, test } from "@playwright/test";
import { collectErrors, SEED, waitForFinishedScan } from "./helpers";

test.beforeAll(async ({ request }) => {
  await waitForFinishedScan(request);
});

test("no page logs a console error", async ({ page, request }) => {
  const rules = ((await (await request.get("/api/rules")).json()) as { rules: Array<{ id: string }> }).rules;
  const errors = collectErrors(page);
  const pages = [
    "/",
    "/?team=web",
    `/?view=findings&rule=${SEED.rule}&sort=repo&dir=desc`,
    `/repos/${SEED.repo}`,
    "/repos/worker",
    "/packages",
    `/packages/${SEED.pkg}`,
    "/scans",
    "/scans/1",
    "/repos/release-bot",
    "/rules",
    ...rules.map((r) => `/rules/${r.id}`),
  ];
  for (const url of pages) {
    await test.step(url, async () => {
      const res = await page.goto(url);
      expect(res?.status(), url).toBe(200);
      // client components hydrate and run their effects; give late errors a moment to appear
      await page.waitForLoadState("load");
      await page.waitForTimeout(700);
    });
  }
  expect(errors).toEqual([]);
});
