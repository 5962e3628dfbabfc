import { defineConfig, devices, type Project } from "@playwright/test";
import { ACCOUNTS } from "./e2e/fixtures/accounts";

const PORT = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${PORT}`;

// Debian's Chromium (no browser download works here: STACK.md).
export const chromium = {
  ...devices["Desktop Chrome"],
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  },
};

const projects: Project[] = [
  { name: "setup", testMatch: /fixtures\/auth\.setup\.ts/, use: chromium },
  { name: "issuer", testDir: "e2e/issuer", dependencies: ["setup"], use: { ...chromium, storageState: ACCOUNTS.issuer.state } },
  { name: "provider", testDir: "e2e/provider", dependencies: ["setup"], use: { ...chromium, storageState: ACCOUNTS.metro.state } },
  { name: "cardholder", testDir: "e2e/cardholder", dependencies: ["setup"], use: { ...chromium, storageState: ACCOUNTS.hana.state } },
  { name: "security", testDir: "e2e/security", dependencies: ["setup"], use: chromium },
  // axe-core on every main page in both languages (reads only, like the security suite).
  { name: "accessibility", testDir: "e2e/accessibility", dependencies: ["setup"], use: chromium },
  // Cross-role journeys on the shared demo database, in file order (10-…, 20-…): later files
  // continue from the state earlier ones leave (a reload needs the reissue before it). They need only
  // the demo data and the saved sign-ins, so they also run on a server of their own (group journeys).
  { name: "journeys", testDir: "e2e/journeys", dependencies: ["issuer", "provider", "cardholder", "security", "accessibility"], use: chromium },
];

/**
 * `npm test` runs three groups at once, each with its own server, database and saved sign-ins
 * (scripts/test-all.sh): E2E_GROUP=security (every page in both languages, refusals: they change
 * nothing), E2E_GROUP=portals (the portals' own tests, then the accessibility sweep) and
 * E2E_GROUP=journeys (the cross-role journeys, from the demo data). Without E2E_GROUP, everything, in
 * one run.
 */
const GROUPS: Record<string, string[]> = {
  security: ["setup", "security"],
  portals: ["setup", "issuer", "provider", "cardholder", "accessibility"],
  journeys: ["setup", "journeys"],
};
const group = process.env.E2E_GROUP;

/**
 * Playwright's trace (E2E_TRACE: off by default). Recording one for every test, to keep those of the
 * failures, cost 14 % of an e2e run's CPU (measured: the issuer tests, 175 s with the trace against 151 s
 * without, docs/performance.md), and the three groups share two cores. A failure still leaves its
 * screenshot and Playwright's error context (the page's accessibility tree) in test-results/; to hunt a
 * flaky test, run again with E2E_TRACE=retain-on-failure.
 */
const TRACE_MODES = ["off", "on", "retain-on-failure", "retain-on-first-failure"] as const;
const trace = (process.env.E2E_TRACE ?? "off") as (typeof TRACE_MODES)[number];
if (!TRACE_MODES.includes(trace)) throw new Error(`E2E_TRACE must be one of ${TRACE_MODES.join(", ")}`);
if (group && !GROUPS[group]) throw new Error(`E2E_GROUP must be one of ${Object.keys(GROUPS).join(", ")}`);
const selected = group
  ? projects.filter((p) => GROUPS[group]!.includes(p.name!)).map((p) => ({ ...p, dependencies: p.dependencies?.filter((d) => GROUPS[group]!.includes(d)) }))
  : projects;

/** One Playwright project per portal with its own saved sign-in, plus the cross-role security suite. */
export default defineConfig({
  testDir: "e2e",
  ...(group ? { outputDir: `test-results/${group}` } : {}),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: { baseURL, trace, screenshot: "only-on-failure" },
  projects: selected,
  webServer: {
    // A fresh embedded PostgreSQL in a temporary folder per run, seeded with the demo data. SIGTERM
    // (not Playwright's default SIGKILL) lets scripts/start.ts stop the server and remove the folder.
    command: "node --import tsx --conditions=react-server scripts/start.ts --demo",
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
    url: `${baseURL}/api/health`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      RECARD_DATA_DIR: "temp",
      NEXTAUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-e2e-secret",
      NEXTAUTH_URL: baseURL,
      // One saved sign-in per account serves the whole run, which can outlast 30 idle minutes on a busy machine.
      RECARD_SESSION_IDLE_MINUTES: "240",
      // The suite must pass on a machine kept busy (npm test's lanes, a parallel CPU load): a transaction
      // may take longer than the production default of 5 s there.
      DB_TRANSACTION_TIMEOUT_MS: "60000",
      DATABASE_URL: "",
      // The server stops when this runner is gone, however it ends (scripts/start.ts): Playwright starts it
      // in a session of its own, out of reach of a signal to the runner's process group.
      RECARD_STOP_WITH_PID: String(process.pid),
    },
  },
});
