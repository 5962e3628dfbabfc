/**
 * Runs before every integration test file (vitest setupFiles): the file gets its own database, a copy
 * of the migrated and seeded template the runner prepared, and TEST_DATABASE_URL points at it. Copies
 * left by earlier files are dropped here once their connections are gone (the server itself is
 * thrown away at the end of the run).
 */
import { vi } from "vitest";
import { randomBytes } from "node:crypto";
import { copyDatabase, dropDatabaseIfIdle, onServer, SEEDED_TEMPLATE } from "./template";
import { TEST_TRANSACTION_TIMEOUT_MS } from "./db";

const server = process.env.TEST_SERVER_URL;
if (!server) {
  throw new Error("integration tests run through `npm run test:integration`, which starts the embedded PostgreSQL and Debian's");
}

const stale = await onServer(server, (c) => c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'recard_file_%'`));
for (const { datname } of stale.rows) await dropDatabaseIfIdle(server, datname);

const name = `recard_file_${process.pid}_${randomBytes(4).toString("hex")}`;
// RECARD_TEST_TEMPLATE=off (scripts/test-integration.ts): an empty database, which seededDatabase() then
// migrates and seeds in this file, the cost every file paid before the template.
const withTemplate = process.env.RECARD_TEST_TEMPLATE !== "off";
process.env.TEST_DATABASE_URL = await copyDatabase(server, withTemplate ? SEEDED_TEMPLATE : "template0", name);
(globalThis as { recardTestDbPristine?: boolean }).recardTestDbPristine = withTemplate;

// The app's client (db()) gets the tests' transaction timeout in every file, not only in those that call
// pointAppAtTestDatabase(): freshDemoWorld() points db() at this database without it, and a 90-message
// setup transaction in the statements test then met the app's 5 s under load (and, failing, left the
// next test's per-process caches cold: 3 more statements counted there).
process.env.DB_TRANSACTION_TIMEOUT_MS ??= String(TEST_TRANSACTION_TIMEOUT_MS);

// The parties register their message handlers with the exchange at start, as the app server does in
// instrumentation.ts (lib/server/wiring.ts).
const { wireParties } = await import("@/lib/server/wiring");
wireParties();

// Server actions translate their answers with next-intl's server functions; outside a request they get
// the app's catalogues in English (tests/helpers/intl.ts). A file that needs Japanese mocks it again.
vi.mock("next-intl/server", async () => (await import("./intl")).intlServer("en"));
