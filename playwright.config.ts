import { defineConfig } from "@playwright/test";

/**
 * Browser tests against a real `taskyard server` on a fresh embedded database (e2e/global-setup.ts),
 * in Debian's Chromium (`apt-get install -y chromium`; Playwright's own browser download needs the internet).
 */
export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/global-setup.ts",
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  // The timing specs ("within 2 s") share two cores with the server, PostgreSQL and sandboxed agents
  // starting up: on CI a test that fails once is run once more and reported as flaky, not hidden.
  retries: process.env.CI ? 1 : 0,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  outputDir: "test-results/e2e",
  use: {
    headless: true,
    browserName: "chromium",
    viewport: { width: 1280, height: 800 },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--disable-quic",
      ],
    },
  },
});
