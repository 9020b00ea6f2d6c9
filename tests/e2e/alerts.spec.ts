import { expect, test } from "@playwright/test";
import { type Receiver, receiver } from "../alert-receiver";
import { collectErrors, waitForFinishedScan } from "./helpers";

let slack: Receiver;

test.beforeAll(async ({ request }) => {
  // the startup scan would alert the receiver saved below
  await waitForFinishedScan(request);
  slack = await receiver();
});

test.afterAll(async ({ request }) => {
  // the e2e database is shared by every spec: later rescans must not post to a receiver that is gone
  await request.put("/api/settings/alerts", { data: { slackUrl: "", webhookUrl: "", webhookSecret: "" } });
  await slack?.close();
});

test("alerts on /settings: a bad URL is refused inline, a saved one is never shown again, Send test reaches it", async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto("/settings");
  const section = page.getByRole("region", { name: "Alerts" });
  await expect(section).toBeVisible();
  await expect(section.getByTestId("alerts-slackUrl-source")).toHaveText("Not set.");
  await expect(section.getByRole("button", { name: "Send test" })).toBeDisabled();

  const url = section.getByLabel("Slack incoming webhook URL", { exact: true });
  await expect(url).toBeEditable();
  await url.fill("ftp://hooks.example.com/x");
  await section.getByRole("button", { name: "Save" }).click();
  await expect(section.getByTestId("alerts-slackUrl").getByRole("alert")).toHaveText("Slack webhook URL must be an http or https URL (got ftp).");
  await expect(url).toHaveAttribute("aria-invalid", "true");

  const host = new URL(slack.url).host;
  await url.fill(`${slack.url}/services/T0/B0/e2e-secret-part`);
  await section.getByRole("button", { name: "Save" }).click();
  await expect(section.getByRole("status")).toHaveText("Saved.");
  await expect(section.getByTestId("alerts-slackUrl-source")).toHaveText(`Set on this page (a URL on ${host}).`);
  await expect(url).toHaveValue("");
  await page.reload();
  await expect(section.getByTestId("alerts-slackUrl-source")).toHaveText(`Set on this page (a URL on ${host}).`);
  expect(await page.content()).not.toContain("e2e-secret-part");

  // a webhook URL without a signing secret is refused, at the secret
  await section.getByLabel("Webhook URL", { exact: true }).fill("https://hooks.example.com/cacheguard");
  await section.getByRole("button", { name: "Save" }).click();
  await expect(section.getByTestId("alerts-webhookSecret").getByRole("alert")).toContainText("needs a signing secret");
  await section.getByLabel("Webhook URL", { exact: true }).fill("");

  await section.getByRole("button", { name: "Send test" }).click();
  const results = section.getByTestId("alerts-test-results");
  await expect(results.getByRole("listitem")).toHaveText(`delivered Slack ${host}: HTTP 200 OK: ok`);
  expect(slack.requests).toHaveLength(1);
  expect(slack.requests[0].path).toBe("/services/T0/B0/e2e-secret-part");
  expect(JSON.parse(slack.requests[0].body)).toMatchObject({ text: "cacheguard test message: alerts about acme will be posted here." });
  // the browser logs each refused save (400) as a failed resource: those two and nothing else
  const refused = (e: string) => /status of 400 \(Bad Request\) \[[^\]]*\/api\/settings\/alerts\]/.test(e);
  expect(errors.filter(refused)).toHaveLength(2);
  expect(errors.filter((e) => !refused(e))).toEqual([]);
});
