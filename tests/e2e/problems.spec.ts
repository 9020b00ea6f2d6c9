import { expect, test } from "@playwright/test";
import { SEED, waitForFinishedScan } from "./helpers";

test.beforeAll(async ({ request }) => {
  await waitForFinishedScan(request);
});

/**
 * What the demo org's open findings are (35 after the first scan): 26 broken things (docs-site's nearly full
 * Actions cache among them). Other specs change
 * the findings (fix-pr.spec merges billing's fix), never the problems: billing's stays open while its
 * tag still holds the cache.
 */
const DEMO_PROBLEMS = 26;
/** the table's first page holds 25 rows */
const FIRST_PAGE = Math.min(DEMO_PROBLEMS, 25);

test("the report counts problems, not rule hits, and lists one row per problem, confirmed first", async ({ page, request }) => {
  const DEMO_FINDINGS = ((await (await request.get("/api/findings?status=open")).json()) as { total: number }).total;
  expect(DEMO_FINDINGS).toBeGreaterThan(DEMO_PROBLEMS);
  await page.goto("/");
  const card = page.getByRole("link", { name: /Open problems/ });
  await expect(card).toContainText(`${DEMO_PROBLEMS} problems`);
  await expect(card).toContainText(`from ${DEMO_FINDINGS} open findings`);
  await expect(page.getByRole("link", { name: `Problems (${DEMO_PROBLEMS})` })).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("navigation", { name: "Problems pages" })).toContainText(`1–${FIRST_PAGE} of ${DEMO_PROBLEMS}`);
  const rows = page.getByTestId("problem-row");
  await expect(rows).toHaveCount(FIRST_PAGE);
  // the seed tag is one row, whose evidence is the workflow line, the registry's cache and the pulls
  const seed = rows.filter({ hasText: SEED.ref });
  await expect(seed).toHaveCount(1);
  await expect(seed).toContainText("confirmed");
  await expect(seed).toContainText("core-api");
  await expect(seed).toContainText("custom property team");
  await expect(seed).toContainText("registry: cache");
  await expect(seed).toContainText("2 consumers");
  await seed.getByRole("button", { name: `Show the evidence of ${SEED.ref}` }).click();
  const evidence = page.getByTestId("problem-evidence");
  await expect(evidence).toContainText(".github/workflows/ci.yml:30");
  await expect(evidence.getByTestId("registry-evidence")).toContainText(/ghcr\.io\/acme\/api:test\s*cache\s*sha256:948a8332526d/);
  await expect(evidence).toContainText("docker-run");
  // ranks never go back up the table: confirmed, then likely, possible, warnings, notes
  const ranks = await rows.locator("[data-rank]").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-rank"))));
  expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  expect(ranks[0]).toBe(0);

  // the raw findings are one click away, unchanged
  await page.getByRole("link", { name: `Findings (${DEMO_FINDINGS})` }).click();
  await expect(page).toHaveURL(/view=findings/);
  await expect(page.getByTestId("finding-row").filter({ hasText: SEED.ref })).toHaveCount(2);
});

test("the api repo page has one card per problem, with one code view, one fix and both pieces of evidence", async ({ page }) => {
  await page.goto(`/repos/${SEED.repo}`);
  await expect(page.getByRole("heading", { name: /Open problems/ })).toContainText("(1)");
  const cards = page.getByTestId("problem-card");
  await expect(cards).toHaveCount(1);
  const card = cards.first();
  await expect(card).toContainText(SEED.ref);
  await expect(card.locator('[data-highlighted="primary"]')).toHaveCount(1);
  await expect(card.getByTestId("fix-diff")).toHaveCount(1);
  // the workflow's cache export (the code view's finding) and the registry's evidence (listed)
  await expect(card.getByTestId("finding-card")).toContainText(SEED.rule);
  await expect(card.getByTestId("problem-other-finding")).toContainText("registry-tag-holds-cache");
  await expect(card.getByTestId("registry-evidence")).toContainText("cache");
  // accept-risk stays per finding: one for the primary, one for the registry finding
  await expect(card.getByRole("button", { name: "Accept risk…" })).toHaveCount(2);

  // the table's repository link lands on the card
  await page.goto("/");
  await page.getByTestId("problem-row").filter({ hasText: SEED.ref }).getByRole("link", { name: SEED.repo, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/repos/${SEED.repo}#problem-\\d+$`));
  await expect(page.getByTestId("problem-card")).toBeInViewport();
});

test("the team filter narrows the problems table, is kept in the URL, and survives a reload", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("problem-row")).toHaveCount(FIRST_PAGE);
  await page.getByLabel("Team", { exact: true }).selectOption("web");
  await expect(page).toHaveURL(/team=web/);
  const rows = page.getByTestId("problem-row");
  // frontend (topic team-web); docs-site's shared gha scope and its nearly full Actions cache (topic team-web)
  await expect(rows).toHaveCount(3);
  for (const r of await rows.all()) await expect(r).toContainText("topic team-web");
  await page.reload();
  await expect(page.getByLabel("Team", { exact: true })).toHaveValue("web");
  await expect(page.getByTestId("problem-row")).toHaveCount(3);
  await expect(page.getByRole("heading", { name: /Problems · team web/ })).toBeVisible();
  // CODEOWNERS teams are teams too, and the findings view keeps the filter
  await page.getByLabel("Team", { exact: true }).selectOption("platform-eng");
  await expect(page.getByTestId("problem-row")).toHaveCount(1);
  await expect(page.getByTestId("problem-row")).toContainText("CODEOWNERS (.github/CODEOWNERS)");
  await page.getByRole("link", { name: /^Findings \(/ }).click();
  await expect(page).toHaveURL(/team=platform-eng/);
  await expect(page.getByTestId("finding-row")).toHaveCount(2);
});

test("the scans page shows problems opened and fixed per scan, and how long problems stay open", async ({ page }) => {
  await page.goto("/scans");
  await expect(page.getByTestId("scan-problems").last()).toContainText(`+${DEMO_PROBLEMS} / −0 (${DEMO_PROBLEMS} open)`);
  const trend = page.getByRole("region", { name: "Time a problem stays open" });
  await expect(trend).toContainText("still open");
  await expect(trend.getByTestId("team-trend-row").filter({ hasText: "core-api" })).toContainText(/core-api\s*\d+\s*.+\s*\d+/);
});
