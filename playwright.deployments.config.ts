import { defineConfig } from "@playwright/test";
import { chromium } from "./playwright.config";

/**
 * Separate deployments (issue 11): run by `scripts/deployments-e2e.ts`, which starts the issuer's,
 * Metro's and Hoshi's deployments (three processes, three databases) and two instances of one
 * deployment on one database, and passes their addresses (DEPLOYMENT_*_URL). Not part of the
 * single-server run of playwright.config.ts.
 */
export default defineConfig({
  testDir: "e2e/deployments",
  // Its own output folder: the default (test-results) would be emptied at start, and with it the
  // screenshots the main e2e run leaves in test-results/screenshots.
  outputDir: "test-results/deployments",
  timeout: 240_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    ...chromium,
    viewport: { width: 1440, height: 1000 },
  },
});
