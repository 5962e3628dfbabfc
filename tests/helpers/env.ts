import { TEST_TRANSACTION_TIMEOUT_MS, testDatabase } from "./db";

/** Points the app's data layer (db(), env()) at the test database; call before importing it. */
export function pointAppAtTestDatabase(): void {
  const { url, kind } = testDatabase();
  process.env.DATABASE_URL = url;
  process.env.RECARD_DB_KIND = kind === "embedded" ? "embedded-postgresql" : "postgresql";
  process.env.NEXTAUTH_SECRET ??= "integration-test-secret-integration-test-secret";
  process.env.DB_POOL_MAX = "6";
  // A minute, not the app's 5 s (TEST_TRANSACTION_TIMEOUT_MS says why); testPrisma() reads it too.
  process.env.DB_TRANSACTION_TIMEOUT_MS ??= String(TEST_TRANSACTION_TIMEOUT_MS);
}
