import { testDatabase } from "./db";

/** Points the app's data layer (db(), env()) at the test database; call before importing it. */
export function pointAppAtTestDatabase(): void {
  const { url, kind } = testDatabase();
  process.env.DATABASE_URL = url;
  process.env.RECARD_DB_KIND = kind === "embedded" ? "embedded-postgresql" : "postgresql";
  process.env.NEXTAUTH_SECRET ??= "integration-test-secret-integration-test-secret";
  process.env.DB_POOL_MAX = "6";
  // Not 5 s: a test's setup transaction (90 messages enqueued in one) outlasted it on a machine kept busy
  // (npm test runs its lanes side by side). tests/foundation/timeouts.int.test.ts checks the default.
  process.env.DB_TRANSACTION_TIMEOUT_MS ??= "60000";
}
