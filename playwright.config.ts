import { chromium, defineConfig, devices } from "@playwright/test";
import { DEBIAN_CHROMIUM, findBrowser, isExecutableFile } from "./scripts/e2e-browser";

process.env.NEXT_TELEMETRY_DISABLED = "1";

/**
 * E2E against the real app on the demo org: `scripts/start.ts` migrates a throw-away database,
 * starts the fake GitHub server, builds if needed, serves and runs the first scan.
 * The browser is the one scripts/e2e-browser.ts finds (and `npm run test:e2e` installs when
 * there is none): Debian's Chromium (or CHROMIUM_PATH), else Playwright's own download.
 */
const PORT = Number(process.env.E2E_PORT ?? 3107);
const BASE_URL = `http://127.0.0.1:${PORT}`;
/** The demo's fake GitHub listens here, so a test can act as GitHub does (merge a pull request); workers inherit it. */
process.env.E2E_FAKE_GITHUB_PORT ??= String(PORT + 1);
const E2E_DB_FILE = "./data/e2e.db";
const browser = findBrowser({ isExecutable: isExecutableFile, playwrightChromium: () => chromium.executablePath() }, process.env.CHROMIUM_PATH || DEBIAN_CHROMIUM);

export default defineConfig({
  testDir: "tests/e2e",
  testMatch: /.*\.spec\.ts$/,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : "list",
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    ...devices["Desktop Chrome"],
    viewport: { width: 1440, height: 900 },
    // Playwright's full Chromium (not its headless shell, which `install chromium` may not have)
    ...(browser?.kind === "playwright" ? { channel: "chromium" } : {}),
    launchOptions: browser?.kind === "system"
      ? {
          executablePath: browser.executablePath,
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
          ],
        }
      : {},
  },
  webServer: {
    // A fresh database every run; the demo org even on a machine configured for a real one.
    command: `rm -f ${E2E_DB_FILE} ${E2E_DB_FILE}-journal ${E2E_DB_FILE}-wal ${E2E_DB_FILE}-shm && env -u GITHUB_TOKEN -u GITHUB_APP_ID -u CACHEGUARD_ORG npx tsx scripts/start.ts`,
    url: `${BASE_URL}/api/rules`,
    timeout: 300_000,
    reuseExistingServer: !process.env.CI && process.env.E2E_REUSE === "1",
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      DATABASE_URL: `file:${E2E_DB_FILE}`,
      NEXT_TELEMETRY_DISABLED: "1",
      // Slow the fake GitHub down a little so a rescan's progress bar is visible while it runs.
      CACHEGUARD_DEMO_LATENCY_MS: "40",
      CACHEGUARD_DEMO_PORT: process.env.E2E_FAKE_GITHUB_PORT,
    },
  },
});
